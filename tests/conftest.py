"""Shared fixtures for the unit tests."""

import numpy as np
import pytest

from nnlib import backend

# Gradient checks compare float64 analytic and numerical gradients; a
# correct backward pass lands near 1e-9, a wrong one above 1e-3.
GRAD_TOLERANCE = 1e-6


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def cpu_device():
    """Run every test on the CPU unless it switches device itself."""
    backend.use_device("cpu")
    yield
    backend.use_device("cpu")


@pytest.fixture(scope="session")
def mnist():
    from nnlib.data import load_mnist

    X_train, y_train = load_mnist("train")
    X_test, y_test = load_mnist("test")
    return X_train, y_train, X_test, y_test
