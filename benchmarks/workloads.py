"""What the benchmark times: the same training written three ways.

Every trainer starts from the same initial weights, drawn by nnlib's
``Dense``, so that the three learn the same function and their test
accuracies can be compared. Each has ``train(n)`` (n more iterations or
epochs, timed by the caller) and ``test_accuracy()`` (not timed).
"""

import time

import numpy as np
import original_style

from nnlib import Adam, Dense, GradientDescent, ReLU, Sequential, fit
from nnlib.backend import to_device, to_numpy


def initial_weights(sizes, init, seed):
    """Return [(W, b), ...] as float32 NumPy arrays, drawn by nnlib."""
    rng = np.random.default_rng(seed)
    layers = [
        Dense(n_in, n_out, init=init, rng=rng)
        for n_in, n_out in zip(sizes[:-1], sizes[1:])
    ]
    return [(to_numpy(layer.W).copy(), to_numpy(layer.b).copy()) for layer in layers]


def nnlib_model(weights):
    """Build the nnlib network (ReLU between Dense layers) with these weights."""
    layers = []
    for W, b in weights:
        dense = Dense(W.shape[0], W.shape[1])
        dense.W, dense.b = to_device(W.copy()), to_device(b.copy())
        layers += [dense, ReLU()]
    return Sequential(*layers[:-1])


def count_step_flops(sizes, batch_size):
    """Return the floating-point operations of the matrix products in one
    training step (2 m n k each): forward, dW of every layer, and dX of
    every layer but the first, which training does not need."""
    products = [n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    return 2 * batch_size * (2 * sum(products) + sum(products[1:]))


def matmul_rate(n=2048, repeats=3):
    """Return the best GFLOP/s of an n x n float32 matrix product."""
    rng = np.random.default_rng(0)
    A = rng.random((n, n), dtype=np.float32)
    B = rng.random((n, n), dtype=np.float32)
    A @ B
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        A @ B
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


# -- the original recipe: 784-10-10, full-batch gradient descent at 0.1 --


class OriginalStyleRecipe:
    name = "original style"

    def __init__(self, weights, data, xp=np):
        X, y, X_test, y_test = data
        (W1, b1), (W2, b2) = weights
        self.params = original_style.init_params(W1, b1, W2, b2, xp)
        # Converted once, as the original did: float64, samples as columns.
        self.X = xp.ascontiguousarray(xp.asarray(X.T, dtype=xp.float64))
        self.y = xp.asarray(y)
        self.X_test = xp.ascontiguousarray(xp.asarray(X_test.T, dtype=xp.float64))
        self.y_test = y_test

    def train(self, n_iterations):
        self.params = original_style.gradient_descent(
            self.params, self.X, self.y, 0.1, n_iterations
        )

    def test_accuracy(self):
        predicted = to_numpy(original_style.predict(self.params, self.X_test))
        return float((predicted == self.y_test).mean())


class NnlibRecipe:
    name = "nnlib"

    def __init__(self, weights, data):
        X, y, X_test, y_test = data
        self.model = nnlib_model(weights)
        self.optimizer = GradientDescent(learning_rate=0.1)
        self.X, self.y = to_device(X), to_device(y)
        self.X_test, self.y_test = X_test, y_test

    def train(self, n_iterations):
        fit(
            self.model,
            self.X,
            self.y,
            optimizer=self.optimizer,
            n_epochs=n_iterations,
            batch_size=None,
            verbose=False,
        )

    def test_accuracy(self):
        predicted = to_numpy(self.model.predict(self.X_test))
        return float((predicted == self.y_test).mean())


class TorchRecipe:
    name = "PyTorch"

    def __init__(self, weights, data, device="cpu"):
        import torch

        X, y, X_test, y_test = data
        self.torch, self.device = torch, device
        self.model = torch_model(weights, device)
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.1)
        self.X = torch.from_numpy(X).to(device)
        self.y = torch.from_numpy(y).to(device)
        self.X_test = torch.from_numpy(X_test).to(device)
        self.y_test = y_test

    def train(self, n_iterations):
        cross_entropy = self.torch.nn.functional.cross_entropy
        for _ in range(n_iterations):
            loss = cross_entropy(self.model(self.X), self.y)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            self.optimizer.step()

    def test_accuracy(self):
        with self.torch.no_grad():
            predicted = self.model(self.X_test).argmax(dim=1).cpu().numpy()
        return float((predicted == self.y_test).mean())


def torch_model(weights, device="cpu"):
    """The same network in PyTorch, starting from the same weights."""
    import torch

    layers = []
    for W, b in weights:
        linear = torch.nn.Linear(W.shape[0], W.shape[1])
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(W.T.copy()))  # (n_out, n_in)
            linear.bias.copy_(torch.from_numpy(b))
        layers += [linear, torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1]).to(device)


def torch_synchronize(device):
    if device == "cuda":
        import torch

        torch.cuda.synchronize()


# -- mini-batch training: Adam at 0.001, batch 128 ---------------------------


def train_nnlib_minibatch(weights, data, n_epochs, seed, batch_size=128):
    """Train with nnlib's ``fit``; return per-epoch seconds and test accuracy.

    The seconds are fit's own per-epoch training times; the test accuracy
    after each epoch is measured outside them.
    """
    X, y, X_test, y_test = data
    history = fit(
        nnlib_model(weights),
        X,
        y,
        optimizer=Adam(learning_rate=1e-3),
        n_epochs=n_epochs,
        batch_size=batch_size,
        validation_data=(X_test, y_test),
        rng=np.random.default_rng(seed),
        verbose=False,
    )
    return list(history["seconds"]), list(history["val_accuracy"])


def torch_adam(parameters):
    """Return PyTorch's fastest Adam on this build, and which one it is."""
    import torch

    try:
        return torch.optim.Adam(parameters, lr=1e-3, fused=True), "fused Adam"
    except (RuntimeError, TypeError, ValueError):
        return torch.optim.Adam(parameters, lr=1e-3, foreach=True), "foreach Adam"


def train_torch_minibatch(weights, data, n_epochs, seed, batch_size=128, device="cpu"):
    """The same training in PyTorch, indexing tensors directly (no
    DataLoader); return per-epoch seconds and test accuracy."""
    import torch

    X, y, X_test, y_test = data
    model = torch_model(weights, device)
    optimizer, _ = torch_adam(model.parameters())
    X, y = torch.from_numpy(X).to(device), torch.from_numpy(y).to(device)
    X_test = torch.from_numpy(X_test).to(device)
    generator = torch.Generator().manual_seed(seed)
    cross_entropy = torch.nn.functional.cross_entropy
    seconds, accuracies = [], []
    for _ in range(n_epochs):
        torch_synchronize(device)
        start = time.perf_counter()
        order = torch.randperm(X.shape[0], generator=generator).to(device)
        for first in range(0, X.shape[0], batch_size):
            index = order[first : first + batch_size]
            loss = cross_entropy(model(X[index]), y[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        torch_synchronize(device)
        seconds.append(time.perf_counter() - start)
        with torch.no_grad():
            predicted = model(X_test).argmax(dim=1).cpu().numpy()
        accuracies.append(float((predicted == y_test).mean()))
    return seconds, accuracies
