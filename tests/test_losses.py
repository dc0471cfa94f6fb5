import warnings

import numpy as np
import pytest
from conftest import GRAD_TOLERANCE

from nnlib.activations import sigmoid, softmax
from nnlib.data import one_hot
from nnlib.gradcheck import check_loss
from nnlib.losses import MSE, BinaryCrossEntropy, CrossEntropy


def test_cross_entropy_value_and_fused_gradient(rng):
    logits = rng.standard_normal((5, 4))
    y = np.array([0, 3, 1, 1, 2])
    loss = CrossEntropy()
    value = loss.forward(logits, y)
    expected = -np.mean(np.log(softmax(logits)[np.arange(5), y]))
    assert isinstance(value, float)
    assert value == pytest.approx(expected)
    np.testing.assert_allclose(loss.backward(), (softmax(logits) - one_hot(y, 4)) / 5)


def test_cross_entropy_accepts_labels_or_one_hot(rng):
    logits = rng.standard_normal((6, 3))
    y = np.array([0, 1, 2, 2, 1, 0])
    by_label = CrossEntropy().forward(logits, y)
    by_one_hot = CrossEntropy().forward(logits, one_hot(y, 3))
    assert by_label == pytest.approx(by_one_hot)


@pytest.mark.parametrize("target_kind", ["labels", "one_hot"])
def test_cross_entropy_gradient_check(target_kind, rng):
    logits = rng.standard_normal((6, 3))
    y = rng.integers(0, 3, size=6)
    target = y if target_kind == "labels" else one_hot(y, 3)
    assert check_loss(CrossEntropy(), logits, target) < GRAD_TOLERANCE


def test_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 0.0]])
    loss = CrossEntropy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert loss.forward(logits, np.array([0, 1])) == pytest.approx(0.0)
        assert loss.forward(logits, np.array([1, 0])) == pytest.approx(2000.0)
        assert np.all(np.isfinite(loss.backward()))


def test_mse_value_and_gradient_check(rng):
    prediction = rng.standard_normal((4, 3))
    target = rng.standard_normal((4, 3))
    loss = MSE()
    assert loss.forward(prediction, target) == pytest.approx(
        np.mean((prediction - target) ** 2)
    )
    assert check_loss(MSE(), prediction, target) < GRAD_TOLERANCE


def test_mse_accepts_a_vector_for_one_output_and_labels_for_several(rng):
    prediction = rng.standard_normal((4, 1))
    target = rng.standard_normal(4)
    assert MSE().forward(prediction, target) == pytest.approx(
        np.mean((prediction[:, 0] - target) ** 2)
    )
    scores = rng.standard_normal((3, 4))
    labels = np.array([0, 3, 1])
    assert MSE().forward(scores, labels) == pytest.approx(
        MSE().forward(scores, one_hot(labels, 4))
    )


def test_binary_cross_entropy_value_and_gradient_check(rng):
    logits = rng.standard_normal((8, 1))
    y = rng.integers(0, 2, size=8)
    p = sigmoid(logits[:, 0])
    expected = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert BinaryCrossEntropy().forward(logits, y) == pytest.approx(expected)
    assert check_loss(BinaryCrossEntropy(), logits, y) < GRAD_TOLERANCE
    assert check_loss(BinaryCrossEntropy(), logits, y.reshape(-1, 1)) < GRAD_TOLERANCE


def test_binary_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0], [-1000.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = BinaryCrossEntropy().forward(logits, np.array([0, 0]))
    assert value == pytest.approx(500.0)


def test_losses_keep_float32(rng):
    logits = rng.standard_normal((4, 3)).astype(np.float32)
    loss = CrossEntropy()
    loss.forward(logits, np.array([0, 1, 2, 0]))
    assert loss.backward().dtype == np.float32


def test_cross_entropy_errors():
    logits = np.zeros((4, 3))
    with pytest.raises(ValueError, match=r"labels in 0\.\.2, got values from 0 to 3"):
        CrossEntropy().forward(logits, np.array([0, 1, 2, 3]))
    with pytest.raises(ValueError, match="labels in 0..2"):
        CrossEntropy().forward(logits, np.array([0, -1, 2, 1]))
    with pytest.raises(TypeError, match="integer class labels"):
        CrossEntropy().forward(logits, np.array([0.0, 1.0, 2.0, 1.0]))
    with pytest.raises(ValueError, match="a target for each of the 4 samples"):
        CrossEntropy().forward(logits, np.array([0, 1]))
    with pytest.raises(ValueError, match=r"one-hot rows of shape \(n_samples, 3\)"):
        CrossEntropy().forward(logits, np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"expected prediction of shape"):
        CrossEntropy().forward(np.zeros(4), np.array([0, 1, 2, 1]))
    with pytest.raises(RuntimeError, match="call forward before backward"):
        CrossEntropy().backward()


def test_mse_and_binary_errors():
    with pytest.raises(ValueError, match=r"expected target of shape \(n_samples, 3\)"):
        MSE().forward(np.zeros((4, 3)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="expected targets of 0 or 1"):
        BinaryCrossEntropy().forward(np.zeros((3, 1)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="use CrossEntropy"):
        BinaryCrossEntropy().forward(np.zeros((3, 2)), np.array([0, 1, 1]))
