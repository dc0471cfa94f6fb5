"""Checks of the data and loss handed to training and evaluation.

Used by ``fit`` and ``evaluate`` (notebook 05) and by the diagnostics
(notebook 07). Each raises an error that says what was expected, what
came, and how to fix it.
"""

import numpy as np

from nnlib.activations import Sigmoid, Softmax
from nnlib.backend import get_array_module
from nnlib.losses import BinaryCrossEntropy, CrossEntropy


def check_labels(y, n_samples, where):
    """Check that y holds one label (or target row) per sample."""
    if not hasattr(y, "shape"):
        raise TypeError(
            f"{where}: expected y as an array, got {type(y).__name__}. "
            "help: convert it with np.asarray(y)."
        )
    if y.shape[0] != n_samples:
        raise ValueError(
            f"{where}: X has {n_samples} samples but y has {y.shape[0]}. "
            "help: pass the labels that belong to X, in the same order."
        )


def check_finite(X, where, name="X"):
    """Raise a clear error if X holds NaN or infinity."""
    xp = get_array_module(X)
    # One NaN or infinity makes the sum NaN or infinite, so one pass over X
    # with no boolean array of its size clears the usual case; only a sum
    # that is not finite (a bad value, or an overflow) is looked into.
    with np.errstate(over="ignore", invalid="ignore"):
        total = X.sum()
    if bool(xp.isfinite(total)):
        return
    n_bad = int((~xp.isfinite(X)).sum())
    if n_bad:
        raise ValueError(
            f"{where}: {name} holds {n_bad} NaN or infinite values. "
            "help: clean or impute them before training."
        )


def check_loss_fits_model(model, loss, where):
    """Refuse a loss that would apply softmax or sigmoid a second time."""
    last = model.layers[-1]
    if isinstance(loss, CrossEntropy) and isinstance(last, Softmax):
        raise ValueError(
            f"{where}: the model ends in Softmax, but CrossEntropy applies "
            "softmax to its input itself. help: remove the final Softmax "
            "layer; model.predict_proba still returns probabilities."
        )
    if isinstance(loss, BinaryCrossEntropy) and isinstance(last, Sigmoid):
        raise ValueError(
            f"{where}: the model ends in Sigmoid, but BinaryCrossEntropy "
            "applies the sigmoid itself. help: remove the final Sigmoid layer."
        )
