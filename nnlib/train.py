"""The training loop, and the loss and accuracy of a model on a data set.

Taught in notebook 05. ``fit`` runs forward, loss, backward and update
for every mini-batch, reports one line per epoch and returns the whole
history as a table for plotting; ``evaluate`` measures a model on data
it was not trained on.
"""

import math
import time
import warnings

import numpy as np

from nnlib.backend import (
    current_device,
    get_array_module,
    synchronize,
    to_device,
    to_numpy,
)
from nnlib.checks import check_finite, check_labels, check_loss_fits_model
from nnlib.layers import check_2d
from nnlib.losses import BinaryCrossEntropy, CrossEntropy, Loss
from nnlib.network import Sequential
from nnlib.optim import Adam, Optimizer


class DivergenceError(FloatingPointError):
    """Raised when the training loss becomes NaN or infinite.

    Attributes
    ----------
    history : pandas.DataFrame
        The epochs completed before the loss diverged.
    """

    def __init__(self, message, history):
        super().__init__(message)
        self.history = history


class StalledTrainingWarning(RuntimeWarning):
    """Warned when a run ends no better than a network that ignores its input.

    Such a network can still learn its output biases, and so predict the
    class frequencies for every sample; ``fit`` warns when the training
    loss ends not clearly lower than that.
    """


# Fewer updates than this are too few to expect learning (a single
# full-batch iteration, say), so fit does not judge them.
MIN_UPDATES_TO_JUDGE = 50


def _labels_of(target):
    """Class labels from integer labels, 0/1 targets or one-hot rows."""
    if target.ndim == 2 and target.shape[1] > 1:
        return target.argmax(axis=1)
    return target.reshape(-1).astype(np.int64)


def _predicted_labels(output):
    if output.shape[1] == 1:
        return (output[:, 0] > 0).astype(np.int64)
    return output.argmax(axis=1)


def fit(
    model,
    X,
    y,
    *,
    loss=None,
    optimizer=None,
    n_epochs=10,
    batch_size=None,
    validation_data=None,
    rng=None,
    verbose=True,
    print_every=None,
    progress=False,
    schedule=None,
):
    """Train ``model`` on (X, y) and return the per-epoch history.

    Parameters
    ----------
    model : Sequential
    X : ndarray of shape (n_samples, n_in)
    y : ndarray of shape (n_samples,) or (n_samples, n_out)
        Integer labels, or targets in any form ``loss`` accepts.
    loss : Loss, default CrossEntropy()
    optimizer : Optimizer, default Adam()
    n_epochs : int, default 10
        Passes over the training data.
    batch_size : int or None, default None
        Samples per update. None means the full batch, one update per
        epoch, as in the original project.
    validation_data : tuple (X_val, y_val), optional
        Evaluated after every epoch.
    rng : numpy.random.Generator, optional
        Shuffles the samples each epoch (not used for the full batch).
    verbose : bool, default True
        Print a line per epoch (every ``print_every`` epochs).
    print_every : int, optional
        Defaults to every epoch for short runs and about 20 lines in all
        for long ones.
    progress : bool, default False
        Show a progress bar over all the updates (uses tqdm).
    schedule : callable, optional
        ``schedule(epoch)`` returns the learning rate for that epoch
        (counted from 1); it is set on the optimiser before the epoch
        starts. The history then gains a ``learning_rate`` column.

    Returns
    -------
    pandas.DataFrame
        One row per epoch: ``epoch``, ``loss``, ``accuracy``, and with
        validation data ``val_loss`` and ``val_accuracy``, then
        ``seconds`` (training time of that epoch).

    Raises
    ------
    DivergenceError
        When the loss becomes NaN or infinite.

    Warns
    -----
    StalledTrainingWarning
        With CrossEntropy, when after at least 50 updates the last epoch's
        loss is not clearly lower (by 2 %) than that of predicting the
        class frequencies whatever the input: the network has learned next
        to nothing from X, often because its ReLU units have died.

    Notes
    -----
    The training loss and accuracy of an epoch are averages over its
    mini-batches, each measured just before that batch's update, so the
    weights change while they are collected. The loop never copies a
    value to the host inside an epoch, so a GPU is never kept waiting.
    """
    import pandas as pd

    where = "fit"
    if not isinstance(model, Sequential):
        raise TypeError(
            f"{where}: expected model as a Sequential, got {type(model).__name__}."
        )
    loss = CrossEntropy() if loss is None else loss
    optimizer = Adam() if optimizer is None else optimizer
    if not isinstance(loss, Loss):
        raise TypeError(
            f"{where}: expected loss as a Loss such as CrossEntropy(), got "
            f"{loss!r}. help: pass an instance, not the class."
        )
    if not isinstance(optimizer, Optimizer):
        raise TypeError(
            f"{where}: expected optimizer as an Optimizer such as "
            f"Adam(learning_rate=0.001), got {optimizer!r}."
        )
    if not isinstance(n_epochs, (int, np.integer)) or n_epochs < 1:
        raise ValueError(f"{where}: expected n_epochs >= 1, got {n_epochs!r}.")
    check_loss_fits_model(model, loss, where)

    dtype = model.parameters()[0].dtype if model.parameters() else np.float32
    X, T, labels = _prepare(model, loss, X, y, dtype, where)
    n_samples = X.shape[0]
    if batch_size is None:
        batch_size = n_samples
    elif not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(
            f"{where}: expected batch_size as a positive integer or None (full "
            f"batch), got {batch_size!r}."
        )
    if validation_data is not None:
        if not (isinstance(validation_data, tuple) and len(validation_data) == 2):
            raise TypeError(
                f"{where}: expected validation_data as a tuple (X_val, y_val)."
            )
        X_val, T_val, labels_val = _prepare(
            model, loss, *validation_data, dtype, where + " (validation_data)"
        )
    rng = np.random.default_rng() if rng is None else rng
    if print_every is None:
        print_every = 1 if n_epochs <= 30 else math.ceil(n_epochs / 20)

    n_batches = math.ceil(n_samples / batch_size)
    bar = _progress_bar(n_epochs * n_batches) if progress else None
    write = bar.write if bar is not None else print
    rows = []
    if verbose:
        write(_header(validation_data is not None))
    model.train()

    for epoch in range(1, n_epochs + 1):
        synchronize()
        start = time.perf_counter()
        if schedule is not None:
            optimizer.learning_rate = _scheduled_rate(schedule, epoch)
        order = None
        if batch_size < n_samples:
            order = to_device(rng.permutation(n_samples))
        loss_sum, n_correct = _train_one_epoch(
            model, loss, optimizer, X, T, labels, batch_size, order, bar
        )

        synchronize()
        seconds = time.perf_counter() - start
        row = {
            "epoch": epoch,
            "loss": float(loss_sum) / n_samples,
            "accuracy": int(n_correct) / n_samples,
        }
        if validation_data is not None:
            row["val_loss"], row["val_accuracy"] = _evaluate_prepared(
                model, loss, X_val, T_val, labels_val
            )
        if schedule is not None:
            row["learning_rate"] = optimizer.learning_rate
        row["seconds"] = seconds
        rows.append(row)

        if not math.isfinite(row["loss"]):
            if bar is not None:
                bar.close()
            raise DivergenceError(
                f"fit: the training loss became {row['loss']} in epoch {epoch}. "
                f"help: the learning rate ({optimizer.learning_rate:g}) is "
                "probably too large; try one ten times smaller.",
                pd.DataFrame(rows),
            )
        if verbose and (epoch % print_every == 0 or epoch in (1, n_epochs)):
            write(_line(row))

    if bar is not None:
        bar.close()
    _warn_if_nothing_learned(
        rows[-1]["loss"], loss, labels, n_epochs * n_batches, optimizer.learning_rate
    )
    return pd.DataFrame(rows)


def _class_frequency_loss(labels):
    """The cross-entropy of predicting the class frequencies for every sample.

    The lowest loss a network that ignores its input can reach, through
    its output biases.
    """
    counts = np.bincount(to_numpy(labels))
    frequencies = counts[counts > 0] / counts.sum()
    return float(-(frequencies * np.log(frequencies)).sum())


def _warn_if_nothing_learned(final_loss, loss, labels, n_updates, learning_rate):
    if not isinstance(loss, CrossEntropy) or n_updates < MIN_UPDATES_TO_JUDGE:
        return
    baseline = _class_frequency_loss(labels)
    if final_loss < 0.98 * baseline:
        return
    warnings.warn(
        f"fit: after {n_updates} updates the training loss is {final_loss:.4f}, "
        "and predicting the class frequencies, whatever the input, gives "
        f"{baseline:.4f}: the network has learned next to nothing from X. "
        "help: look for dead ReLU units with "
        "nnlib.diagnostics.dead_unit_fraction(model, X); a learning rate too "
        f"large (this one is {learning_rate:g}), or weights that start at zero "
        "or far too large, leave them dead. A learning rate too small hardly "
        "moves the weights.",
        StalledTrainingWarning,
        stacklevel=3,
    )


def _train_one_epoch(model, loss, optimizer, X, T, labels, batch_size, order, bar):
    """Run forward, loss, backward and update on every batch of one epoch.

    Returns the summed loss and the number of correct predictions as
    device scalars, so that a GPU is never made to wait inside the epoch.
    """
    xp = get_array_module(X)
    loss_sum = xp.zeros((), dtype=X.dtype)
    n_correct = xp.zeros((), dtype=np.int64)
    # A diverging run overflows before its loss turns NaN; the check after
    # the epoch reports that with advice, so NumPy's warnings are silenced.
    with np.errstate(over="ignore", invalid="ignore"):
        for first in range(0, X.shape[0], batch_size):
            if order is None:
                X_batch, T_batch, labels_batch = X, T, labels
            else:
                index = order[first : first + batch_size]
                X_batch, T_batch, labels_batch = X[index], T[index], labels[index]

            output = model.forward(X_batch)
            loss_sum += loss._compute(output, T_batch) * X_batch.shape[0]
            n_correct += (_predicted_labels(output) == labels_batch).sum()

            model.backward(loss.backward(), input_gradient=False)
            optimizer.step(model.parameters(), model.gradients())
            if bar is not None:
                bar.update(1)
    return loss_sum, n_correct


def _scheduled_rate(schedule, epoch):
    rate = schedule(epoch)
    if not (isinstance(rate, (int, float)) and math.isfinite(rate) and rate > 0):
        raise ValueError(
            f"fit: schedule({epoch}) returned {rate!r}; expected a positive "
            "learning rate."
        )
    return float(rate)


def _prepare(model, loss, X, y, dtype, where):
    """Check X and y once and put them on the device in the training dtype."""
    check_2d(X, where, "X", model.n_in)
    check_labels(y, X.shape[0], where)
    check_finite(X, where)
    X = to_device(X, dtype=dtype)
    y = to_device(y)
    T = loss.prepare_target(y, model.n_out, dtype)
    return X, T, _labels_of(y if y.ndim == 1 else T)


def _evaluate_prepared(model, loss, X, T, labels, batch_size=10_000):
    was_training = model.training
    model.eval()
    loss_sum, n_correct = 0.0, 0
    for first in range(0, X.shape[0], batch_size):
        output = model.forward(X[first : first + batch_size])
        part = slice(first, first + batch_size)
        loss_sum += float(loss._compute(output, T[part])) * output.shape[0]
        n_correct += int((_predicted_labels(output) == labels[part]).sum())
    model.train(was_training)
    return loss_sum / X.shape[0], n_correct / X.shape[0]


def evaluate(model, X, y, *, loss=None, batch_size=10_000):
    """Return the mean loss and the accuracy of ``model`` on (X, y).

    Parameters
    ----------
    model : Sequential
    X : ndarray of shape (n_samples, n_in)
    y : ndarray of shape (n_samples,)
    loss : Loss, optional
        Default CrossEntropy() for several outputs, BinaryCrossEntropy()
        for one.
    batch_size : int, default 10000

    Returns
    -------
    dict
        ``{"loss": float, "accuracy": float}``
    """
    if loss is None:
        loss = CrossEntropy() if model.n_out != 1 else BinaryCrossEntropy()
    check_loss_fits_model(model, loss, "evaluate")
    dtype = model.parameters()[0].dtype if model.parameters() else np.float32
    X, T, labels = _prepare(model, loss, X, y, dtype, "evaluate")
    mean_loss, accuracy_ = _evaluate_prepared(model, loss, X, T, labels, batch_size)
    return {"loss": mean_loss, "accuracy": accuracy_}


def _progress_bar(total):
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="step", leave=False, dynamic_ncols=True)


def _header(with_validation):
    text = f"{'epoch':>6} {'loss':>9} {'accuracy':>9}"
    if with_validation:
        text += f" {'val_loss':>9} {'val_acc':>9}"
    return text + f" {'seconds':>8}   device: {current_device()}"


def _line(row):
    text = f"{row['epoch']:>6} {row['loss']:>9.4f} {row['accuracy']:>9.2%}"
    if "val_loss" in row:
        text += f" {row['val_loss']:>9.4f} {row['val_accuracy']:>9.2%}"
    return text + f" {row['seconds']:>8.2f}"
