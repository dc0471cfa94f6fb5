"""Reference answers for notebooks/06_training_gpu.ipynb.

Each block after a line ``# %% exercise-N`` replaces the answer cell of
exercise N; a block after ``# %% exercise-N wrong`` is a plausible wrong
answer whose check must print a hint. tests/test_notebooks.py runs both.
The names they use (backend, ...) are defined in the notebook.
"""

# ruff: noqa: F811, F821

# %% exercise-1
# One wait for each of the 300 / 25 = 12 printed losses, and one for the
# accuracy printed after the loop.
n_waits = 300 // 25 + 1

# %% exercise-1 wrong
# Forgets the accuracy read after the loop.
n_waits = 300 // 25


# %% exercise-2
def mean_squared_error(prediction, target):
    xp = backend.get_array_module(prediction)
    return xp.mean((prediction - target) ** 2)


# %% exercise-2 wrong
# Right on the CPU, but float() makes the host wait for the GPU.
def mean_squared_error(prediction, target):
    return float(((prediction - target) ** 2).mean())
