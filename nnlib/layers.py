"""Layers with parameters: the dense (fully connected) layer and dropout.

Taught in notebooks 03 (forward) and 04 (backward). Samples are rows:
a batch X has shape (n_samples, n_in) and a dense layer computes
Z = X @ W + b with W of shape (n_in, n_out) and b of shape (n_out,).
Readers of column-layout code (``W1.dot(X) + b1``) will find that their
W is our W.T and their X is our X.T.
"""

import numpy as np

from nnlib.backend import array_module, get_array_module, to_device

INITS = ("uniform", "xavier", "he")


def check_2d(X, where, name="X", n_features=None):
    """Raise a clear error unless X is a 2-D floating-point array."""
    if not hasattr(X, "ndim") or not hasattr(X, "dtype"):
        raise TypeError(
            f"{where}: expected {name} as a NumPy or CuPy array, got "
            f"{type(X).__name__}. help: convert it with np.asarray({name}, "
            "dtype=np.float32)."
        )
    if X.ndim != 2:
        raise ValueError(
            f"{where}: expected {name} of shape (n_samples, n_features), got "
            f"shape {X.shape}. help: for one sample use {name}.reshape(1, -1); "
            f"for images of shape (n, 28, 28) use {name}.reshape(len({name}), "
            "-1)."
        )
    if X.dtype.kind != "f":
        raise TypeError(
            f"{where}: expected {name} with a floating-point dtype, got "
            f"{X.dtype}. help: convert with {name}.astype(np.float32), and "
            "scale pixel values to [0, 1] first."
        )
    if n_features is not None and X.shape[1] != n_features:
        hint = f"help: this layer takes {n_features} features per row."
        if X.shape[0] == n_features:
            hint = (
                f"Did you pass {name}.T? Samples go in rows: use {name}.T "
                "if your data has one sample per column."
            )
        raise ValueError(
            f"{where}: expected {name} of shape (n_samples, {n_features}), "
            f"got {X.shape}. {hint}"
        )


class Layer:
    """Base class: a layer maps A_prev to A and passes gradients back.

    Subclasses define ``forward(X)`` and ``backward(dA)``. Layers with
    parameters list them in ``param_names``; each parameter ``P`` gets
    its gradient as ``dP`` after ``backward``.
    """

    param_names = ()

    def __init__(self):
        self.training = True

    def forward(self, X):
        raise NotImplementedError

    def backward(self, dA):
        raise NotImplementedError

    def parameters(self):
        """Return the parameter arrays, in ``param_names`` order."""
        return [getattr(self, name) for name in self.param_names]

    def gradients(self):
        """Return the gradient arrays, matching :meth:`parameters`."""
        return [getattr(self, "d" + name) for name in self.param_names]

    def get_config(self):
        """Return the keyword arguments that rebuild this layer."""
        return {}

    def output_size(self, n_in):
        """Return the number of output features for n_in inputs."""
        return n_in

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"

    def _check_backward(self, dA, reference, name):
        where = type(self).__name__ + ".backward"
        if reference is None:
            raise RuntimeError(f"{where}: call forward before backward.")
        if dA.shape != reference.shape:
            raise ValueError(
                f"{where}: expected {name} of shape {reference.shape} (the "
                f"forward output), got {dA.shape}."
            )


def init_weights(n_in, n_out, init="he", rng=None, dtype=np.float32):
    """Draw an initial weight matrix of shape (n_in, n_out).

    Parameters
    ----------
    n_in, n_out : int
    init : {"uniform", "xavier", "he"}
        "uniform" is U(-0.5, 0.5), as in the original project. "xavier"
        (Glorot) is U(-r, r) with r = sqrt(6 / (n_in + n_out)), suited to
        tanh and sigmoid. "he" is N(0, 2 / n_in), suited to ReLU.
    rng : numpy.random.Generator, optional
    dtype : data-type, default float32

    Returns
    -------
    numpy.ndarray of shape (n_in, n_out)
    """
    rng = np.random.default_rng() if rng is None else rng
    if init == "uniform":
        W = rng.uniform(-0.5, 0.5, size=(n_in, n_out))
    elif init == "xavier":
        limit = np.sqrt(6.0 / (n_in + n_out))
        W = rng.uniform(-limit, limit, size=(n_in, n_out))
    elif init == "he":
        W = rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
    else:
        raise ValueError(
            f"init_weights: expected init in {INITS}, got {init!r}. "
            "help: use 'he' for ReLU networks, 'xavier' for tanh or sigmoid."
        )
    return W.astype(dtype)


class Dense(Layer):
    """A fully connected layer, Z = X @ W + b.

    Parameters
    ----------
    n_in, n_out : int
        Number of input and output features.
    init : {"he", "xavier", "uniform"}, default "he"
        Weight initialisation, see :func:`init_weights`. The bias starts at
        zero, except for "uniform", which draws it from U(-0.5, 0.5) like
        the original project.
    rng : numpy.random.Generator, optional
        Source of the initial weights, for reproducible runs.
    dtype : data-type, default float32
        Use float64 for gradient checks.

    Attributes
    ----------
    W : ndarray of shape (n_in, n_out)
    b : ndarray of shape (n_out,)
    dW, db : ndarrays shaped like W and b
        Gradients of the loss, set by :meth:`backward`.

    Notes
    -----
    Backward, with dZ the gradient arriving from above::

        dW = X.T @ dZ        # (n_in, n_out)
        db = dZ.sum(axis=0)  # (n_out,): one sum per unit, over samples
        dX = dZ @ W.T        # (n_samples, n_in)
    """

    param_names = ("W", "b")

    def __init__(self, n_in, n_out, *, init="he", rng=None, dtype=np.float32):
        super().__init__()
        for name, value in (("n_in", n_in), ("n_out", n_out)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(
                    f"Dense: expected {name} as a positive integer, got {value!r}."
                )
        self.n_in, self.n_out, self.init = int(n_in), int(n_out), init
        rng = np.random.default_rng() if rng is None else rng
        W = init_weights(self.n_in, self.n_out, init, rng, dtype)
        if init == "uniform":
            b = rng.uniform(-0.5, 0.5, size=self.n_out).astype(dtype)
        else:
            b = np.zeros(self.n_out, dtype=dtype)
        self.W = to_device(W)
        self.b = to_device(b)
        self.dW = array_module().zeros_like(self.W)
        self.db = array_module().zeros_like(self.b)
        self.X = None

    def forward(self, X):
        check_2d(X, "Dense.forward", "X", self.n_in)
        self._check_parameters()
        self.X = X
        return X @ self.W + self.b

    def _check_parameters(self):
        # W and b may be set by hand, for example from column-layout code,
        # where b has shape (n_out, 1): it would broadcast silently wrong.
        expected = {"W": (self.n_in, self.n_out), "b": (self.n_out,)}
        for name, shape in expected.items():
            actual = getattr(self, name).shape
            if actual != shape:
                raise ValueError(
                    f"Dense.forward: expected {name} of shape {shape}, got "
                    f"{actual}. help: column-layout code keeps W1 as (n_out, "
                    "n_in) and b1 as (n_out, 1); set layer.W = W1.T and "
                    "layer.b = b1.ravel()."
                )

    def backward(self, dZ, input_gradient=True):
        """Store dW and db, and return dX (or None if not asked for).

        The first layer's dX is not needed for training, and skipping it
        saves a third of that layer's backward work.
        """
        if self.X is None:
            raise RuntimeError("Dense.backward: call forward before backward.")
        expected = (self.X.shape[0], self.n_out)
        if dZ.shape != expected:
            raise ValueError(
                f"Dense.backward: expected dZ of shape {expected}, got {dZ.shape}."
            )
        self.dW = self.X.T @ dZ
        self.db = dZ.sum(axis=0)
        return dZ @ self.W.T if input_gradient else None

    def get_config(self):
        return {"n_in": self.n_in, "n_out": self.n_out, "init": self.init}

    def output_size(self, n_in):
        return self.n_out


class Dropout(Layer):
    """Zero a random fraction of activations while training.

    Parameters
    ----------
    rate : float in [0, 1)
        Probability of dropping each value.
    rng : numpy.random.Generator, optional
        Source of the masks on the CPU. On the GPU CuPy's own generator is
        used, seeded from this one.

    Notes
    -----
    Inverted dropout: kept values are scaled by 1 / (1 - rate) during
    training so that nothing changes at evaluation time, when the layer
    passes its input through untouched. Call ``model.eval()`` before
    evaluating and ``model.train()`` before training again (``fit`` and
    ``predict`` do this for you).
    """

    def __init__(self, rate=0.5, *, rng=None):
        super().__init__()
        if not 0 <= rate < 1:
            raise ValueError(
                f"Dropout: expected 0 <= rate < 1, got {rate!r}. "
                "help: 0.2 to 0.5 are usual."
            )
        self.rate = rate
        self.rng = np.random.default_rng() if rng is None else rng
        self._device_rng = None
        self.mask = None

    def forward(self, X):
        check_2d(X, "Dropout.forward", "X")
        if not self.training or self.rate == 0:
            self.mask = None
            return X
        xp = get_array_module(X)
        keep = 1.0 - self.rate
        if xp is np:
            uniform = self.rng.random(X.shape, dtype=X.dtype)
        else:
            if self._device_rng is None:
                seed = int(self.rng.integers(2**63))
                self._device_rng = xp.random.default_rng(seed)
            uniform = self._device_rng.random(X.shape, dtype=X.dtype)
        self.mask = (uniform < keep).astype(X.dtype) / X.dtype.type(keep)
        return X * self.mask

    def backward(self, dA):
        if self.mask is None:
            return dA
        self._check_backward(dA, self.mask, "dA")
        return dA * self.mask

    def get_config(self):
        return {"rate": self.rate}
