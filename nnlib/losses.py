"""Loss functions: how far the network's output is from the target.

Taught in notebook 04. ``forward(prediction, target)`` returns the mean
loss over the batch as a float; ``backward()`` returns its gradient with
respect to the prediction, already divided by the number of samples.
"""

from nnlib.backend import get_array_module
from nnlib.layers import check_2d


def _as_target(target, prediction, where):
    """Return target on prediction's device, with a clear error if it is wrong."""
    xp = get_array_module(prediction)
    target = xp.asarray(target)
    n_samples = prediction.shape[0]
    if target.shape[0] != n_samples:
        raise ValueError(
            f"{where}: expected a target for each of the {n_samples} "
            f"samples, got target of shape {target.shape}. help: pass the "
            "labels that belong to this batch of inputs."
        )
    return target


def labels_to_one_hot(labels, n_classes, where):
    """Check integer labels and return them as one-hot rows."""
    xp = get_array_module(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(
            f"{where}: expected integer class labels, got dtype {labels.dtype}. "
            "help: convert with y.astype(int)."
        )
    low, high = int(labels.min()), int(labels.max())
    if low < 0 or high >= n_classes:
        raise ValueError(
            f"{where}: expected labels in 0..{n_classes - 1}, got values from "
            f"{low} to {high}. help: the last layer needs one output per class."
        )
    Y = xp.zeros((labels.shape[0], n_classes), dtype=labels.dtype)
    Y[xp.arange(labels.shape[0]), labels] = 1
    return Y


class Loss:
    """Base class for losses.

    Subclasses define ``prepare_target``, which checks a target and puts
    it in the form the loss computes with, ``_compute`` and ``backward``.
    """

    def __init__(self):
        self.cache = None

    def forward(self, prediction, target):
        """Return the mean loss over the batch as a Python float.

        Parameters
        ----------
        prediction : ndarray of shape (n_samples, n_outputs)
        target : ndarray
            See the class docstring for the forms each loss accepts.

        Returns
        -------
        float
        """
        return float(self.value(prediction, target))

    __call__ = forward

    def value(self, prediction, target):
        """Return the mean loss as a 0-d array, on the prediction's device."""
        where = f"{type(self).__name__}.forward"
        check_2d(prediction, where, "prediction")
        target = _as_target(target, prediction, where)
        target = self.prepare_target(target, prediction.shape[1], prediction.dtype)
        return self._compute(prediction, target)

    def prepare_target(self, target, n_outputs, dtype):
        """Check ``target`` and return it as a float array of shape
        (n_samples, n_outputs), ready for repeated use in training."""
        raise NotImplementedError

    def _compute(self, prediction, target):
        raise NotImplementedError

    def backward(self):
        """Return the gradient of the mean loss with respect to the
        prediction, of the prediction's shape."""
        raise NotImplementedError

    def _cached(self):
        if self.cache is None:
            raise RuntimeError(
                f"{type(self).__name__}.backward: call forward before backward."
            )
        return self.cache

    def __repr__(self):
        return f"{type(self).__name__}()"


class MSE(Loss):
    """Mean squared error, mean((prediction - target)**2) over all values.

    Targets may be of the prediction's shape, a vector for a single-output
    network, or integer labels, which are turned into one-hot rows.
    """

    def prepare_target(self, target, n_outputs, dtype):
        where = "MSE.forward"
        if target.ndim == 1 and n_outputs == 1:
            target = target.reshape(-1, 1)
        elif target.ndim == 1:
            target = labels_to_one_hot(target, n_outputs, where)
        if target.ndim != 2 or target.shape[1] != n_outputs:
            raise ValueError(
                f"{where}: expected target of shape (n_samples, {n_outputs}), "
                f"got {target.shape}."
            )
        return target.astype(dtype, copy=False)

    def _compute(self, prediction, target):
        error = prediction - target
        self.cache = error
        return (error * error).mean()

    def backward(self):
        error = self._cached()
        return 2 * error / error.size


class CrossEntropy(Loss):
    """Softmax cross-entropy on logits, for classification.

    ``forward(logits, target)`` takes raw scores of shape
    (n_samples, n_classes) (no softmax layer before it) and integer labels
    of shape (n_samples,) or one-hot rows of shape (n_samples, n_classes).

    Notes
    -----
    L = -mean_i log softmax(z_i)[y_i]. The log-softmax is computed as
    z - max(z) - log(sum(exp(z - max(z)))), which never overflows.
    The gradient with respect to the logits is (softmax(Z) - Y) / n, the
    fused result derived in notebook 04.

    Integer labels are range-checked on every call, which on a GPU reads
    two numbers back to the host; a hand-written GPU loop should convert
    its targets once with ``prepare_target``, as ``fit`` does.
    """

    def prepare_target(self, target, n_outputs, dtype):
        where = "CrossEntropy.forward"
        if target.ndim == 1:
            target = labels_to_one_hot(target, n_outputs, where)
        elif target.ndim != 2 or target.shape[1] != n_outputs:
            raise ValueError(
                f"{where}: expected labels of shape (n_samples,) or one-hot "
                f"rows of shape (n_samples, {n_outputs}), got {target.shape}. "
                "help: the last layer needs one output per class."
            )
        return target.astype(dtype, copy=False)

    def _compute(self, logits, Y):
        xp = get_array_module(logits)
        shifted = logits - logits.max(axis=1, keepdims=True)
        exp = xp.exp(shifted)
        sums = exp.sum(axis=1, keepdims=True)
        log_probs = shifted - xp.log(sums)
        self.cache = (exp / sums, Y)
        return -(log_probs * Y).sum() / logits.shape[0]

    def backward(self):
        probs, Y = self._cached()
        return (probs - Y) / probs.shape[0]


class BinaryCrossEntropy(Loss):
    """Sigmoid cross-entropy on logits, for single-output networks.

    ``forward(logits, target)`` takes raw scores of shape (n_samples, 1)
    and targets 0 or 1 of shape (n_samples,) or (n_samples, 1).

    Notes
    -----
    L = mean(log(1 + exp(z)) - y z), computed with logaddexp so that large
    scores of either sign are exact. Its gradient with respect to the
    logits is (sigmoid(z) - y) / n.
    """

    def prepare_target(self, target, n_outputs, dtype):
        where = "BinaryCrossEntropy.forward"
        if n_outputs != 1:
            raise ValueError(
                f"{where}: expected logits of shape (n_samples, 1), got "
                f"{n_outputs} outputs per sample. help: for several classes "
                "use CrossEntropy."
            )
        if target.ndim > 2 or (target.ndim == 2 and target.shape[1] != 1):
            raise ValueError(
                f"{where}: expected targets of shape (n_samples,) or "
                f"(n_samples, 1), got {target.shape}."
            )
        target = target.reshape(-1, 1).astype(dtype)
        if bool(((target != 0) & (target != 1)).any()):
            raise ValueError(
                f"{where}: expected targets of 0 or 1, got values from "
                f"{float(target.min())} to {float(target.max())}."
            )
        return target

    def _compute(self, logits, target):
        xp = get_array_module(logits)
        self.cache = (logits, target)
        return (xp.logaddexp(0, logits) - target * logits).mean()

    def backward(self):
        from nnlib.activations import sigmoid

        logits, target = self._cached()
        return (sigmoid(logits) - target) / logits.shape[0]


LOSSES = {
    "mse": MSE,
    "cross_entropy": CrossEntropy,
    "binary_cross_entropy": BinaryCrossEntropy,
}
