import numpy as np
import pytest
from conftest import GRAD_TOLERANCE

from nnlib.activations import ReLU, Sigmoid, Softmax, Tanh
from nnlib.gradcheck import check_model
from nnlib.layers import Dense, Dropout
from nnlib.losses import MSE, BinaryCrossEntropy, CrossEntropy
from nnlib.network import Sequential


def small_model(rng, dtype=np.float64):
    return Sequential(
        Dense(6, 5, rng=rng, dtype=dtype),
        Tanh(),
        Dense(5, 4, rng=rng, dtype=dtype),
        ReLU(),
        Dense(4, 3, rng=rng, dtype=dtype),
    )


def test_forward_backward_shapes(rng):
    model = small_model(rng, np.float32)
    X = rng.random((8, 6), dtype=np.float32)
    assert model.forward(X).shape == (8, 3)
    assert model.backward(np.ones((8, 3), np.float32)).shape == (8, 6)
    assert [g.shape for g in model.gradients()] == [p.shape for p in model.parameters()]
    assert model.backward(np.ones((8, 3), np.float32), input_gradient=False) is None


@pytest.mark.parametrize(
    "loss, target",
    [
        (CrossEntropy(), np.array([0, 2, 1, 1, 0, 2, 2])),
        (MSE(), None),
    ],
)
def test_whole_model_gradient_check(loss, target, rng):
    model = small_model(rng)
    X = rng.standard_normal((7, 6))
    target = rng.standard_normal((7, 3)) if target is None else target
    assert check_model(model, loss, X, target) < GRAD_TOLERANCE


def test_binary_model_gradient_check(rng):
    model = Sequential(
        Dense(3, 4, rng=rng, dtype=np.float64),
        Sigmoid(),
        Dense(4, 1, rng=rng, dtype=np.float64),
    )
    X = rng.standard_normal((6, 3))
    y = np.array([0, 1, 1, 0, 1, 0])
    assert check_model(model, BinaryCrossEntropy(), X, y) < GRAD_TOLERANCE


def test_predict_and_predict_proba(rng):
    model = small_model(rng, np.float32)
    X = rng.random((25, 6), dtype=np.float32)
    proba = model.predict_proba(X, batch_size=10)
    assert proba.shape == (25, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(model.predict(X), proba.argmax(axis=1))
    np.testing.assert_allclose(model.predict_proba(X), proba, rtol=1e-6)


def test_predict_for_a_single_output_and_a_softmax_ending(rng):
    binary = Sequential(Dense(2, 1, rng=rng))
    X = rng.standard_normal((10, 2)).astype(np.float32)
    proba = binary.predict_proba(X)
    assert proba.shape == (10, 1) and np.all((proba > 0) & (proba < 1))
    np.testing.assert_array_equal(binary.predict(X), (proba[:, 0] > 0.5).astype(int))
    with_softmax = Sequential(Dense(2, 3, rng=rng), Softmax())
    np.testing.assert_allclose(
        with_softmax.predict_proba(X), with_softmax.forward(X), rtol=1e-6
    )


def test_predict_switches_dropout_off_and_restores_training_mode(rng):
    model = Sequential(
        Dense(4, 50, rng=rng), Dropout(0.5, rng=rng), Dense(50, 3, rng=rng)
    )
    X = rng.random((5, 4), dtype=np.float32)
    first = model.predict_proba(X)
    np.testing.assert_array_equal(first, model.predict_proba(X))
    assert model.training is True
    model.eval()
    assert all(not layer.training for layer in model.layers)


def test_parameters_and_summary(rng):
    model = Sequential(Dense(784, 10, rng=rng), ReLU(), Dense(10, 10, rng=rng))
    assert model.n_parameters() == 784 * 10 + 10 + 10 * 10 + 10
    assert len(model.parameters()) == 4
    text = model.summary()
    assert "Dense(n_in=784, n_out=10" in text
    assert "(n, 10)" in text
    assert "7,850" in text and "110" in text
    last = text.splitlines()[-1]
    assert last.startswith("total") and last.endswith("7,960")


def test_sequential_accepts_a_list(rng):
    model = Sequential([Dense(2, 3, rng=rng), ReLU()])
    assert len(model.layers) == 2


def test_sequential_errors(rng):
    with pytest.raises(ValueError, match="at least one layer"):
        Sequential()
    with pytest.raises(TypeError, match="got type at position 1"):
        Sequential(Dense(2, 3, rng=rng), ReLU)
    with pytest.raises(ValueError, match=r"layer 2 .* expects 4 inputs.*gives 3"):
        Sequential(Dense(2, 3, rng=rng), ReLU(), Dense(4, 1, rng=rng))
    model = Sequential(Dense(784, 10, rng=rng))
    with pytest.raises(ValueError, match="Did you pass X.T"):
        model.forward(np.zeros((784, 5), np.float32))


def test_summary_columns_line_up_for_long_layer_names(rng):
    class AVeryLongLayerNameIndeed(Dense):
        pass

    model = Sequential(AVeryLongLayerNameIndeed(784, 10, rng=rng), ReLU())
    lines = model.summary().splitlines()
    rows = [lines[0], *lines[2:-2], lines[-1]]
    assert len({len(line) for line in rows}) == 1
