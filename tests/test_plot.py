import matplotlib
import numpy as np
import pandas as pd
import pytest

from nnlib import plot
from nnlib.activations import sigmoid, sigmoid_derivative

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def labels_of(fig):
    return [(ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) for ax in fig.axes]


def test_history_plot_has_both_curves_and_labels():
    history = pd.DataFrame(
        {
            "epoch": [1, 2, 3],
            "loss": [1.0, 0.5, 0.3],
            "accuracy": [0.6, 0.8, 0.9],
            "val_loss": [1.1, 0.6, 0.4],
            "val_accuracy": [0.5, 0.7, 0.85],
            "seconds": [0.1] * 3,
        }
    )
    fig = plot.plot_history(history)
    assert labels_of(fig) == [
        ("epoch", "loss", "Loss"),
        ("epoch", "accuracy", "Accuracy"),
    ]
    for ax in fig.axes:
        assert [t.get_text() for t in ax.get_legend().get_texts()] == [
            "training",
            "validation",
        ]
    with pytest.raises(ValueError, match="pass the table fit"):
        plot.plot_history(pd.DataFrame({"epoch": [1]}))


def test_digit_grid_marks_wrong_predictions_in_red(rng):
    images = rng.random((12, 784))
    labels = np.arange(12) % 10
    predictions = labels.copy()
    predictions[3] = 7
    fig = plot.plot_digits(images, labels, predictions, n_cols=5)
    assert len(fig.axes) == 15
    title = fig.axes[3].title
    assert title.get_text() == "7 (3)" and title.get_color() == "red"
    assert fig.axes[0].title.get_text() == "0"
    with pytest.raises(ValueError, match="at least one image"):
        plot.plot_digits(np.zeros((0, 784)))


def test_confusion_matrix_plot_writes_the_counts():
    matrix = np.array([[5, 1], [0, 7]])
    fig = plot.plot_confusion_matrix(matrix)
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["0", "1", "5", "7"]
    assert fig.axes[0].get_xlabel() == "predicted class"
    with pytest.raises(ValueError, match="square matrix"):
        plot.plot_confusion_matrix(np.zeros((2, 3)))


def test_weights_plot_one_image_per_unit(rng):
    fig = plot.plot_weights(rng.standard_normal((784, 10)), n_cols=5)
    assert sum(1 for ax in fig.axes if ax.images) == 10
    with pytest.raises(ValueError, match="Did you pass W.T"):
        plot.plot_weights(np.zeros((10, 784)))


def test_activation_and_decision_boundary(rng):
    fig = plot.plot_activation(sigmoid, sigmoid_derivative)
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()][:2] == [
        "sigmoid(z)",
        "sigmoid'(z)",
    ]
    X = rng.standard_normal((40, 2))
    y = (X[:, 0] > 0).astype(int)
    fig = plot.plot_decision_boundary(lambda P: (P[:, 0] > 0).astype(int), X, y)
    assert fig.axes[0].get_xlabel() == "$x_1$"
    with pytest.raises(ValueError, match=r"\(n_samples, 2\)"):
        plot.plot_decision_boundary(lambda P: P, np.zeros((3, 3)), y[:3])
