import warnings

import numpy as np
import pandas as pd
import pytest

from nnlib.activations import ReLU, Softmax
from nnlib.layers import Dense
from nnlib.losses import BinaryCrossEntropy, CrossEntropy
from nnlib.metrics import accuracy, confusion_matrix
from nnlib.network import Sequential
from nnlib.optim import Adam, GradientDescent
from nnlib.train import DivergenceError, StalledTrainingWarning, evaluate, fit


def blobs(rng, n_per_class=100, n_classes=3, n_features=4):
    centres = rng.normal(0, 4, size=(n_classes, n_features))
    X = np.concatenate(
        [c + rng.standard_normal((n_per_class, n_features)) for c in centres]
    )
    y = np.repeat(np.arange(n_classes), n_per_class)
    return X.astype(np.float32), y


def model_for(rng, n_in=4, n_out=3):
    return Sequential(Dense(n_in, 16, rng=rng), ReLU(), Dense(16, n_out, rng=rng))


def test_fit_learns_and_returns_the_history(rng, capsys):
    X, y = blobs(rng)
    history = fit(
        model_for(rng),
        X,
        y,
        optimizer=Adam(learning_rate=0.01),
        n_epochs=5,
        batch_size=32,
        validation_data=(X[:50], y[:50]),
        rng=rng,
    )
    assert isinstance(history, pd.DataFrame)
    assert list(history.columns) == [
        "epoch",
        "loss",
        "accuracy",
        "val_loss",
        "val_accuracy",
        "seconds",
    ]
    assert history["epoch"].tolist() == [1, 2, 3, 4, 5]
    assert history["loss"].iloc[-1] < history["loss"].iloc[0]
    assert history["val_accuracy"].iloc[-1] > 0.9
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["epoch", "loss", "accuracy"]
    assert "device: cpu" in lines[0]
    assert len(lines) == 6


def test_full_batch_is_one_update_per_epoch(rng):
    X, y = blobs(rng, n_per_class=20)
    model = model_for(rng)
    optimizer = GradientDescent(learning_rate=0.1)
    fit(model, X, y, optimizer=optimizer, n_epochs=7, verbose=False)
    assert optimizer.n_steps == 7
    optimizer = GradientDescent(learning_rate=0.1)
    fit(model, X, y, optimizer=optimizer, n_epochs=2, batch_size=25, verbose=False)
    assert optimizer.n_steps == 2 * 3  # 60 samples in batches of 25, 25, 10


def test_same_seed_gives_the_same_history():
    histories = []
    for _ in range(2):
        rng = np.random.default_rng(5)
        X, y = blobs(rng)
        history = fit(
            model_for(rng), X, y, n_epochs=3, batch_size=16, rng=rng, verbose=False
        )
        histories.append(history.drop(columns="seconds"))
    pd.testing.assert_frame_equal(*histories)


def test_long_runs_print_about_twenty_lines(rng, capsys):
    X, y = blobs(rng, n_per_class=5)
    fit(
        model_for(rng),
        X,
        y,
        optimizer=GradientDescent(learning_rate=0.01),
        n_epochs=200,
        verbose=True,
    )
    lines = capsys.readouterr().out.splitlines()
    assert 15 <= len(lines) <= 23
    assert lines[-1].split()[0] == "200"


def test_fit_accepts_one_hot_targets_and_binary_models(rng):
    X, y = blobs(rng, n_classes=2)
    one_hot = np.eye(2, dtype=np.float32)[y]
    history = fit(
        model_for(rng, n_out=2),
        X,
        one_hot,
        n_epochs=3,
        batch_size=20,
        optimizer=Adam(learning_rate=0.01),
        verbose=False,
    )
    assert history["accuracy"].iloc[-1] > 0.9
    binary = model_for(rng, n_out=1)
    history = fit(
        binary,
        X,
        y,
        loss=BinaryCrossEntropy(),
        n_epochs=3,
        batch_size=20,
        optimizer=Adam(learning_rate=0.01),
        verbose=False,
    )
    assert history["accuracy"].iloc[-1] > 0.9
    assert accuracy(y, binary.predict(X)) > 0.9


def test_divergence_stops_with_the_epoch_and_a_hint(rng):
    X, y = blobs(rng)
    X = X * 1e4
    with pytest.raises(
        DivergenceError,
        match=r"in epoch \d+.*learning rate \(1e\+06\)"
        r".*ten times smaller",
    ) as caught:
        fit(
            model_for(rng),
            X,
            y,
            optimizer=GradientDescent(learning_rate=1e6),
            n_epochs=50,
            verbose=False,
        )
    assert len(caught.value.history) >= 1


def dead_model(rng):
    # Every hidden unit starts far below zero: the ReLUs output 0 for every
    # sample, pass back no gradient, and only the output biases can learn.
    model = model_for(rng)
    model.layers[0].b[...] = -100.0
    return model


def test_a_run_that_learns_nothing_warns_with_a_hint(rng):
    X, y = blobs(rng)
    y[:200] = 0  # unequal classes: 200, 0, 100 samples of classes 0, 1, 2
    with pytest.warns(StalledTrainingWarning) as caught:
        history = fit(
            dead_model(rng),
            X,
            y,
            optimizer=Adam(learning_rate=0.1),
            n_epochs=60,
            verbose=False,
        )
    frequencies = np.array([200, 100]) / 300
    baseline = -(frequencies * np.log(frequencies)).sum()
    # The output biases learn the class frequencies, and can do no better.
    assert history["loss"].min() > baseline - 1e-6
    assert history["loss"].iloc[-1] == pytest.approx(baseline, rel=0.01)
    message = str(caught[0].message)
    assert f"{baseline:.4f}" in message
    assert "after 60 updates" in message
    assert "large (this one is 0.1)" in message
    assert "dead_unit_fraction" in message
    assert caught[0].filename == __file__  # points at the caller of fit


def test_learning_runs_and_short_runs_do_not_warn(rng):
    X, y = blobs(rng)
    with warnings.catch_warnings():
        warnings.simplefilter("error", StalledTrainingWarning)
        history = fit(
            model_for(rng),
            X,
            y,
            optimizer=Adam(learning_rate=0.01),
            n_epochs=60,
            verbose=False,
        )
        assert history["accuracy"].iloc[-1] > 0.9
        # Not judged: 49 full-batch updates are too few, and losses other
        # than CrossEntropy have no class-frequency baseline here.
        fit(dead_model(rng), X, y, n_epochs=49, verbose=False)
        binary = Sequential(Dense(4, 8, rng=rng), ReLU(), Dense(8, 1, rng=rng))
        binary.layers[0].b[...] = -100.0
        fit(
            binary,
            X,
            (y == 0).astype(np.float32),
            loss=BinaryCrossEntropy(),
            n_epochs=60,
            verbose=False,
        )


def test_fit_rejects_bad_input(rng):
    X, y = blobs(rng)
    model = model_for(rng)
    with pytest.raises(ValueError, match="X has 300 samples but y has 299"):
        fit(model, X, y[:-1], verbose=False)
    with pytest.raises(ValueError, match="Did you pass X.T"):
        fit(model, X.T.copy(), y, verbose=False)
    bad = X.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="1 NaN or infinite values"):
        fit(model, bad, y, verbose=False)
    with pytest.raises(ValueError, match=r"labels in 0\.\.2, got values from 0 to 5"):
        fit(model, X, np.where(y == 2, 5, y), verbose=False)
    with pytest.raises(TypeError, match="pass an instance, not the class"):
        fit(model, X, y, loss=CrossEntropy, verbose=False)
    with pytest.raises(TypeError, match="unexpected keyword argument 'epochs'"):
        fit(model, X, y, epochs=3)
    with pytest.raises(ValueError, match="positive integer or None"):
        fit(model, X, y, batch_size=0, verbose=False)
    with pytest.raises(ValueError, match="n_epochs >= 1"):
        fit(model, X, y, n_epochs=0, verbose=False)
    with pytest.raises(TypeError, match=r"tuple \(X_val, y_val\)"):
        fit(model, X, y, validation_data=X, verbose=False)
    with_softmax = Sequential(Dense(4, 3, rng=rng), Softmax())
    with pytest.raises(ValueError, match="remove the final Softmax"):
        fit(with_softmax, X, y, verbose=False)


def test_evaluate_accuracy_and_confusion_matrix(rng):
    X, y = blobs(rng)
    model = model_for(rng)
    fit(
        model,
        X,
        y,
        optimizer=Adam(learning_rate=0.01),
        n_epochs=5,
        batch_size=32,
        verbose=False,
        rng=rng,
    )
    result = evaluate(model, X, y)
    assert set(result) == {"loss", "accuracy"}
    assert result["accuracy"] == pytest.approx(accuracy(y, model.predict(X)))
    matrix = confusion_matrix(y, model.predict(X))
    assert matrix.shape == (3, 3) and matrix.sum() == 300
    assert np.trace(matrix) / 300 == pytest.approx(result["accuracy"])


def test_schedule_sets_the_learning_rate_each_epoch(rng):
    X, y = blobs(rng, n_per_class=10)
    optimizer = GradientDescent(learning_rate=1.0)
    history = fit(
        model_for(rng),
        X,
        y,
        optimizer=optimizer,
        n_epochs=4,
        verbose=False,
        schedule=lambda epoch: 0.1 * 0.5 ** (epoch - 1),
    )
    assert history["learning_rate"].tolist() == [0.1, 0.05, 0.025, 0.0125]
    assert optimizer.learning_rate == 0.0125
    with pytest.raises(ValueError, match=r"schedule\(1\) returned -1"):
        fit(model_for(rng), X, y, n_epochs=1, verbose=False, schedule=lambda e: -1)


# End to end on the real MNIST data. These are the slowest unit tests
# (tens of seconds each on two cores).


@pytest.mark.slow
def test_original_recipe_reaches_85_percent_on_the_test_set(mnist):
    from nnlib.__main__ import RECIPES

    X_train, y_train, X_test, y_test = mnist
    recipe = RECIPES["original"]
    rng = np.random.default_rng(0)
    model = Sequential(
        Dense(784, 10, init=recipe["init"], rng=rng),
        ReLU(),
        Dense(10, 10, init=recipe["init"], rng=rng),
    )
    fit(
        model,
        X_train,
        y_train,
        optimizer=GradientDescent(learning_rate=recipe["learning_rate"]),
        n_epochs=recipe["epochs"],
        batch_size=None,
        verbose=False,
    )
    assert accuracy(y_test, model.predict(X_test)) >= 0.85


@pytest.mark.slow
def test_small_mini_batch_network_reaches_97_percent(mnist):
    X_train, y_train, X_test, y_test = mnist
    rng = np.random.default_rng(0)
    model = Sequential(Dense(784, 256, rng=rng), ReLU(), Dense(256, 10, rng=rng))
    fit(
        model,
        X_train,
        y_train,
        optimizer=Adam(learning_rate=0.001),
        n_epochs=5,
        batch_size=128,
        rng=rng,
        verbose=False,
    )
    assert accuracy(y_test, model.predict(X_test)) >= 0.97
