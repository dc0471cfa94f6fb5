"""nnlib: the neural-network pieces built from scratch in the notebooks.

Importing nnlib prints nothing, seeds nothing and never imports CuPy;
``nnlib.backend.use_device("cuda")`` does that when asked. Plotting
lives in ``nnlib.plot``, imported on first use.
"""

import importlib

from nnlib.activations import LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from nnlib.backend import gpu_available, use_device
from nnlib.data import load_mnist
from nnlib.layers import Dense, Dropout
from nnlib.losses import MSE, BinaryCrossEntropy, CrossEntropy
from nnlib.metrics import accuracy, confusion_matrix
from nnlib.network import Sequential
from nnlib.optim import Adam, GradientDescent, Momentum
from nnlib.train import DivergenceError, StalledTrainingWarning, evaluate, fit

__version__ = "0.1.0"

__all__ = [
    "Adam",
    "BinaryCrossEntropy",
    "CrossEntropy",
    "Dense",
    "DivergenceError",
    "Dropout",
    "GradientDescent",
    "LeakyReLU",
    "MSE",
    "Momentum",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "StalledTrainingWarning",
    "Tanh",
    "accuracy",
    "confusion_matrix",
    "evaluate",
    "fit",
    "gpu_available",
    "load_mnist",
    "use_device",
]


def __getattr__(name):
    # Submodules such as nnlib.plot load on first use, so that importing
    # nnlib does not pay for matplotlib.
    if name in {"plot", "perceptron", "gradcheck", "io", "diagnostics"}:
        return importlib.import_module(f"nnlib.{name}")
    raise AttributeError(f"module 'nnlib' has no attribute {name!r}")
