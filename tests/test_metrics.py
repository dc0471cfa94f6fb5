import numpy as np
import pytest

from nnlib.metrics import accuracy, confusion_matrix


def test_accuracy_is_the_fraction_of_equal_labels():
    assert accuracy(np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2])) == 0.75
    assert isinstance(accuracy(np.array([1]), np.array([1])), float)


def test_confusion_matrix_counts_true_rows_against_predicted_columns():
    np.testing.assert_array_equal(
        confusion_matrix(np.array([0, 1, 1, 2]), np.array([0, 2, 1, 2])),
        [[1, 0, 0], [0, 1, 1], [0, 0, 1]],
    )
    # n_classes makes room for classes that do not occur
    matrix = confusion_matrix(np.array([0, 1]), np.array([0, 1]), n_classes=4)
    assert matrix.shape == (4, 4) and matrix.sum() == 2


def test_metric_errors():
    with pytest.raises(ValueError, match="pass model.predict"):
        accuracy(np.array([0, 1]), np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"labels in 0\.\.1"):
        confusion_matrix(np.array([0, 1]), np.array([0, 2]), n_classes=2)
    with pytest.raises(TypeError, match="integer labels"):
        confusion_matrix(np.array([0.0, 1.0]), np.array([0, 1]))
