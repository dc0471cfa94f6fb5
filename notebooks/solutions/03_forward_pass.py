"""Reference answers for notebooks/03_forward_pass.ipynb.

Each block after a line ``# %% exercise-N`` replaces that exercise's
answer cell; a block after ``# %% exercise-N wrong`` is a plausible
mistake, for which the check cell must print a hint. The blocks run
inside the notebook, so they use its names (W1_original, relu, ...) and
redefine one another.
"""

# ruff: noqa: F811, F821

# %% exercise-1
# The second layer maps 128 features to 64 units, for each of 32 images.
shape_Z2 = (32, 64)

# %% exercise-1 wrong
shape_Z2 = (64, 32)

# %% exercise-2
# One multiply-add per weight per image: 784 * 128 + 128 * 10 per image.
multiply_adds = 100 * (784 * 128 + 128 * 10)

# %% exercise-2 wrong
multiply_adds = 784 * 128 + 128 * 10

# %% exercise-3
# Transpose the weights; flatten the column of biases to one value per unit.
W1_ours = W1_original.T  # (784, 10)
b1_ours = b1_original.reshape(-1)  # (10,)

# %% exercise-3 wrong
W1_ours = W1_original.reshape(784, 10)
b1_ours = b1_original.reshape(-1)


# %% exercise-4
def predict_digit(image, W1, b1, W2, b2):
    """Return the predicted digit of one image of shape (784,)."""
    A1 = relu(image @ W1 + b1)  # (10,)
    scores = A1 @ W2 + b2  # (10,)
    # Softmax keeps the largest score largest, so it can be skipped here.
    return int(scores.argmax())


# %% exercise-4 wrong
def predict_digit(image, W1, b1, W2, b2):
    """Return the predicted digit of one image of shape (784,)."""
    scores = (image @ W1 + b1) @ W2 + b2
    return int(scores.argmax())
