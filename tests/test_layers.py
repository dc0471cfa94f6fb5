import numpy as np
import pytest
from conftest import GRAD_TOLERANCE

from nnlib.gradcheck import check_layer
from nnlib.layers import Dense, Dropout, init_weights


def test_dense_shapes(rng):
    layer = Dense(784, 10, rng=rng)
    assert layer.W.shape == (784, 10) and layer.b.shape == (10,)
    assert layer.W.dtype == np.float32
    X = rng.random((32, 784), dtype=np.float32)
    Z = layer.forward(X)
    assert Z.shape == (32, 10) and Z.dtype == np.float32
    dX = layer.backward(np.ones_like(Z))
    assert dX.shape == X.shape
    assert layer.dW.shape == layer.W.shape and layer.db.shape == layer.b.shape


def test_dense_computes_x_at_w_plus_b(rng):
    layer = Dense(3, 2, rng=rng, dtype=np.float64)
    X = rng.standard_normal((4, 3))
    np.testing.assert_allclose(layer.forward(X), X @ layer.W + layer.b)


@pytest.mark.parametrize("init", ["he", "xavier", "uniform"])
def test_dense_gradient_check(init, rng):
    layer = Dense(5, 4, init=init, rng=rng, dtype=np.float64)
    X = rng.standard_normal((7, 5))
    assert check_layer(layer, X, rng=rng) < GRAD_TOLERANCE


def test_bias_gradient_is_per_unit(rng):
    # The original project summed dZ over every element, giving all units
    # the same bias gradient; each unit needs its own column sum.
    layer = Dense(3, 4, rng=rng, dtype=np.float64)
    X = rng.standard_normal((5, 3))
    layer.forward(X)
    dZ = rng.standard_normal((5, 4))
    layer.backward(dZ)
    np.testing.assert_allclose(layer.db, dZ.sum(axis=0))
    assert len(np.unique(np.round(layer.db, 12))) == 4


def test_backward_can_skip_the_input_gradient(rng):
    layer = Dense(3, 2, rng=rng)
    layer.forward(rng.random((4, 3), dtype=np.float32))
    assert layer.backward(np.ones((4, 2), np.float32), input_gradient=False) is None
    assert layer.dW.shape == (3, 2)


def test_initialisation_scales(rng):
    uniform = init_weights(400, 300, "uniform", rng)
    assert -0.5 <= uniform.min() and uniform.max() <= 0.5
    xavier = init_weights(400, 300, "xavier", rng)
    assert np.abs(xavier).max() <= np.sqrt(6 / 700)
    he = init_weights(400, 300, "he", rng)
    assert he.std() == pytest.approx(np.sqrt(2 / 400), rel=0.05)
    assert Dense(3, 2, init="he", rng=rng).b.tolist() == [0, 0]


def test_same_seed_same_weights():
    a = Dense(4, 3, rng=np.random.default_rng(7))
    b = Dense(4, 3, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.W, b.W)


def test_dense_rejects_transposed_input(rng):
    layer = Dense(784, 10, rng=rng)
    with pytest.raises(ValueError, match=r"\(n_samples, 784\), got \(784, 32\)"):
        layer.forward(np.zeros((784, 32), np.float32))
    with pytest.raises(ValueError, match="Did you pass X.T"):
        layer.forward(np.zeros((784, 32), np.float32))


def test_dense_rejects_bad_arguments_and_input(rng):
    with pytest.raises(ValueError, match="positive integer"):
        Dense(0, 3)
    with pytest.raises(ValueError, match="positive integer"):
        Dense(2.5, 3)
    with pytest.raises(ValueError, match="expected init in"):
        Dense(3, 2, init="glorot")
    with pytest.raises(TypeError, match="unexpected keyword"):
        Dense(3, 2, initialisation="he")
    layer = Dense(3, 2, rng=rng)
    with pytest.raises(TypeError, match="floating-point"):
        layer.forward(np.zeros((2, 3), dtype=np.uint8))
    with pytest.raises(ValueError, match="reshape"):
        layer.forward(np.zeros((2, 3, 1), np.float32))
    with pytest.raises(RuntimeError, match="call forward before backward"):
        layer.backward(np.zeros((2, 2), np.float32))
    layer.forward(np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError, match=r"expected dZ of shape \(2, 2\)"):
        layer.backward(np.zeros((2, 3), np.float32))


def test_dropout_scales_kept_values_and_passes_through_in_eval(rng):
    layer = Dropout(0.25, rng=rng)
    X = np.ones((2000, 50), np.float32)
    A = layer.forward(X)
    kept = A != 0
    assert kept.mean() == pytest.approx(0.75, abs=0.01)
    np.testing.assert_allclose(A[kept], 1 / 0.75, rtol=1e-6)
    np.testing.assert_array_equal(layer.backward(X), A)
    layer.training = False
    np.testing.assert_array_equal(layer.forward(X), X)
    np.testing.assert_array_equal(layer.backward(X), X)


def test_dropout_gradient_check_with_a_fixed_mask(rng):
    layer = Dropout(0.5, rng=rng)
    X = rng.standard_normal((6, 4))
    layer.forward(X)
    mask = layer.mask.copy()
    # With the mask frozen, dropout is the linear map X * mask.
    layer.forward = lambda X: X * mask
    layer.mask = mask
    assert check_layer(layer, X, rng=rng) < GRAD_TOLERANCE


def test_dropout_rejects_bad_rate():
    with pytest.raises(ValueError, match="0 <= rate < 1"):
        Dropout(1.0)


def test_dense_rejects_parameters_set_in_the_column_layout(rng):
    layer = Dense(4, 3, rng=rng)
    X = rng.random((3, 4), dtype=np.float32)
    layer.b = np.zeros((3, 1), np.float32)  # would broadcast to (3, 3) silently
    with pytest.raises(ValueError, match=r"expected b of shape \(3,\), got \(3, 1\)"):
        layer.forward(X)
    layer.b = np.zeros(3, np.float32)
    layer.W = np.zeros((3, 4), np.float32)
    with pytest.raises(ValueError, match=r"expected W of shape \(4, 3\).*W1.T"):
        layer.forward(X)
