"""Reference answers for the exercises of notebooks/08_to_pytorch.ipynb.

Each block after a line ``# %% exercise-N`` replaces the answer cell of
exercise N; the block after ``# %% exercise-N wrong`` is a mistake a
learner might make, for which the check cell should give a hint.
tests/test_notebooks.py runs both. The blocks run inside the notebook,
so they use its names (np, torch, F, the exercise data) without importing
them, and a function may be defined twice.
"""

# ruff: noqa: F811, F821

# %% exercise-1
# nn.Linear keeps weight as (n_out, n_in); Dense wants W as (n_in, n_out).
W_from_torch = weight_from_torch.T

# %% exercise-1 wrong
# Right shape, wrong numbers: reshape regroups the memory, it does not transpose.
W_from_torch = weight_from_torch.reshape(5, 3)

# %% exercise-2
# The average form's velocity is (1 - beta) times nnlib's, so the same
# steps need learning_rate = 0.5 * (1 - 0.9).
learning_rate_for_nnlib = 0.5 * (1 - 0.9)

# %% exercise-2 wrong
# The same learning rate takes steps ten times too long.
learning_rate_for_nnlib = 0.5


# %% exercise-3
def accumulated_step(torch_model, optimizer, X_batch, y_batch, n_chunks):
    """Take one step on the whole batch, computing its gradient in chunks."""
    optimizer.zero_grad()  # once: every chunk's backward adds to .grad
    batch_loss = 0.0
    for X_chunk, y_chunk in zip(X_batch.chunk(n_chunks), y_batch.chunk(n_chunks)):
        # Each chunk's mean loss, weighted by its share of the batch, so
        # that the weighted sum is the mean over the whole batch.
        weight = len(X_chunk) / len(X_batch)
        loss = F.cross_entropy(torch_model(X_chunk), y_chunk) * weight
        loss.backward()
        batch_loss += loss.item()
    optimizer.step()
    return batch_loss


# %% exercise-3 wrong
# Forgets the weights: the summed gradient is n_chunks times too large.
def accumulated_step(torch_model, optimizer, X_batch, y_batch, n_chunks):
    """Take one step on the whole batch, computing its gradient in chunks."""
    optimizer.zero_grad()
    losses = []
    for X_chunk, y_chunk in zip(X_batch.chunk(n_chunks), y_batch.chunk(n_chunks)):
        loss = F.cross_entropy(torch_model(X_chunk), y_chunk)
        loss.backward()
        losses.append(loss.item())
    optimizer.step()
    return sum(losses) / n_chunks


# %% exercise-4
def make_torch_adam(torch_model):
    """Return a torch.optim optimiser matching nnlib's Adam(learning_rate=0.001,
    weight_decay=0.01) for torch_model."""
    named = list(torch_model.named_parameters())
    weights = [P for name, P in named if name.endswith("weight")]
    biases = [P for name, P in named if name.endswith("bias")]
    # torch.optim.Adam adds weight_decay * P to the gradient, as nnlib
    # does; the groups keep it off the biases, as nnlib does.
    return torch.optim.Adam(
        [
            {"params": weights, "weight_decay": 0.01},
            {"params": biases, "weight_decay": 0.0},
        ],
        lr=0.001,
    )


# %% exercise-4 wrong
# Decays the biases as well.
def make_torch_adam(torch_model):
    """Return a torch.optim optimiser matching nnlib's Adam(learning_rate=0.001,
    weight_decay=0.01) for torch_model."""
    return torch.optim.Adam(torch_model.parameters(), lr=0.001, weight_decay=0.01)
