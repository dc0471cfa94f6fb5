"""How large the gradients are, and how far an update moves each parameter.

Taught in notebook 07. Parameters are named W1, b1, W2, b2, ..., counting
the layers that have parameters from 1 (``parameter_names``).
"""

import math

import numpy as np
import pandas as pd

from nnlib.backend import get_array_module, to_device
from nnlib.checks import check_labels
from nnlib.diagnostics._checks import check_inputs, check_model, checked_loss


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
    check_model(model, "parameter_names")
    names, number = [], 0
    for layer in model.layers:
        if layer.param_names:
            number += 1
            names.extend(f"{name}{number}" for name in layer.param_names)
    return names


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
    check_model(model, where)
    if not model.parameters():
        raise ValueError(f"{where}: the model has no parameters.")
    if (X is None) != (y is None):
        raise ValueError(
            f"{where}: pass both X and y to compute fresh gradients, or neither "
            "to read those of the last backward pass."
        )
    if X is not None:
        loss = checked_loss(model, loss, where)
        X = check_inputs(model, X, where)
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
