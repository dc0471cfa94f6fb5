"""Reference answers for notebooks/01_perceptron.ipynb.

Each block after a line ``# %% exercise-N`` replaces that exercise's
answer cell; a block after ``# %% exercise-N wrong`` is a plausible
mistake, for which the check cell must print a hint. The blocks run
inside the notebook, so they use its names (np, step, X_train_pair, ...).
"""

# ruff: noqa: F821

# %% exercise-1
# NAND is NOT AND: flip the signs of AND's weights and bias.
w_nand = np.array([-1.0, -1.0])
b_nand = 1.5

# %% exercise-1 wrong
# AND's weights: the neuron fires only when both inputs are 1.
w_nand = np.array([1.0, 1.0])
b_nand = -1.5

# %% exercise-2
# z = 0.5 * 1 - 0.5 * 2 + 0 = -0.5, so y_hat = 0 and the error is +1.
w_after = w_start + learning_rate * 1 * x_sample  # [1.0, 0.5]
b_after = b_start + learning_rate * 1  # 0.5

# %% exercise-2 wrong
# The sign of the error taken the wrong way round.
w_after = w_start - learning_rate * x_sample
b_after = b_start - learning_rate

# %% exercise-3
# Column 0 is OR (fires when x1 + x2 > 0.5), column 1 is AND (> 1.5);
# the output fires when OR is on and AND is off.
W_hidden_3 = np.array([[1.0, 1.0], [1.0, 1.0]])
b_hidden_3 = np.array([-0.5, -1.5])
w_output_3 = np.array([1.0, -1.0])
b_output_3 = -0.5

# %% exercise-3 wrong
# The right hidden layer, but an AND at the output: OR and AND is AND.
W_hidden_3 = np.array([[1.0, 1.0], [1.0, 1.0]])
b_hidden_3 = np.array([-0.5, -1.5])
w_output_3 = np.array([1.0, 1.0])
b_output_3 = -1.5

# %% exercise-4
# Weight i changes by learning_rate * error * x[i]: never, if pixel i is
# blank (0) in every training image.
n_fixed_weights = int((X_train_pair == 0).all(axis=0).sum())

# %% exercise-4 wrong
# The weights that are 0 now, which includes some that could still move.
n_fixed_weights = int((perceptron.w == 0).sum())
