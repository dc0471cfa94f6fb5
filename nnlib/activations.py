"""Activation functions, their derivatives, and layers that apply them.

Taught in notebook 02. The functions work on NumPy and CuPy arrays alike.
Each layer keeps what its backward pass needs from the forward pass.
"""

from nnlib.backend import get_array_module
from nnlib.layers import Layer, check_2d


def relu(Z):
    """Return max(0, Z) elementwise."""
    xp = get_array_module(Z)
    return xp.maximum(Z, 0)


def relu_derivative(Z):
    """Return 1 where Z > 0 and 0 elsewhere (0 at the kink itself)."""
    return (Z > 0).astype(Z.dtype)


def leaky_relu(Z, alpha=0.01):
    """Return Z where Z > 0 and alpha * Z elsewhere."""
    xp = get_array_module(Z)
    return xp.where(Z > 0, Z, alpha * Z)


def leaky_relu_derivative(Z, alpha=0.01):
    """Return 1 where Z > 0 and alpha elsewhere."""
    xp = get_array_module(Z)
    return xp.where(Z > 0, 1.0, alpha).astype(Z.dtype)


def sigmoid(Z):
    """Return 1 / (1 + exp(-Z)) without overflow for any Z.

    Notes
    -----
    With e = exp(-|Z|), which never overflows, sigmoid(Z) is 1 / (1 + e)
    for Z >= 0 and e / (1 + e) for Z < 0. The naive formula overflows in
    exp(-Z) for Z below about -89 in float32 and -710 in float64.
    """
    xp = get_array_module(Z)
    e = xp.exp(-xp.abs(Z))
    return xp.where(Z >= 0, 1, e) / (1 + e)


def sigmoid_derivative(Z):
    """Return sigmoid(Z) * (1 - sigmoid(Z)), which never exceeds 0.25.

    Notes
    -----
    Computed as e / (1 + e)**2 with e = exp(-|Z|), the same quantity,
    because A * (1 - A) rounds to exactly 0 once A rounds to 1 (from
    about Z = 17 in float32), while this form stays accurate.
    """
    xp = get_array_module(Z)
    e = xp.exp(-xp.abs(Z))
    return e / ((1 + e) * (1 + e))


def tanh(Z):
    """Return the hyperbolic tangent of Z."""
    xp = get_array_module(Z)
    return xp.tanh(Z)


def tanh_derivative(Z):
    """Return 1 - tanh(Z)**2."""
    A = tanh(Z)
    return 1 - A * A


def softmax(Z):
    """Turn each row of scores into probabilities that sum to one.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    ndarray of shape (n_samples, n_classes)

    Notes
    -----
    softmax(z)_k = exp(z_k) / sum_j exp(z_j). Subtracting the row maximum
    first changes nothing mathematically and keeps exp from overflowing.
    """
    xp = get_array_module(Z)
    E = xp.exp(Z - Z.max(axis=-1, keepdims=True))
    return E / E.sum(axis=-1, keepdims=True)


def softmax_derivative(Z):
    """Return the Jacobian of softmax for each row of Z.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    ndarray of shape (n_samples, n_classes, n_classes)
        ``J[i, k, j]`` is d softmax(Z[i])_k / d Z[i, j].

    Notes
    -----
    J = diag(a) - a a^T with a = softmax(z). Softmax mixes its inputs, so
    unlike the elementwise activations its derivative is a matrix.
    """
    xp = get_array_module(Z)
    A = softmax(Z)
    n_classes = A.shape[-1]
    eye = xp.eye(n_classes, dtype=A.dtype)
    return A[:, :, None] * eye - A[:, :, None] * A[:, None, :]


class Activation(Layer):
    """An elementwise activation: A = f(Z), dZ = dA * f'(Z)."""

    def __init__(self):
        super().__init__()
        self.Z = self.A = self.mask = None

    def forward(self, Z):
        check_2d(Z, type(self).__name__ + ".forward", "Z")
        self.Z = Z
        return self.function(Z)

    def backward(self, dA):
        self._check_backward(dA, self.Z, "dA")
        return dA * self.derivative(self.Z)


class ReLU(Activation):
    """Rectified linear unit, max(0, Z)."""

    def forward(self, Z):
        check_2d(Z, "ReLU.forward", "Z")
        self.mask = Z > 0
        return relu(Z)

    def backward(self, dA):
        self._check_backward(dA, self.mask, "dA")
        return dA * self.mask

    function = staticmethod(relu)
    derivative = staticmethod(relu_derivative)


class LeakyReLU(Activation):
    """Z for Z > 0, alpha * Z otherwise, so no unit is ever quite dead."""

    def __init__(self, alpha=0.01):
        super().__init__()
        if not 0 <= alpha < 1:
            raise ValueError(
                f"LeakyReLU: expected 0 <= alpha < 1, got {alpha!r}. "
                "help: the usual choice is 0.01."
            )
        self.alpha = alpha

    def function(self, Z):
        return leaky_relu(Z, self.alpha)

    def derivative(self, Z):
        return leaky_relu_derivative(Z, self.alpha)

    def get_config(self):
        return {"alpha": self.alpha}


class Sigmoid(Activation):
    """Logistic sigmoid, squashing each value into (0, 1)."""

    def forward(self, Z):
        check_2d(Z, "Sigmoid.forward", "Z")
        self.A = sigmoid(Z)
        return self.A

    def backward(self, dA):
        self._check_backward(dA, self.A, "dA")
        return dA * self.A * (1 - self.A)


class Tanh(Activation):
    """Hyperbolic tangent, squashing each value into (-1, 1)."""

    def forward(self, Z):
        check_2d(Z, "Tanh.forward", "Z")
        self.A = tanh(Z)
        return self.A

    def backward(self, dA):
        self._check_backward(dA, self.A, "dA")
        return dA * (1 - self.A * self.A)


class Softmax(Activation):
    """Row-wise softmax, turning scores into class probabilities.

    Notes
    -----
    To train a classifier, end the network with a Dense layer and use
    :class:`nnlib.losses.CrossEntropy`, which applies softmax itself and
    has the simpler gradient (A - Y) / n. This layer is for showing the
    probabilities or for other losses.
    """

    def forward(self, Z):
        check_2d(Z, "Softmax.forward", "Z")
        self.A = softmax(Z)
        return self.A

    def backward(self, dA):
        # dZ = J^T dA for each row, which simplifies to A * (dA - <dA, A>)
        self._check_backward(dA, self.A, "dA")
        return self.A * (dA - (dA * self.A).sum(axis=1, keepdims=True))


ACTIVATIONS = {
    "relu": ReLU,
    "leaky_relu": LeakyReLU,
    "sigmoid": Sigmoid,
    "tanh": Tanh,
}
