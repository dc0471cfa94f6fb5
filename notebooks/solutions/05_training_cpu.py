"""Answers to the exercises of 05_training_cpu.ipynb.

Each block replaces the exercise's answer cell and runs in the notebook's
namespace, which provides np, math, matrix, X_train and BATCH_SIZE.
"""
# ruff: noqa: F821

# %% exercise-1
off_diagonal = matrix - np.diag(np.diag(matrix))
most_confused = np.unravel_index(off_diagonal.argmax(), off_diagonal.shape)

# %% exercise-1 wrong
# The largest count of the whole matrix lies on the diagonal: a correct class.
most_confused = np.unravel_index(matrix.argmax(), matrix.shape)

# %% exercise-2
n_updates = math.ceil(len(X_train) / BATCH_SIZE)

# %% exercise-2 wrong
# Floor division forgets the last, smaller batch.
n_updates = len(X_train) // BATCH_SIZE
