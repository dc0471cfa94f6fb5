"""Reference answers for the exercises of notebooks/04_backprop.ipynb.

Each block after a line ``# %% exercise-N`` replaces the answer cell of
exercise N; the block after ``# %% exercise-N wrong`` is a mistake a
learner might make, for which the check cell should give a hint.
tests/test_notebooks.py runs both. The blocks run inside the notebook,
so they use its names (np, sigmoid, the exercise data) without importing
them, and a function may be defined twice.
"""

# ruff: noqa: F811, F821

# %% exercise-1
S_tanh = x_tanh @ W_tanh + b_tanh
A_tanh = np.tanh(S_tanh)
dE_dA_tanh = 2 * (A_tanh - target_tanh)
dA_dS_tanh = 1 - A_tanh**2  # the derivative of tanh
dW_tanh = dE_dA_tanh * dA_dS_tanh * x_tanh  # dS/dW = x

# %% exercise-1 wrong
# Forgets the activation's derivative dA/dS.
dW_tanh = 2 * (np.tanh(x_tanh @ W_tanh + b_tanh) - target_tanh) * x_tanh


# %% exercise-2
def bias_gradient(dZ):
    """Return db of shape (n_out,) for dZ of shape (n_samples, n_out)."""
    db = dZ.sum(axis=0)  # over the samples only: one number per unit
    return db


# %% exercise-2 wrong
# The original project's bug: one number for the whole layer.
def bias_gradient(dZ):
    """Return db of shape (n_out,) for dZ of shape (n_samples, n_out)."""
    db = dZ.sum()
    return db


# %% exercise-3
def output_gradient(Z, y):
    """Return dL/dZ of shape (n_samples, 1) for mean binary cross-entropy."""
    A = sigmoid(Z)
    dZ = (A - y.reshape(-1, 1)) / len(y)
    return dZ


# %% exercise-3 wrong
# Forgets the 1/n of the mean.
def output_gradient(Z, y):
    """Return dL/dZ of shape (n_samples, 1) for mean binary cross-entropy."""
    dZ = sigmoid(Z) - y.reshape(-1, 1)
    return dZ


# %% exercise-4
dZ1_leaky = dA1_leaky * np.where(Z1_leaky > 0, 1.0, alpha)

# %% exercise-4 wrong
# The plain ReLU's derivative: blocks the gradient where Z1 <= 0.
dZ1_leaky = dA1_leaky * (Z1_leaky > 0)
