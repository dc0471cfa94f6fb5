"""The learning-rate range test: a short run with a growing learning rate.

Taught in notebook 07.
"""

import math

import numpy as np
import pandas as pd

from nnlib.backend import to_device
from nnlib.checks import check_labels
from nnlib.diagnostics._checks import (
    check_batch_size,
    check_inputs,
    check_model,
    checked_loss,
)
from nnlib.network import Sequential
from nnlib.optim import GradientDescent, Optimizer


def learning_rate_range_test(
    model_factory,
    X,
    y,
    *,
    loss=None,
    optimizer_class=GradientDescent,
    min_learning_rate=1e-5,
    max_learning_rate=10.0,
    n_steps=100,
    batch_size=64,
    smoothing=0.9,
    stop_factor=4.0,
    rng=None,
):
    """Train briefly while the learning rate grows, and record the loss.

    Each step trains one mini-batch with a learning rate a fixed factor
    larger than the step before, from ``min_learning_rate`` to
    ``max_learning_rate``. The loss first hardly moves (rate too small),
    then falls (useful rates), then shoots up (too large).

    Parameters
    ----------
    model_factory : callable
        Called with no arguments, returns a new, untrained Sequential, so
        that the test never changes a model you go on to train.
    X : ndarray of shape (n_samples, n_in)
    y : ndarray of shape (n_samples,)
        Labels, or targets in any form ``loss`` accepts.
    loss : Loss, optional
        Default CrossEntropy(), or BinaryCrossEntropy() for a model with
        one output.
    optimizer_class : callable, default GradientDescent
        Called as ``optimizer_class(learning_rate=...)``: an optimiser
        class, or ``functools.partial(Momentum, momentum=0.9)``.
    min_learning_rate, max_learning_rate : float, default 1e-5 and 10
    n_steps : int, default 100
        Mini-batches, at most; the test stops early once the loss blows up.
    batch_size : int, default 64
    smoothing : float in [0, 1), default 0.9
        Weight of the past in the moving average of the loss.
    stop_factor : float, default 4
        Stop once the smoothed loss exceeds this multiple of its minimum.
    rng : numpy.random.Generator, optional
        Shuffles the samples.

    Returns
    -------
    pandas.DataFrame
        One row per step: ``step`` (from 1), ``learning_rate``, ``loss``
        (of that mini-batch, before its update) and ``smoothed_loss``.
        A step whose loss is NaN or infinite ends the test unrecorded.

    Notes
    -----
    The learning rate of step k (from 0) is
    min * (max / min) ** (k / (n_steps - 1)). The smoothed loss is an
    exponential moving average, divided by 1 - smoothing**(k + 1) to
    remove its bias towards the starting value of zero, as Adam does.
    A common choice is a learning rate about ten times smaller than the
    one at the minimum of the smoothed loss.
    """
    where = "learning_rate_range_test"
    if not callable(model_factory) or isinstance(model_factory, Sequential):
        raise TypeError(
            f"{where}: expected model_factory as a function that returns a new "
            f"model, got {type(model_factory).__name__}. help: pass "
            "lambda: Sequential(...), so that each test starts from fresh weights."
        )
    if not (0 < min_learning_rate < max_learning_rate):
        raise ValueError(
            f"{where}: expected 0 < min_learning_rate < max_learning_rate, got "
            f"{min_learning_rate!r} and {max_learning_rate!r}."
        )
    if not isinstance(n_steps, (int, np.integer)) or n_steps < 2:
        raise ValueError(f"{where}: expected n_steps >= 2, got {n_steps!r}.")
    check_batch_size(batch_size, where)
    if not 0 <= smoothing < 1:
        raise ValueError(f"{where}: expected 0 <= smoothing < 1, got {smoothing!r}.")
    if not stop_factor > 1:
        raise ValueError(f"{where}: expected stop_factor > 1, got {stop_factor!r}.")

    model = model_factory()
    check_model(model, where + " (the model from model_factory)")
    loss = checked_loss(model, loss, where)
    optimizer = optimizer_class(learning_rate=min_learning_rate)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{where}: optimizer_class(learning_rate=...) returned "
            f"{type(optimizer).__name__}, not an Optimizer. help: pass a class "
            "such as GradientDescent or Adam, not an instance."
        )
    X = check_inputs(model, X, where)
    check_labels(y, X.shape[0], where)
    y = to_device(y)
    rng = np.random.default_rng() if rng is None else rng

    growth = (max_learning_rate / min_learning_rate) ** (1 / (n_steps - 1))
    rows, average, best, order = [], 0.0, math.inf, np.array([], dtype=np.int64)
    model.train()
    with np.errstate(over="ignore", invalid="ignore"):
        for step in range(n_steps):
            if order.size < batch_size:
                order = np.concatenate([order, rng.permutation(X.shape[0])])
            index, order = to_device(order[:batch_size]), order[batch_size:]
            optimizer.learning_rate = min_learning_rate * growth**step

            value = float(loss.value(model.forward(X[index]), y[index]))
            if not math.isfinite(value):
                break
            average = smoothing * average + (1 - smoothing) * value
            smoothed = average / (1 - smoothing ** (step + 1))
            rows.append((step + 1, optimizer.learning_rate, value, smoothed))
            best = min(best, smoothed)
            if smoothed > stop_factor * best:
                break

            model.backward(loss.backward(), input_gradient=False)
            optimizer.step(model.parameters(), model.gradients())
    return pd.DataFrame(
        rows, columns=["step", "learning_rate", "loss", "smoothed_loss"]
    )
