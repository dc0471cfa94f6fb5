"""The classic perceptron: a weighted sum, a step, and a simple update rule.

Taught in notebook 01. It works on NumPy arrays only: it is small enough
that a GPU would only slow it down.
"""

import numpy as np


def step(z):
    """Return 1 where z > 0 and 0 elsewhere (the Heaviside step)."""
    return (np.asarray(z) > 0).astype(np.int64)


class Perceptron:
    """A single neuron with a step activation, trained by the perceptron rule.

    Parameters
    ----------
    n_inputs : int
    learning_rate : float, default 1.0
    rng : numpy.random.Generator, optional
        Draws the initial weights from N(0, 0.01); None starts at zero.

    Attributes
    ----------
    w : ndarray of shape (n_inputs,)
    b : float

    Notes
    -----
    Output: y_hat = step(x . w + b). For each sample the rule adds
    learning_rate * (y - y_hat) * x to w and learning_rate * (y - y_hat)
    to b, so nothing changes when the prediction is right. If the two
    classes can be separated by a straight line (a hyperplane), the rule
    reaches zero errors in finitely many updates; if not (XOR), it never
    settles.
    """

    def __init__(self, n_inputs, *, learning_rate=1.0, rng=None):
        if not isinstance(n_inputs, (int, np.integer)) or n_inputs < 1:
            raise ValueError(
                f"Perceptron: expected n_inputs as a positive integer, got "
                f"{n_inputs!r}."
            )
        if not learning_rate > 0:
            raise ValueError(
                f"Perceptron: expected a positive learning_rate, got {learning_rate!r}."
            )
        self.n_inputs = int(n_inputs)
        self.learning_rate = float(learning_rate)
        if rng is None:
            self.w = np.zeros(self.n_inputs)
        else:
            self.w = rng.normal(0.0, 0.01, size=self.n_inputs)
        self.b = 0.0

    def _check(self, X, where):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            hint = ""
            if X.ndim == 2 and X.shape[0] == self.n_inputs:
                hint = " Did you pass X.T? Samples go in rows."
            raise ValueError(
                f"Perceptron.{where}: expected X of shape (n_samples, "
                f"{self.n_inputs}), got {X.shape}.{hint}"
            )
        return X

    def net_input(self, X):
        """Return the weighted sums X @ w + b, shape (n_samples,)."""
        return self._check(X, "net_input") @ self.w + self.b

    def predict(self, X):
        """Return the predicted class, 0 or 1, of each row of X."""
        return step(self.net_input(X))

    def fit(self, X, y, *, n_epochs=10, shuffle=False, rng=None):
        """Apply the perceptron rule, one sample at a time.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_inputs)
        y : ndarray of shape (n_samples,), values 0 or 1
        n_epochs : int, default 10
            Stops early after an epoch with no error.
        shuffle : bool, default False
            Visit the samples in a new random order each epoch.
        rng : numpy.random.Generator, optional

        Returns
        -------
        pandas.DataFrame
            One row per epoch: ``epoch``, ``errors`` (samples misclassified
            during the epoch), then the weights ``w0``, ``w1``, ... and
            ``b`` at the end of the epoch, so the boundary can be drawn
            as it moves.
        """
        import pandas as pd

        X = self._check(X, "fit")
        y = np.asarray(y)
        if y.shape != (X.shape[0],) or not np.isin(y, (0, 1)).all():
            raise ValueError(
                f"Perceptron.fit: expected y of shape ({X.shape[0]},) with "
                f"values 0 and 1, got shape {y.shape}. help: for -1/+1 labels "
                "use (y + 1) // 2."
            )
        rng = np.random.default_rng() if rng is None else rng
        rows = []
        for epoch in range(1, n_epochs + 1):
            order = rng.permutation(len(X)) if shuffle else range(len(X))
            errors = 0
            for i in order:
                error = y[i] - step(X[i] @ self.w + self.b)
                if error != 0:
                    self.w += self.learning_rate * error * X[i]
                    self.b += self.learning_rate * error
                    errors += 1
            row = {"epoch": epoch, "errors": errors}
            row.update({f"w{j}": value for j, value in enumerate(self.w)})
            row["b"] = self.b
            rows.append(row)
            if errors == 0:
                break
        return pd.DataFrame(rows)
