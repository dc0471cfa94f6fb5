"""Figures used across the notebooks and by the command-line trainer.

Every function draws on new axes unless ``ax`` is given, labels its axes,
and returns the matplotlib Figure.
"""

import numpy as np

from nnlib.backend import to_numpy


def _axes(ax, figsize=(6, 4)):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def plot_history(history, *, title="Training history"):
    """Plot loss and accuracy against the epoch.

    Parameters
    ----------
    history : pandas.DataFrame
        As returned by :func:`nnlib.train.fit`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    required = {"epoch", "loss", "accuracy"}
    if not required <= set(history.columns):
        raise ValueError(
            f"plot_history: expected columns {sorted(required)}, got "
            f"{list(history.columns)}. help: pass the table fit() returned."
        )
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax_loss.plot(history["epoch"], history["loss"], label="training")
    ax_acc.plot(history["epoch"], history["accuracy"], label="training")
    if "val_loss" in history.columns:
        ax_loss.plot(history["epoch"], history["val_loss"], label="validation")
        ax_acc.plot(history["epoch"], history["val_accuracy"], label="validation")
    ax_loss.set(xlabel="epoch", ylabel="loss", title="Loss")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
    for ax in (ax_loss, ax_acc):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_digits(images, labels=None, predictions=None, *, n_cols=10, title=None):
    """Show digits in a grid, titled with their true and predicted labels.

    Parameters
    ----------
    images : ndarray of shape (n, 784) or (n, 28, 28)
    labels, predictions : ndarray of shape (n,), optional
        A wrong prediction is titled in red as "predicted (true)".
    n_cols : int, default 10

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    images = to_numpy(images)
    n = len(images)
    if n == 0:
        raise ValueError("plot_digits: expected at least one image, got none.")
    images = images.reshape(n, 28, 28)
    n_cols = min(n_cols, n)
    n_rows = -(-n // n_cols)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(1.1 * n_cols, 1.3 * n_rows), squeeze=False
    )
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i], cmap="gray_r")
        if predictions is not None:
            right = labels is None or predictions[i] == labels[i]
            text = f"{predictions[i]}" if right else f"{predictions[i]} ({labels[i]})"
            ax.set_title(text, color="black" if right else "red", fontsize=9)
        elif labels is not None:
            ax.set_title(f"{labels[i]}", fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion_matrix(matrix, *, ax=None, title="Confusion matrix"):
    """Draw a confusion matrix with its counts.

    Parameters
    ----------
    matrix : ndarray of int, shape (n_classes, n_classes)
        Rows are true classes, columns predicted classes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    matrix = np.asarray(matrix)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise ValueError(
            f"plot_confusion_matrix: expected a square matrix, got shape "
            f"{matrix.shape}."
        )
    fig, ax = _axes(ax, figsize=(5.5, 5))
    image = ax.imshow(matrix, cmap="Blues")
    n = matrix.shape[0]
    threshold = matrix.max() / 2
    for i in range(n):
        for j in range(n):
            color = "white" if matrix[i, j] > threshold else "black"
            ax.text(
                j,
                i,
                str(matrix[i, j]),
                ha="center",
                va="center",
                color=color,
                fontsize=8,
            )
    ax.set(
        xticks=range(n),
        yticks=range(n),
        xlabel="predicted class",
        ylabel="true class",
        title=title,
    )
    fig.colorbar(image, ax=ax, fraction=0.046, label="samples")
    return fig


def plot_weights(W, *, n_cols=8, title="First-layer weights"):
    """Show each column of a first-layer weight matrix as a 28x28 image.

    Parameters
    ----------
    W : ndarray of shape (784, n_units)

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    Red pixels push a unit's input up, blue ones down; each image uses
    its own symmetric colour scale.
    """
    import matplotlib.pyplot as plt

    W = to_numpy(W)
    if W.ndim != 2 or W.shape[0] != 784:
        hint = " Did you pass W.T?" if W.ndim == 2 and W.shape[1] == 784 else ""
        raise ValueError(
            f"plot_weights: expected W of shape (784, n_units), got {W.shape}.{hint}"
        )
    n_units = W.shape[1]
    n_cols = min(n_cols, n_units)
    n_rows = -(-n_units // n_cols)
    fig, axes = plt.subplots(
        n_rows, n_cols, figsize=(1.2 * n_cols, 1.3 * n_rows), squeeze=False
    )
    for unit, ax in enumerate(axes.flat):
        ax.axis("off")
        if unit < n_units:
            limit = np.abs(W[:, unit]).max() or 1.0
            ax.imshow(
                W[:, unit].reshape(28, 28), cmap="RdBu_r", vmin=-limit, vmax=limit
            )
            ax.set_title(f"unit {unit}", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_activation(function, derivative, *, name=None, z_range=(-6, 6), ax=None):
    """Plot an activation function beside its derivative.

    Parameters
    ----------
    function, derivative : callable
        Elementwise functions of a NumPy array.
    name : str, optional
        Defaults to the function's name.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _axes(ax)
    name = name or getattr(function, "__name__", "f")
    z = np.linspace(*z_range, 601).reshape(-1, 1)
    ax.plot(z, function(z), label=f"{name}(z)")
    ax.plot(z, derivative(z), "--", label=f"{name}'(z)")
    ax.axhline(0, color="gray", lw=0.5)
    ax.axvline(0, color="gray", lw=0.5)
    ax.set(xlabel="z", ylabel="value", title=f"{name} and its derivative")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


def plot_decision_boundary(
    predict, X, y, *, ax=None, title="Decision boundary", resolution=200
):
    """Shade the regions a 2-D classifier assigns to each class.

    Parameters
    ----------
    predict : callable
        Maps an array of shape (n, 2) to class labels of shape (n,).
    X : ndarray of shape (n_samples, 2)
    y : ndarray of shape (n_samples,)

    Returns
    -------
    matplotlib.figure.Figure
    """
    X, y = to_numpy(X), to_numpy(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(
            f"plot_decision_boundary: expected X of shape (n_samples, 2), got "
            f"{X.shape}."
        )
    fig, ax = _axes(ax)
    margin = 0.5
    x_min, y_min = X.min(axis=0) - margin
    x_max, y_max = X.max(axis=0) + margin
    xx, yy = np.meshgrid(
        np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution)
    )
    grid = np.column_stack([xx.ravel(), yy.ravel()])
    regions = to_numpy(predict(grid)).reshape(xx.shape)
    ax.contourf(xx, yy, regions, alpha=0.25, cmap="coolwarm")
    for label in np.unique(y):
        ax.scatter(
            *X[y == label].T,
            s=18,
            label=f"class {label}",
            edgecolors="k",
            linewidths=0.3,
        )
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.legend()
    return fig
