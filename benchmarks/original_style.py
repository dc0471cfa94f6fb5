"""The original project's training loop, written the way it wrote it.

This is the reference the benchmark measures nnlib against: samples as
columns (X of shape (784, n_samples)), float64 throughout, and new arrays
made at every step, the one-hot labels included. It follows the original
algorithm (784-10-10, ReLU, softmax, full-batch gradient descent) but is
written for this benchmark, not copied from it.

One deliberate difference: the original summed each bias gradient over
every element of dZ (one number, so every unit got the same bias update).
Here each unit gets its own sum over the samples, as in nnlib, so that
both train the same network and their accuracies can be compared. Either
sum reads dZ once, so the timing does not change.

The functions work on NumPy or CuPy arrays: NumPy's functions hand CuPy
arrays to CuPy, and ``one_hot`` makes its array where ``Y`` lives.
"""

import numpy as np

from nnlib.backend import get_array_module


def init_params(W1, b1, W2, b2, xp=np):
    """Turn nnlib-layout weights (W of shape (n_in, n_out)) into columns."""
    return (
        xp.asarray(W1.T, dtype=xp.float64).copy(),
        xp.asarray(b1, dtype=xp.float64).reshape(-1, 1),
        xp.asarray(W2.T, dtype=xp.float64).copy(),
        xp.asarray(b2, dtype=xp.float64).reshape(-1, 1),
    )


def relu(Z):
    return np.maximum(Z, 0)


def softmax(Z):
    # Like the original, no shift by the maximum: with uniform(-0.5, 0.5)
    # weights and pixels in [0, 1], float64 does not overflow here.
    return np.exp(Z) / np.sum(np.exp(Z), axis=0)


def forward(W1, b1, W2, b2, X):
    Z1 = W1.dot(X) + b1
    A1 = relu(Z1)
    Z2 = W2.dot(A1) + b2
    A2 = softmax(Z2)
    return Z1, A1, Z2, A2


def one_hot(Y):
    xp = get_array_module(Y)
    one_hot_Y = xp.zeros((Y.size, int(Y.max()) + 1))
    one_hot_Y[xp.arange(Y.size), Y] = 1
    return one_hot_Y.T


def backward(Z1, A1, Z2, A2, W1, W2, X, Y):
    m = Y.size
    one_hot_Y = one_hot(Y)
    dZ2 = A2 - one_hot_Y
    dW2 = 1 / m * dZ2.dot(A1.T)
    db2 = 1 / m * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = W2.T.dot(dZ2) * (Z1 > 0)
    dW1 = 1 / m * dZ1.dot(X.T)
    db1 = 1 / m * np.sum(dZ1, axis=1, keepdims=True)
    return dW1, db1, dW2, db2


def update(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha):
    W1 = W1 - alpha * dW1
    b1 = b1 - alpha * db1
    W2 = W2 - alpha * dW2
    b2 = b2 - alpha * db2
    return W1, b1, W2, b2


def gradient_descent(params, X, Y, alpha, iterations):
    """Run full-batch gradient descent on X of shape (784, n_samples)."""
    W1, b1, W2, b2 = params
    for _ in range(iterations):
        Z1, A1, Z2, A2 = forward(W1, b1, W2, b2, X)
        dW1, db1, dW2, db2 = backward(Z1, A1, Z2, A2, W1, W2, X, Y)
        W1, b1, W2, b2 = update(W1, b1, W2, b2, dW1, db1, dW2, db2, alpha)
    return W1, b1, W2, b2


def predict(params, X):
    """Return the predicted digit for each column of X."""
    return np.argmax(forward(*params, X)[3], axis=0)
