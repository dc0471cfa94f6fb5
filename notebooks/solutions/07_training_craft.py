"""Reference answers for the exercises of notebooks/07_training_craft.ipynb.

Each block after a line ``# %% exercise-N`` replaces the answer cell of
exercise N; the block after ``# %% exercise-N wrong`` is a mistake a
learner might make, for which the check cell should give a hint.
tests/test_notebooks.py runs both. The blocks run inside the notebook,
so they use its names (np, Z_hidden, W_before, ...) without importing
them, and a function may be defined twice.
"""

# ruff: noqa: F811, F821

# %% exercise-1
# He draws from N(0, 2 / n_in): the standard deviation is the square root.
he_std_256 = np.sqrt(2 / 256)

# %% exercise-1 wrong
# The variance, not the standard deviation.
he_std_256 = 2 / 256

# %% exercise-2
# A unit (a column) is dead if it is at most 0 for every sample (axis 0).
dead_fraction = (Z_hidden <= 0).all(axis=0).mean()

# %% exercise-2 wrong
# Counts zero outputs over all values instead of units that never fire.
dead_fraction = (Z_hidden <= 0).mean()

# %% exercise-3
ratio = np.linalg.norm(W_after - W_before) / np.linalg.norm(W_before)

# %% exercise-3 wrong
# Compares the sizes only, not the change itself.
ratio = (np.linalg.norm(W_after) - np.linalg.norm(W_before)) / np.linalg.norm(W_before)


# %% exercise-4
def step_decay(epoch):
    """Return the learning rate for an epoch counted from 1."""
    return 0.1 * 0.5 ** ((epoch - 1) // 2)


# %% exercise-4 wrong
# Forgets that fit counts epochs from 1: halves after the first epoch.
def step_decay(epoch):
    """Return the learning rate for an epoch counted from 1."""
    return 0.1 * 0.5 ** (epoch // 2)
