import numpy as np
import pytest

from nnlib.gradcheck import (
    check_layer,
    check_loss,
    check_model,
    numerical_gradient,
    relative_error,
)
from nnlib.layers import Dense, Layer
from nnlib.losses import CrossEntropy
from nnlib.network import Sequential


def test_numerical_gradient_of_a_known_function(rng):
    x = rng.standard_normal(5)
    numeric = numerical_gradient(lambda: np.sum(x**3), x)
    np.testing.assert_allclose(numeric, 3 * x**2, rtol=1e-7)


def test_numerical_gradient_restores_its_input(rng):
    x = rng.standard_normal((3, 2))
    before = x.copy()
    numerical_gradient(lambda: np.sum(np.sin(x)), x)
    np.testing.assert_array_equal(x, before)


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.ones(3), np.ones(3)) == 0.0
    assert relative_error(np.array([1.0]), np.array([-1.0])) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="differ in shape"):
        relative_error(np.ones(2), np.ones(3))


class WrongBias(Dense):
    """Dense with the original project's bias gradient: one sum over all."""

    def backward(self, dZ, input_gradient=True):
        dX = super().backward(dZ, input_gradient)
        self.db = np.full_like(self.b, dZ.sum())
        return dX


def test_the_checks_catch_a_wrong_gradient(rng):
    X = rng.standard_normal((6, 3))
    right = Dense(3, 4, rng=np.random.default_rng(0), dtype=np.float64)
    wrong = WrongBias(3, 4, rng=np.random.default_rng(0), dtype=np.float64)
    assert check_layer(right, X) < 1e-7
    assert check_layer(wrong, X) > 1e-2
    y = np.array([0, 1, 2, 3, 0, 1])
    assert check_model(Sequential(wrong), CrossEntropy(), X, y) > 1e-2


def test_check_loss_catches_a_missing_division_by_n(rng):
    class Unscaled(CrossEntropy):
        def backward(self):
            return super().backward() * 7

    logits = rng.standard_normal((7, 3))
    y = rng.integers(0, 3, 7)
    assert check_loss(CrossEntropy(), logits, y) < 1e-7
    assert check_loss(Unscaled(), logits, y) > 0.5


def test_checks_demand_float64(rng):
    layer = Dense(3, 2, rng=rng)
    with pytest.raises(TypeError, match="expected float64 arrays, got float32"):
        check_layer(layer, rng.standard_normal((2, 3)))
    with pytest.raises(TypeError, match="float64"):
        check_loss(CrossEntropy(), np.zeros((2, 3), np.float32), np.array([0, 1]))


def test_numerical_gradient_needs_a_contiguous_array(rng):
    x = rng.standard_normal((4, 4)).T
    with pytest.raises(ValueError, match="C-contiguous"):
        numerical_gradient(lambda: x.sum(), x)


def test_layer_base_class_is_abstract():
    with pytest.raises(NotImplementedError):
        Layer().forward(np.zeros((1, 1)))
