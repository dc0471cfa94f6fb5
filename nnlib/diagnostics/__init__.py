"""Diagnostics that tell a healthy training run from a sick one.

Taught in notebook 07. Each works on any ``Sequential`` model and, but
for ``layer_outputs`` and ``parameter_names``, returns a pandas
DataFrame with one row per layer, parameter or step:
``activation_statistics`` (spread and saturation of each layer),
``dead_unit_fraction`` (ReLU units that never fire), ``gradient_norms``,
``update_ratios`` (how far an update moved each parameter, relative to
its size) and ``learning_rate_range_test``. Parameters are named as in
the notebooks, W1, b1, W2, b2, ..., counting the layers that have
parameters from 1.

The functions that take X run forward passes with dropout switched off,
which replaces what the layers keep for their backward pass: call them
between training steps, not between a forward pass and its backward.

The functions live in ``activity`` (layer outputs), ``gradients`` and
``learning_rate``; all are importable from here.
"""

from nnlib.diagnostics.activity import (
    activation_statistics,
    dead_unit_fraction,
    layer_outputs,
)
from nnlib.diagnostics.gradients import gradient_norms, parameter_names, update_ratios
from nnlib.diagnostics.learning_rate import learning_rate_range_test

__all__ = [
    "activation_statistics",
    "dead_unit_fraction",
    "gradient_norms",
    "layer_outputs",
    "learning_rate_range_test",
    "parameter_names",
    "update_ratios",
]
