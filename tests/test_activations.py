import warnings

import numpy as np
import pytest
from conftest import GRAD_TOLERANCE

from nnlib import activations
from nnlib.activations import LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from nnlib.gradcheck import check_layer, numerical_gradient, relative_error

FUNCTIONS = [
    (activations.relu, activations.relu_derivative),
    (activations.leaky_relu, activations.leaky_relu_derivative),
    (activations.sigmoid, activations.sigmoid_derivative),
    (activations.tanh, activations.tanh_derivative),
]
LAYERS = [ReLU, lambda: LeakyReLU(alpha=0.1), Sigmoid, Tanh, Softmax]


@pytest.mark.parametrize("function, derivative", FUNCTIONS)
def test_elementwise_derivative_matches_numerical(function, derivative, rng):
    # Points away from ReLU's kink at 0, where no derivative exists.
    Z = rng.uniform(0.1, 3, size=(4, 5)) * rng.choice([-1, 1], size=(4, 5))
    numeric = numerical_gradient(lambda: function(Z).sum(), Z)
    assert relative_error(derivative(Z), numeric) < GRAD_TOLERANCE


def test_softmax_jacobian_matches_numerical(rng):
    Z = rng.standard_normal((3, 4))
    J = activations.softmax_derivative(Z)
    assert J.shape == (3, 4, 4)
    for k in range(4):
        numeric = numerical_gradient(lambda k=k: activations.softmax(Z)[:, k].sum(), Z)
        assert relative_error(J[:, k, :], numeric) < GRAD_TOLERANCE


@pytest.mark.parametrize("make_layer", LAYERS)
def test_layer_shapes_and_gradient_check(make_layer, rng):
    layer = make_layer()
    X = rng.uniform(0.1, 2, size=(6, 5)) * rng.choice([-1, 1], size=(6, 5))
    A = layer.forward(X)
    assert A.shape == X.shape
    assert layer.backward(np.ones_like(A)).shape == X.shape
    assert check_layer(layer, X, rng=rng) < GRAD_TOLERANCE


def test_layers_agree_with_functions(rng):
    Z = rng.standard_normal((4, 3)).astype(np.float32)
    np.testing.assert_allclose(ReLU().forward(Z), activations.relu(Z))
    np.testing.assert_allclose(Sigmoid().forward(Z), activations.sigmoid(Z))
    np.testing.assert_allclose(Tanh().forward(Z), np.tanh(Z))
    np.testing.assert_allclose(Softmax().forward(Z).sum(axis=1), 1, rtol=1e-6)
    assert ReLU().forward(Z).dtype == np.float32


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_and_softmax_are_stable_at_plus_minus_1000(dtype):
    Z = np.array([[-1000.0, 0.0, 1000.0]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = activations.sigmoid(Z)
        p = activations.softmax(Z)
        d = activations.sigmoid_derivative(Z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(p)) and np.all(np.isfinite(d))
    np.testing.assert_allclose(s, [[0.0, 0.5, 1.0]])
    np.testing.assert_allclose(p, [[0.0, 0.0, 1.0]])
    assert s.dtype == dtype


def test_sigmoid_derivative_never_exceeds_a_quarter():
    Z = np.linspace(-20, 20, 4001)
    assert activations.sigmoid_derivative(Z).max() == pytest.approx(0.25)


def test_relu_derivative_is_zero_at_the_kink():
    assert activations.relu_derivative(np.array([0.0]))[0] == 0


@pytest.mark.parametrize("make_layer", LAYERS)
def test_layer_rejects_bad_input(make_layer):
    layer = make_layer()
    with pytest.raises(ValueError, match=r"expected Z of shape \(n_samples"):
        layer.forward(np.zeros(5))
    with pytest.raises(TypeError, match="floating-point dtype"):
        layer.forward(np.zeros((2, 3), dtype=np.int64))
    with pytest.raises(TypeError, match="NumPy or CuPy array"):
        layer.forward([[1.0, 2.0]])
    layer.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"expected dA of shape \(2, 3\)"):
        layer.backward(np.zeros((3, 2)))


def test_leaky_relu_rejects_bad_alpha():
    with pytest.raises(ValueError, match="0 <= alpha < 1"):
        LeakyReLU(alpha=1.5)


def test_backward_before_forward_says_so():
    with pytest.raises(RuntimeError, match="call forward before backward"):
        Sigmoid().backward(np.zeros((1, 1)))


def test_relu_layer_gives_plain_zeros_for_negative_and_infinite_input():
    # Z * mask would give -0.0, and NaN with a warning for -inf
    Z = np.array([[-1.0, 2.0, -np.inf]])
    A = ReLU().forward(Z)
    np.testing.assert_array_equal(A, [[0.0, 2.0, 0.0]])
    assert not np.signbit(A).any()


def test_sigmoid_derivative_stays_accurate_far_out():
    Z = np.array([20.0, -30.0], dtype=np.float32)
    expected = np.exp(-np.abs(Z.astype(np.float64)))  # e / (1 + e)^2 ~ e
    np.testing.assert_allclose(activations.sigmoid_derivative(Z), expected, rtol=1e-5)
