import numpy as np
import pytest

from nnlib.activations import ReLU, Sigmoid, Softmax
from nnlib.checks import check_finite, check_labels, check_loss_fits_model
from nnlib.layers import Dense
from nnlib.losses import MSE, BinaryCrossEntropy, CrossEntropy
from nnlib.network import Sequential


def test_finite_input_whose_sum_overflows_is_accepted():
    X = np.full((4, 3), 3e38, dtype=np.float32)  # finite; its sum overflows
    check_finite(X, "fit")
    X[1, 2] = np.inf
    with pytest.raises(ValueError, match="fit: X holds 1 NaN or infinite values"):
        check_finite(X, "fit")


def test_check_finite_names_the_array():
    with pytest.raises(ValueError, match="X_val holds 2 NaN"):
        check_finite(np.array([[np.nan, 1.0, np.nan]]), "evaluate", name="X_val")


def test_check_labels_wants_an_array_with_one_row_per_sample():
    check_labels(np.zeros(5), 5, "fit")
    check_labels(np.zeros((5, 3)), 5, "fit")  # one-hot rows
    with pytest.raises(TypeError, match=r"got list.*np\.asarray"):
        check_labels([0, 1, 2], 3, "fit")
    with pytest.raises(ValueError, match="X has 5 samples but y has 4"):
        check_labels(np.zeros(4), 5, "fit")


def test_check_loss_fits_model_refuses_a_second_softmax_or_sigmoid(rng):
    def model(*last):
        return Sequential(Dense(4, 3, rng=rng), ReLU(), Dense(3, 2, rng=rng), *last)

    check_loss_fits_model(model(), CrossEntropy(), "fit")
    check_loss_fits_model(model(Softmax()), MSE(), "fit")
    with pytest.raises(ValueError, match="ends in Softmax"):
        check_loss_fits_model(model(Softmax()), CrossEntropy(), "fit")
    with pytest.raises(ValueError, match="ends in Sigmoid"):
        check_loss_fits_model(model(Sigmoid()), BinaryCrossEntropy(), "fit")
