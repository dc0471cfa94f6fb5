"""What the layers output: spread, saturation and dead units.

Taught in notebook 07. ``layer_outputs`` returns every layer's output;
``activation_statistics`` and ``dead_unit_fraction`` sum them up in one
row per layer.
"""

import math

import numpy as np
import pandas as pd

from nnlib.activations import LeakyReLU, ReLU, Sigmoid, Tanh
from nnlib.backend import to_numpy
from nnlib.diagnostics._checks import (
    check_batch_size,
    check_inputs,
    check_model,
    evaluation_mode,
    forward_each,
)

RELU_LIKE = (ReLU, LeakyReLU)
SATURATING = (Sigmoid, Tanh, ReLU, LeakyReLU)


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
    check_model(model, where)
    X = check_inputs(model, X, where)
    with evaluation_mode(model):
        return forward_each(model, X)


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
    check_model(model, where)
    if not (isinstance(threshold, (int, float)) and 0 < threshold < 1):
        raise ValueError(f"{where}: expected 0 < threshold < 1, got {threshold!r}.")
    check_batch_size(batch_size, where)
    X = check_inputs(model, X, where)

    n_layers = len(model.layers)
    sums, squares, counts = np.zeros(n_layers), np.zeros(n_layers), np.zeros(n_layers)
    n_saturated = [
        0.0 if isinstance(layer, SATURATING) else math.nan for layer in model.layers
    ]
    with evaluation_mode(model):
        for first in range(0, X.shape[0], batch_size):
            outputs = forward_each(model, X[first : first + batch_size])
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
    check_model(model, where)
    positions = [
        i for i, layer in enumerate(model.layers) if isinstance(layer, RELU_LIKE)
    ]
    if not positions:
        raise ValueError(
            f"{where}: the model has no ReLU or LeakyReLU layer, and only those "
            "have dead units. help: for sigmoid or tanh layers look at "
            "fraction_saturated in activation_statistics(model, X)."
        )
    check_batch_size(batch_size, where)
    X = check_inputs(model, X, where)

    alive = {}
    with evaluation_mode(model):
        for first in range(0, X.shape[0], batch_size):
            outputs = forward_each(model, X[first : first + batch_size])
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
