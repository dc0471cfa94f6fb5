"""Reference answers for notebooks/02_activations.ipynb.

Each block after a line ``# %% exercise-N`` replaces the answer cell of
exercise N; a block after ``# %% exercise-N wrong`` is a plausible wrong
answer whose check must print a hint. tests/test_notebooks.py runs both.
The names they use (W1_ex, sigmoid_stable, ...) are defined in the notebook.
"""

# ruff: noqa: F811, F821

# %% exercise-1
W_single = W1_ex @ W2_ex
b_single = b1_ex @ W2_ex + b2_ex

# %% exercise-1 wrong
# Forgets that the first bias passes through the second layer's weights.
W_single = W1_ex @ W2_ex
b_single = b2_ex


# %% exercise-2
def silu_derivative(z):
    s = sigmoid_stable(z)
    return s + z * s * (1 - s)


# %% exercise-2 wrong
# Differentiates only the sigmoid factor: the product rule's first term is lost.
def silu_derivative(z):
    s = sigmoid_stable(z)
    return z * s * (1 - s)


# %% exercise-3
def log_softmax(Z):
    shifted = Z - Z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


# %% exercise-3 wrong
# The log of probabilities that have already underflowed to 0 is -inf.
def log_softmax(Z):
    return np.log(softmax_stable(Z))
