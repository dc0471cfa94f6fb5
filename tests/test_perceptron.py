import numpy as np
import pytest

from nnlib.perceptron import Perceptron, step

INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def test_step():
    assert step(np.array([-1.0, 0.0, 0.5])).tolist() == [0, 0, 1]


@pytest.mark.parametrize("name, y", [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1])])
def test_learns_and_and_or(name, y):
    perceptron = Perceptron(2, learning_rate=0.5)
    history = perceptron.fit(INPUTS, np.array(y), n_epochs=50)
    assert perceptron.predict(INPUTS).tolist() == y
    assert history["errors"].iloc[-1] == 0
    assert list(history.columns) == ["epoch", "errors", "w0", "w1", "b"]


def test_never_settles_on_xor():
    perceptron = Perceptron(2)
    history = perceptron.fit(INPUTS, np.array([0, 1, 1, 0]), n_epochs=100)
    assert len(history) == 100
    assert (history["errors"] > 0).all()
    assert (perceptron.predict(INPUTS) != np.array([0, 1, 1, 0])).any()


def test_separates_two_mnist_digits(mnist):
    X_train, y_train, X_test, y_test = mnist
    train = np.isin(y_train, (0, 1))
    test = np.isin(y_test, (0, 1))
    perceptron = Perceptron(784, rng=np.random.default_rng(0))
    perceptron.fit(
        X_train[train][:2000],
        (y_train[train][:2000] == 1).astype(int),
        n_epochs=5,
        shuffle=True,
        rng=np.random.default_rng(0),
    )
    predictions = perceptron.predict(X_test[test])
    assert (predictions == (y_test[test] == 1)).mean() > 0.98


def test_errors():
    with pytest.raises(ValueError, match="positive integer"):
        Perceptron(0)
    with pytest.raises(ValueError, match="positive learning_rate"):
        Perceptron(2, learning_rate=0)
    perceptron = Perceptron(2)
    with pytest.raises(
        ValueError, match=r"\(n_samples, 2\), got \(2, 4\). Did you pass X.T"
    ):
        perceptron.predict(INPUTS.T)
    with pytest.raises(ValueError, match="values 0 and 1.*use \\(y \\+ 1\\) // 2"):
        perceptron.fit(INPUTS, np.array([-1, 1, 1, 1]))
