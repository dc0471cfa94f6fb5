"""Numerical gradients, to check every backward pass against its forward.

Taught in notebook 04. Run checks in float64: with float32 the rounding
error of the centred difference swamps the quantity being checked.
"""

import numpy as np

from nnlib.backend import get_array_module


def numerical_gradient(f, x, eps=1e-6):
    """Estimate the gradient of a scalar function by centred differences.

    Parameters
    ----------
    f : callable
        Takes no arguments and returns a float; it must read ``x``.
    x : ndarray
        Changed in place one element at a time, then restored.
    eps : float, default 1e-6

    Returns
    -------
    ndarray shaped like x

    Notes
    -----
    df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps), with an error
    of order eps**2, against order eps for the one-sided difference.
    """
    if not x.flags.c_contiguous:
        raise ValueError(
            "numerical_gradient: expected x to be C-contiguous, so that it "
            "can be changed in place. help: pass x.copy()."
        )
    xp = get_array_module(x)
    grad = xp.zeros(x.shape, dtype=np.float64)
    flat_x = x.reshape(-1)
    flat_grad = grad.reshape(-1)
    for i in range(flat_x.size):
        original = float(flat_x[i])
        flat_x[i] = original + eps
        f_plus = float(f())
        flat_x[i] = original - eps
        f_minus = float(f())
        flat_x[i] = original
        flat_grad[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def relative_error(analytic, numeric):
    """Return ||a - n|| / (||a|| + ||n||), 0 when both are zero.

    A norm-based error is stable where single entries are near zero.
    Below about 1e-7 in float64 a gradient is right; above 1e-3 it is
    almost certainly wrong.
    """
    xp = get_array_module(analytic)
    analytic = xp.asarray(analytic, dtype=np.float64)
    numeric = xp.asarray(numeric, dtype=np.float64)
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"relative_error: the gradients differ in shape, {analytic.shape} "
            f"and {numeric.shape}."
        )
    scale = float(xp.linalg.norm(analytic) + xp.linalg.norm(numeric))
    if scale == 0:
        return 0.0
    return float(xp.linalg.norm(analytic - numeric)) / scale


def _require_float64(array, where):
    if array.dtype != np.float64:
        raise TypeError(
            f"{where}: expected float64 arrays, got {array.dtype}. help: build "
            "layers with dtype=np.float64 and pass X.astype(np.float64); in "
            "float32 the check itself is too imprecise."
        )


def check_layer(layer, X, *, rng=None, eps=1e-6):
    """Compare a layer's backward pass with numerical gradients.

    The scalar checked is sum(layer.forward(X) * G) for a fixed random G,
    whose gradient with respect to the output is G.

    Parameters
    ----------
    layer : Layer
        Built with float64 parameters.
    X : ndarray of float64, shape (n_samples, n_in)
    rng : numpy.random.Generator, optional
    eps : float, default 1e-6

    Returns
    -------
    float
        The worst relative error over dX and every parameter gradient.
    """
    _require_float64(X, "check_layer")
    for P in layer.parameters():
        _require_float64(P, "check_layer")
    xp = get_array_module(X)
    rng = np.random.default_rng(0) if rng is None else rng
    X = X.copy()
    G = xp.asarray(rng.standard_normal(layer.forward(X).shape))

    def scalar():
        return (layer.forward(X) * G).sum()

    layer.forward(X)
    dX = layer.backward(G)
    errors = [relative_error(dX, numerical_gradient(scalar, X, eps))]
    for P, dP in zip(layer.parameters(), layer.gradients()):
        dP = dP.copy()
        errors.append(relative_error(dP, numerical_gradient(scalar, P, eps)))
    return max(errors)


def check_loss(loss, prediction, target, *, eps=1e-6):
    """Compare a loss's backward pass with numerical gradients.

    Parameters
    ----------
    loss : Loss
    prediction : ndarray of float64, shape (n_samples, n_outputs)
    target : ndarray
    eps : float, default 1e-6

    Returns
    -------
    float
        Relative error of the gradient with respect to the prediction.
    """
    _require_float64(prediction, "check_loss")
    prediction = prediction.copy()
    loss.forward(prediction, target)
    analytic = loss.backward()
    numeric = numerical_gradient(
        lambda: loss.forward(prediction, target), prediction, eps
    )
    return relative_error(analytic, numeric)


def check_model(model, loss, X, y, *, eps=1e-6):
    """Compare backpropagation through a whole model with numerical gradients.

    Parameters
    ----------
    model : Sequential
        Built with float64 layers; dropout must be off (``model.eval()``)
        so that every forward pass computes the same function.
    loss : Loss
    X : ndarray of float64, shape (n_samples, n_in)
    y : ndarray
        Targets in any form ``loss`` accepts.
    eps : float, default 1e-6

    Returns
    -------
    float
        The worst relative error over every parameter gradient.
    """
    _require_float64(X, "check_model")
    for P in model.parameters():
        _require_float64(P, "check_model")

    def scalar():
        return loss.forward(model.forward(X), y)

    scalar()
    model.backward(loss.backward())
    analytic = [dP.copy() for dP in model.gradients()]
    errors = [
        relative_error(dP, numerical_gradient(scalar, P, eps))
        for P, dP in zip(model.parameters(), analytic)
    ]
    return max(errors)
