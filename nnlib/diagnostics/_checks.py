"""Input checks and forward-pass helpers shared by the diagnostics."""

import contextlib

import numpy as np

from nnlib.backend import to_device
from nnlib.checks import check_finite, check_loss_fits_model
from nnlib.layers import check_2d
from nnlib.losses import BinaryCrossEntropy, CrossEntropy, Loss
from nnlib.network import Sequential


def check_model(model, where):
    if not isinstance(model, Sequential):
        raise TypeError(
            f"{where}: expected model as a Sequential, got "
            f"{type(model).__name__}. help: build it with Sequential(Dense(784, "
            "128), ReLU(), Dense(128, 10))."
        )


def check_inputs(model, X, where):
    """Check X against the model and return it on the device, in its dtype."""
    check_2d(X, where, "X", model.n_in)
    check_finite(X, where)
    dtype = model.parameters()[0].dtype if model.parameters() else X.dtype
    return to_device(X, dtype=dtype)


def checked_loss(model, loss, where):
    """Return loss, or the default for the model, after checking it."""
    if loss is None:
        loss = CrossEntropy() if model.n_out != 1 else BinaryCrossEntropy()
    if not isinstance(loss, Loss):
        raise TypeError(
            f"{where}: expected loss as a Loss such as CrossEntropy(), got "
            f"{loss!r}. help: pass an instance, not the class."
        )
    check_loss_fits_model(model, loss, where)
    return loss


def check_batch_size(batch_size, where):
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(
            f"{where}: expected batch_size as a positive integer, got {batch_size!r}."
        )


@contextlib.contextmanager
def evaluation_mode(model):
    """Switch dropout off for the duration, then restore the old mode."""
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


def forward_each(model, X):
    """Return the output of every layer for X, first layer first."""
    outputs, A = [], X
    for layer in model.layers:
        A = layer.forward(A)
        outputs.append(A)
    return outputs
