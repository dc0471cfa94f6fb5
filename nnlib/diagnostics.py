"""Diagnostics that tell a healthy training run from a sick one.

Taught in notebook 07. Each works on any ``Sequential`` model and, but
for ``layer_outputs`` and ``parameter_names``, returns a pandas
DataFrame with one row per layer, parameter or step:
``activation_statistics`` (spread and saturation of each layer),
``dead_unit_fraction`` (ReLU units that never fire), ``gradient_norms``,
``update_ratios`` (how far an update moved each parameter, relative to
its size) and ``learning_rate_range_test``. Parameters are named as in
the notebooks, W1, b1, W2, b2, ..., counting the layers that have
parameters from 1.

The functions that take X run forward passes with dropout switched off,
which replaces what the layers keep for their backward pass: call them
between training steps, not between a forward pass and its backward.
"""

import contextlib
import math

import numpy as np
import pandas as pd

from nnlib.activations import LeakyReLU, ReLU, Sigmoid, Tanh
from nnlib.backend import get_array_module, to_device, to_numpy
from nnlib.layers import check_2d
from nnlib.losses import BinaryCrossEntropy, CrossEntropy, Loss
from nnlib.network import Sequential
from nnlib.optim import GradientDescent, Optimizer
from nnlib.train import check_finite, check_labels, check_loss_fits_model

RELU_LIKE = (ReLU, LeakyReLU)
SATURATING = (Sigmoid, Tanh, ReLU, LeakyReLU)


def _check_model(model, where):
    if not isinstance(model, Sequential):
        raise TypeError(
            f"{where}: expected model as a Sequential, got "
            f"{type(model).__name__}. help: build it with Sequential(Dense(784, "
            "128), ReLU(), Dense(128, 10))."
        )


def _check_inputs(model, X, where):
    """Check X against the model and return it on the device, in its dtype."""
    check_2d(X, where, "X", model.n_in)
    check_finite(X, where)
    dtype = model.parameters()[0].dtype if model.parameters() else X.dtype
    return to_device(X, dtype=dtype)


def _checked_loss(model, loss, where):
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


def _check_batch_size(batch_size, where):
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(
            f"{where}: expected batch_size as a positive integer, got {batch_size!r}."
        )


@contextlib.contextmanager
def _evaluation_mode(model):
    """Switch dropout off for the duration, then restore the old mode."""
    was_training = model.training
    model.eval()
    try:
        yield
    finally:
        model.train(was_training)


def _forward_each(model, X):
    """Return the output of every layer for X, first layer first."""
    outputs, A = [], X
    for layer in model.layers:
        A = layer.forward(A)
        outputs.append(A)
    return outputs


def parameter_names(model):
    """Return a name for each parameter: W1, b1, W2, b2, ...

    Parameters
    ----------
    model : Sequential

    Returns
    -------
    list of str
        In the order of ``model.parameters()``; the number counts the
        layers that have parameters, from 1.
    """
    _check_model(model, "parameter_names")
    names, number = [], 0
    for layer in model.layers:
        if layer.param_names:
            number += 1
            names.extend(f"{name}{number}" for name in layer.param_names)
    return names


def layer_outputs(model, X):
    """Return what every layer outputs for X, with dropout switched off.

    Parameters
    ----------
    model : Sequential
    X : ndarray of shape (n_samples, n_in)

    Returns
    -------
    list of ndarray
        One per layer of ``model.layers``, each of shape
        (n_samples, n_out of that layer).
    """
    where = "layer_outputs"
    _check_model(model, where)
    X = _check_inputs(model, X, where)
    with _evaluation_mode(model):
        return _forward_each(model, X)


def _count_saturated(layer, A, threshold):
    """Count outputs where the derivative is below threshold times its peak."""
    if isinstance(layer, Sigmoid):
        return int((A * (1 - A) < threshold * 0.25).sum())
    if isinstance(layer, Tanh):
        return int((1 - A * A < threshold).sum())
    if isinstance(layer, ReLU) or layer.alpha < threshold:
        return int((A <= 0).sum())
    return 0  # a leaky ReLU whose slope alpha never drops below the threshold


def activation_statistics(model, X, *, threshold=0.01, batch_size=10_000):
    """Return the mean, spread and saturation of every layer's output.

    Parameters
    ----------
    model : Sequential
    X : ndarray of shape (n_samples, n_in)
    threshold : float in (0, 1), default 0.01
        An output counts as saturated where the activation's derivative
        there is below ``threshold`` times its largest value (0.25 for
        the sigmoid, 1 for the others).
    batch_size : int, default 10000
        Rows per forward pass, to bound memory.

    Returns
    -------
    pandas.DataFrame
        One row per layer: ``position`` (index in ``model.layers``),
        ``layer`` (class name), ``mean`` and ``std`` over every output
        value, and ``fraction_saturated``, NaN for layers that are not
        activations.

    Notes
    -----
    With the default threshold a sigmoid saturates below 0.0025 and
    above 0.9975, a tanh beyond +-0.995, a ReLU wherever it outputs 0.
    A leaky ReLU never does unless its alpha is below the threshold.
    """
    where = "activation_statistics"
    _check_model(model, where)
    if not (isinstance(threshold, (int, float)) and 0 < threshold < 1):
        raise ValueError(f"{where}: expected 0 < threshold < 1, got {threshold!r}.")
    _check_batch_size(batch_size, where)
    X = _check_inputs(model, X, where)

    n_layers = len(model.layers)
    sums, squares, counts = np.zeros(n_layers), np.zeros(n_layers), np.zeros(n_layers)
    n_saturated = [
        0.0 if isinstance(layer, SATURATING) else math.nan for layer in model.layers
    ]
    with _evaluation_mode(model):
        for first in range(0, X.shape[0], batch_size):
            outputs = _forward_each(model, X[first : first + batch_size])
            for index, (layer, A) in enumerate(zip(model.layers, outputs)):
                A64 = A.astype(np.float64)
                sums[index] += float(A64.sum())
                squares[index] += float((A64 * A64).sum())
                counts[index] += A.size
                if isinstance(layer, SATURATING):
                    n_saturated[index] += _count_saturated(layer, A, threshold)

    means = sums / counts
    stds = np.sqrt(np.maximum(squares / counts - means**2, 0.0))
    return pd.DataFrame(
        {
            "position": range(n_layers),
            "layer": [type(layer).__name__ for layer in model.layers],
            "mean": means,
            "std": stds,
            "fraction_saturated": np.array(n_saturated) / counts,
        }
    )


def dead_unit_fraction(model, X, *, batch_size=10_000):
    """Return, per ReLU layer, the fraction of units that never activate.

    A unit is dead on X when its pre-activation Z is at most 0 for every
    sample: a ReLU then outputs 0 and passes back no gradient, so the
    weights feeding it stop changing.

    Parameters
    ----------
    model : Sequential
        With at least one ReLU or LeakyReLU layer.
    X : ndarray of shape (n_samples, n_in)
        Use many samples (a thousand or more): a unit silent on a few
        samples may still fire on others.
    batch_size : int, default 10000
        Rows per forward pass, to bound memory.

    Returns
    -------
    pandas.DataFrame
        One row per ReLU-like layer: ``position`` (index in
        ``model.layers``), ``layer`` (class name), ``n_units``,
        ``n_dead`` and ``dead_fraction`` (n_dead / n_units).

    Notes
    -----
    A leaky ReLU's dead units still pass back alpha times their
    gradient, which is why it was invented; they are counted all the
    same.
    """
    where = "dead_unit_fraction"
    _check_model(model, where)
    positions = [
        i for i, layer in enumerate(model.layers) if isinstance(layer, RELU_LIKE)
    ]
    if not positions:
        raise ValueError(
            f"{where}: the model has no ReLU or LeakyReLU layer, and only those "
            "have dead units. help: for sigmoid or tanh layers look at "
            "fraction_saturated in activation_statistics(model, X)."
        )
    _check_batch_size(batch_size, where)
    X = _check_inputs(model, X, where)

    alive = {}
    with _evaluation_mode(model):
        for first in range(0, X.shape[0], batch_size):
            outputs = _forward_each(model, X[first : first + batch_size])
            for position in positions:
                # Both ReLU and LeakyReLU output a value > 0 exactly where Z > 0.
                fired = to_numpy((outputs[position] > 0).any(axis=0))
                alive[position] = alive.get(position, False) | fired

    n_units = [alive[p].size for p in positions]
    n_dead = [int((~alive[p]).sum()) for p in positions]
    return pd.DataFrame(
        {
            "position": positions,
            "layer": [type(model.layers[p]).__name__ for p in positions],
            "n_units": n_units,
            "n_dead": n_dead,
            "dead_fraction": [d / n for d, n in zip(n_dead, n_units)],
        }
    )


def gradient_norms(model, X=None, y=None, *, loss=None):
    """Return the L2 norm of each parameter's gradient.

    Parameters
    ----------
    model : Sequential
    X : ndarray of shape (n_samples, n_in), optional
        With ``y``, run a forward and backward pass on (X, y) first, in
        the model's current mode. Without them, report the gradients
        left by the last ``model.backward``.
    y : ndarray of shape (n_samples,), optional
        Labels, or targets in any form ``loss`` accepts.
    loss : Loss, optional
        Default CrossEntropy(), or BinaryCrossEntropy() for a model with
        one output.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``parameter`` (W1, b1, ...), ``shape``
        and ``norm``, the square root of the sum of squared gradient
        entries.

    Notes
    -----
    In a healthy network the weight gradients of all layers are within
    a factor of ten or so of one another. Norms shrinking layer by
    layer towards the input mean vanishing gradients; growing ones,
    exploding gradients.
    """
    where = "gradient_norms"
    _check_model(model, where)
    if not model.parameters():
        raise ValueError(f"{where}: the model has no parameters.")
    if (X is None) != (y is None):
        raise ValueError(
            f"{where}: pass both X and y to compute fresh gradients, or neither "
            "to read those of the last backward pass."
        )
    if X is not None:
        loss = _checked_loss(model, loss, where)
        X = _check_inputs(model, X, where)
        check_labels(y, X.shape[0], where)
        with np.errstate(over="ignore", invalid="ignore"):
            loss.value(model.forward(X), to_device(y))
            model.backward(loss.backward(), input_gradient=False)

    gradients = model.gradients()
    return pd.DataFrame(
        {
            "parameter": parameter_names(model),
            "shape": [tuple(dP.shape) for dP in gradients],
            "norm": [_norm(dP) for dP in gradients],
        }
    )


def _norm(P):
    xp = get_array_module(P)
    return float(xp.linalg.norm(P.astype(np.float64).ravel()))


def update_ratios(parameters_before, parameters_after, *, names=None):
    """Return ||P_after - P_before|| / ||P_before|| for each parameter.

    Parameters
    ----------
    parameters_before : list of ndarray
        Copies taken before the update, for example
        ``[P.copy() for P in model.parameters()]``.
    parameters_after : list of ndarray
        The same parameters after one or more updates, in the same order
        and shapes (``model.parameters()`` itself will do).
    names : list of str, optional
        One per parameter. By default W1, b1, W2, ...: each array of two
        or more dimensions starts a new layer and is named W, each 1-D
        array after it b.

    Returns
    -------
    pandas.DataFrame
        One row per parameter: ``parameter``, ``weight_norm``
        (||P_before||), ``update_norm`` (||P_after - P_before||) and
        ``ratio``; inf where the weights were all zero and moved, NaN
        where they were zero and stayed.

    Notes
    -----
    A common rule of thumb puts healthy ratios for one update near 1e-3
    (notebook 07 measures about 1e-2 for a rate that trains well). Near
    1e-4 and below the weights barely move; near 1 each step rewrites
    them.
    """
    where = "update_ratios"
    for label, values in (
        ("parameters_before", parameters_before),
        ("parameters_after", parameters_after),
    ):
        if not isinstance(values, (list, tuple)) or not all(
            hasattr(P, "shape") for P in values
        ):
            raise TypeError(
                f"{where}: expected {label} as a list of arrays, got "
                f"{type(values).__name__}. help: use [P.copy() for P in "
                "model.parameters()]."
            )
    if len(parameters_before) != len(parameters_after):
        raise ValueError(
            f"{where}: got {len(parameters_before)} parameters before and "
            f"{len(parameters_after)} after; expected the same parameters twice."
        )
    for index, (before, after) in enumerate(zip(parameters_before, parameters_after)):
        if before is after:
            raise ValueError(
                f"{where}: parameter {index} is the same array before and after, "
                "so the update is always zero. help: keep copies before the "
                "update, [P.copy() for P in model.parameters()]."
            )
        if before.shape != after.shape:
            raise ValueError(
                f"{where}: parameter {index} has shape {before.shape} before and "
                f"{after.shape} after."
            )
    if names is None:
        names = _default_names(parameters_before)
    elif len(names) != len(parameters_before):
        raise ValueError(
            f"{where}: got {len(names)} names for {len(parameters_before)} parameters."
        )

    weight_norms = [_norm(P) for P in parameters_before]
    update_norms = [
        _norm(after - before)
        for before, after in zip(parameters_before, parameters_after)
    ]
    ratios = [
        update / weight if weight > 0 else (math.inf if update > 0 else math.nan)
        for weight, update in zip(weight_norms, update_norms)
    ]
    return pd.DataFrame(
        {
            "parameter": list(names),
            "weight_norm": weight_norms,
            "update_norm": update_norms,
            "ratio": ratios,
        }
    )


def _default_names(parameters):
    names, number = [], 0
    for P in parameters:
        if P.ndim >= 2 or number == 0:
            number += 1
        names.append(f"{'W' if P.ndim >= 2 else 'b'}{number}")
    return names


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
    _check_batch_size(batch_size, where)
    if not 0 <= smoothing < 1:
        raise ValueError(f"{where}: expected 0 <= smoothing < 1, got {smoothing!r}.")
    if not stop_factor > 1:
        raise ValueError(f"{where}: expected stop_factor > 1, got {stop_factor!r}.")

    model = model_factory()
    _check_model(model, where + " (the model from model_factory)")
    loss = _checked_loss(model, loss, where)
    optimizer = optimizer_class(learning_rate=min_learning_rate)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{where}: optimizer_class(learning_rate=...) returned "
            f"{type(optimizer).__name__}, not an Optimizer. help: pass a class "
            "such as GradientDescent or Adam, not an instance."
        )
    X = _check_inputs(model, X, where)
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
