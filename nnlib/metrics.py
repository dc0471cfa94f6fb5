"""Measures of a trained classifier: accuracy and the confusion matrix.

Taught in notebook 05. Both take label vectors, on the CPU or the GPU,
and return host values.
"""

import numpy as np

from nnlib.backend import to_numpy


def accuracy(y_true, y_pred):
    """Return the fraction of labels predicted correctly.

    Parameters
    ----------
    y_true, y_pred : ndarray of int, shape (n_samples,)

    Returns
    -------
    float
    """
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(
            f"accuracy: expected two label vectors of the same shape "
            f"(n_samples,), got {y_true.shape} and {y_pred.shape}. "
            "help: pass model.predict(X), not model.predict_proba(X)."
        )
    return float((y_true == y_pred).mean())


def confusion_matrix(y_true, y_pred, n_classes=None):
    """Count each (true class, predicted class) pair.

    Parameters
    ----------
    y_true, y_pred : ndarray of int, shape (n_samples,)
    n_classes : int, optional
        Defaults to one more than the largest label seen.

    Returns
    -------
    ndarray of int64, shape (n_classes, n_classes)
        Row i, column j counts samples of class i predicted as j; the
        diagonal holds the correct predictions.
    """
    y_true, y_pred = to_numpy(y_true), to_numpy(y_pred)
    accuracy(y_true, y_pred)  # the same shape checks
    if y_true.dtype.kind not in "iu" or y_pred.dtype.kind not in "iu":
        raise TypeError(
            f"confusion_matrix: expected integer labels, got {y_true.dtype} "
            f"and {y_pred.dtype}."
        )
    if n_classes is None:
        n_classes = int(max(y_true.max(), y_pred.max())) + 1
    if (
        min(y_true.min(), y_pred.min()) < 0
        or max(y_true.max(), y_pred.max()) >= n_classes
    ):
        raise ValueError(f"confusion_matrix: expected labels in 0..{n_classes - 1}.")
    counts = np.bincount(y_true * n_classes + y_pred, minlength=n_classes**2)
    return counts.reshape(n_classes, n_classes)
