"""A network as a sequence of layers, run forwards and then backwards.

Taught in notebooks 03 and 04.
"""

from nnlib.activations import Sigmoid, Softmax, sigmoid, softmax
from nnlib.backend import get_array_module, to_device
from nnlib.layers import Layer, check_2d


class Sequential:
    """Layers applied one after another.

    Parameters
    ----------
    *layers : Layer
        For a classifier, end with a Dense layer that outputs one score
        (logit) per class and train with ``CrossEntropy``;
        :meth:`predict_proba` applies the softmax.

    Examples
    --------
    >>> import numpy as np
    >>> from nnlib import Dense, ReLU, Sequential
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential(Dense(784, 10, rng=rng), ReLU(), Dense(10, 10, rng=rng))
    >>> model.forward(np.zeros((3, 784), dtype=np.float32)).shape
    (3, 10)
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        if not layers:
            raise ValueError("Sequential: expected at least one layer, got none.")
        for position, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(
                    f"Sequential: expected layers, got {type(layer).__name__} "
                    f"at position {position}. help: pass layer objects such "
                    "as Dense(784, 128) or ReLU(), not classes or functions."
                )
        self.layers = list(layers)
        self._check_sizes()
        self.training = True

    def _check_sizes(self):
        n_features = None
        for position, layer in enumerate(self.layers):
            n_in = getattr(layer, "n_in", None)
            if n_in is not None and n_features is not None and n_in != n_features:
                raise ValueError(
                    f"Sequential: layer {position} ({layer!r}) expects {n_in} "
                    f"inputs, but the layer before it gives {n_features}. "
                    f"help: make it Dense({n_features}, ...)."
                )
            if n_in is not None or n_features is not None:
                n_features = layer.output_size(n_in or n_features)

    @property
    def n_in(self):
        """Number of input features, taken from the first Dense layer."""
        for layer in self.layers:
            if hasattr(layer, "n_in"):
                return layer.n_in
        return None

    @property
    def n_out(self):
        """Number of outputs, taken from the last Dense layer."""
        for layer in reversed(self.layers):
            if hasattr(layer, "n_out"):
                return layer.n_out
        return None

    def forward(self, X):
        """Return the network's output for X of shape (n_samples, n_in)."""
        check_2d(X, "Sequential.forward", "X", self.n_in)
        A = X
        for layer in self.layers:
            A = layer.forward(A)
        return A

    __call__ = forward

    def backward(self, dA, input_gradient=True):
        """Pass the gradient of the loss back through every layer.

        Parameters
        ----------
        dA : ndarray of shape (n_samples, n_out)
            Gradient of the loss with respect to the network's output.
        input_gradient : bool, default True
            Whether to compute the gradient with respect to the input X.
            Training does not need it.

        Returns
        -------
        ndarray of shape (n_samples, n_in), or None
        """
        for position, layer in reversed(list(enumerate(self.layers))):
            if position == 0 and not input_gradient and hasattr(layer, "W"):
                return layer.backward(dA, input_gradient=False)
            dA = layer.backward(dA)
        return dA

    def train(self, mode=True):
        """Switch dropout (and any layer that cares) to training mode."""
        self.training = mode
        for layer in self.layers:
            layer.training = mode
        return self

    def eval(self):
        """Switch to evaluation mode: dropout passes values through."""
        return self.train(False)

    def predict_proba(self, X, batch_size=10_000):
        """Return class probabilities.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_in)
        batch_size : int, default 10000
            Rows per forward pass, to bound memory.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            For a single-output network, the probability of class 1 as
            shape (n_samples, 1).
        """
        was_training = self.training
        self.eval()
        try:
            X = to_device(X)
            xp = get_array_module(X)
            parts = [
                self.forward(X[start : start + batch_size])
                for start in range(0, X.shape[0], batch_size)
            ]
            output = xp.concatenate(parts) if len(parts) > 1 else parts[0]
        finally:
            self.train(was_training)
        if isinstance(self.layers[-1], (Softmax, Sigmoid)):
            return output
        return sigmoid(output) if output.shape[1] == 1 else softmax(output)

    def predict(self, X, batch_size=10_000):
        """Return the predicted class of each sample.

        Returns
        -------
        ndarray of shape (n_samples,) of int
            The most probable class, or for a single-output network
            1 where the probability exceeds 0.5.
        """
        proba = self.predict_proba(X, batch_size=batch_size)
        if proba.shape[1] == 1:
            return (proba[:, 0] > 0.5).astype(int)
        return proba.argmax(axis=1)

    def parameters(self):
        """Return every parameter array, layer by layer (W1, b1, W2, ...)."""
        return [p for layer in self.layers for p in layer.parameters()]

    def gradients(self):
        """Return the gradients, in the same order as :meth:`parameters`."""
        return [g for layer in self.layers for g in layer.gradients()]

    def n_parameters(self):
        """Return the total number of trainable numbers."""
        return sum(int(p.size) for p in self.parameters())

    def summary(self):
        """Return a table of the layers, their output shapes and sizes."""
        width = max(44, *(len(repr(layer)) + 2 for layer in self.layers))
        lines = [f"{'layer':<{width}}{'output shape':>14}{'parameters':>12}"]
        lines.append("-" * len(lines[0]))
        n_features = self.n_in
        for layer in self.layers:
            n_features = layer.output_size(n_features)
            n_params = sum(int(p.size) for p in layer.parameters())
            shape = f"(n, {n_features})"
            lines.append(f"{layer!r:<{width}}{shape:>14}{n_params:>12,}")
        lines.append("-" * len(lines[0]))
        lines.append(f"{'total':<{width}}{'':>14}{self.n_parameters():>12,}")
        return "\n".join(lines)

    def __repr__(self):
        inner = ",\n".join(f"    {layer!r}" for layer in self.layers)
        return f"Sequential(\n{inner}\n)"
