"""MNIST from the shipped IDX files, the Kaggle CSV, and batching helpers.

Used from notebook 01 on; the loader itself is read in notebook 05.
Nothing here downloads: the four MNIST files ship in ``data/mnist/``.
"""

import gzip
import hashlib
import os
from pathlib import Path

import numpy as np

MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}

SHA256 = {
    "train-images-idx3-ubyte.gz": (
        "0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a6835971"
    ),
    "train-labels-idx1-ubyte.gz": (
        "1787548bbe0bff1ec2ecdc0ef292b02df999e2d1a6002d27500982c652b17203"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "1a1a05eab793c14bb050b398624a11b0ffd1a2953baed553b1b9bd079e2a20be"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b"
    ),
}

IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049


def default_data_dir():
    """Return the folder holding the MNIST files.

    ``$NNLIB_DATA_DIR`` if set, otherwise ``data/mnist`` in the project
    folder this package was installed from.
    """
    if os.environ.get("NNLIB_DATA_DIR"):
        return Path(os.environ["NNLIB_DATA_DIR"])
    return Path(__file__).resolve().parent.parent / "data" / "mnist"


def _read_verified(path, verify):
    """Return the gzip-compressed bytes of path after checking its SHA-256."""
    if not path.is_file():
        raise FileNotFoundError(
            f"load_mnist: {path} is missing. help: the four MNIST files ship "
            "in the project's data/mnist folder; restore them with "
            "`git checkout -- data/mnist`, or point data_dir (or "
            "$NNLIB_DATA_DIR) at a folder that holds them."
        )
    raw = path.read_bytes()
    if verify:
        digest = hashlib.sha256(raw).hexdigest()
        expected = SHA256.get(path.name)
        if expected is not None and digest != expected:
            raise ValueError(
                f"load_mnist: {path} is corrupt or has been changed: its "
                f"SHA-256 is {digest[:16]}..., expected {expected[:16]}.... "
                "help: restore it with `git checkout -- data/mnist`."
            )
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError) as error:
        raise ValueError(
            f"load_mnist: {path} is not a valid gzip file ({error}). "
            "help: restore it with `git checkout -- data/mnist`."
        ) from None


def parse_idx(content, magic, path="IDX data"):
    """Parse uncompressed IDX bytes into a uint8 array.

    Parameters
    ----------
    content : bytes
    magic : int
        2051 for images (then the count, rows and columns follow),
        2049 for labels (then the count).
    path : str
        Named in error messages.

    Returns
    -------
    numpy.ndarray of uint8, shape (n, rows, cols) or (n,)
    """
    n_dims = 3 if magic == IMAGE_MAGIC else 1
    header_size = 4 * (1 + n_dims)
    if len(content) < header_size:
        raise ValueError(
            f"load_mnist: {path} is truncated: {len(content)} bytes, shorter "
            f"than its {header_size}-byte header."
        )
    header = np.frombuffer(content, dtype=">u4", count=1 + n_dims)
    if int(header[0]) != magic:
        raise ValueError(
            f"load_mnist: {path} has magic number {int(header[0])}, expected "
            f"{magic} ({'images' if magic == IMAGE_MAGIC else 'labels'}). "
            "help: check that image and label files are not swapped."
        )
    shape = tuple(int(d) for d in header[1:])
    expected = header_size + int(np.prod(shape))
    if len(content) != expected:
        raise ValueError(
            f"load_mnist: {path} holds {len(content)} bytes, but its header "
            f"{shape} calls for {expected}. The file is truncated or corrupt."
        )
    return np.frombuffer(content, dtype=np.uint8, offset=header_size).reshape(shape)


def load_mnist(split="train", *, flatten=True, data_dir=None, verify=True):
    """Load the MNIST images and labels shipped with the project.

    Parameters
    ----------
    split : {"train", "test"}
        60,000 training or 10,000 test images.
    flatten : bool, default True
        Return images as rows of 784 values; False keeps (n, 28, 28).
    data_dir : str or Path, optional
        Folder holding the four gzip IDX files; see
        :func:`default_data_dir`.
    verify : bool, default True
        Check each file's SHA-256 against the published value.

    Returns
    -------
    X : ndarray of float32, shape (n, 784) or (n, 28, 28)
        Pixel intensities scaled to [0, 1].
    y : ndarray of int64, shape (n,)
        Digit labels 0 to 9.
    """
    if split not in MNIST_FILES:
        raise ValueError(
            f"load_mnist: expected split 'train' or 'test', got {split!r}."
        )
    folder = Path(data_dir) if data_dir is not None else default_data_dir()
    image_name, label_name = MNIST_FILES[split]
    images = parse_idx(
        _read_verified(folder / image_name, verify), IMAGE_MAGIC, folder / image_name
    )
    labels = parse_idx(
        _read_verified(folder / label_name, verify), LABEL_MAGIC, folder / label_name
    )
    if images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"load_mnist: {image_name} holds {images.shape[0]} images but "
            f"{label_name} {labels.shape[0]} labels."
        )

    # One pass: convert and scale together, without a second sweep over X.
    X = np.multiply(images, np.float32(1 / 255), dtype=np.float32)
    if flatten:
        X = X.reshape(X.shape[0], -1)
    return X, labels.astype(np.int64)


def read_digits_csv(path, *, n_rows=None):
    """Read the Kaggle digit-recognizer CSV (``train.csv`` or ``test.csv``).

    Parameters
    ----------
    path : str or Path
        A CSV with columns ``pixel0`` to ``pixel783``, and a ``label``
        column first in the training file.
    n_rows : int, optional
        Read only the first rows.

    Returns
    -------
    X : ndarray of float32, shape (n, 784)
        Pixels scaled to [0, 1].
    y : ndarray of int64, shape (n,), or None
        None for the test file, which has no labels.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"read_digits_csv: no file at {path}.")
    frame = pd.read_csv(path, nrows=n_rows)
    pixels = [f"pixel{i}" for i in range(784)]
    missing = [name for name in pixels if name not in frame.columns]
    if missing:
        raise ValueError(
            f"read_digits_csv: {path} lacks {len(missing)} pixel columns "
            f"(first missing: {missing[0]!r}); expected 'pixel0' to "
            "'pixel783' and optionally 'label'. help: this reader is for the "
            "Kaggle digit-recognizer CSV files."
        )
    values = frame[pixels].to_numpy()
    if values.dtype.kind not in "iuf" or values.min() < 0 or values.max() > 255:
        raise ValueError(
            f"read_digits_csv: {path} has pixel values outside 0..255 or "
            "not numbers. help: check the file is the unmodified Kaggle CSV."
        )
    X = values.astype(np.float32) / np.float32(255)
    y = None
    if "label" in frame.columns:
        y = frame["label"].to_numpy()
        if y.dtype.kind not in "iu" or y.min() < 0 or y.max() > 9:
            raise ValueError(
                f"read_digits_csv: {path} has labels outside 0..9 or not integers."
            )
        y = y.astype(np.int64)
    return X, y


def one_hot(y, n_classes=None, dtype=np.float32):
    """Turn integer labels into one-hot rows.

    Parameters
    ----------
    y : ndarray of int, shape (n_samples,)
    n_classes : int, optional
        Defaults to y.max() + 1.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise ValueError(
            f"one_hot: expected integer labels of shape (n_samples,), got "
            f"dtype {y.dtype} and shape {y.shape}."
        )
    n_classes = int(y.max()) + 1 if n_classes is None else n_classes
    if y.min() < 0 or y.max() >= n_classes:
        raise ValueError(
            f"one_hot: expected labels in 0..{n_classes - 1}, got values from "
            f"{y.min()} to {y.max()}."
        )
    Y = np.zeros((y.shape[0], n_classes), dtype=dtype)
    Y[np.arange(y.shape[0]), y] = 1
    return Y


def train_val_split(X, y, *, val_size=0.1, rng=None, shuffle=True):
    """Split samples into a training and a validation part.

    Parameters
    ----------
    X : ndarray of shape (n_samples, ...)
    y : ndarray of shape (n_samples,)
    val_size : float in (0, 1) or int
        Fraction, or number, of samples held out.
    rng : numpy.random.Generator, optional
    shuffle : bool, default True

    Returns
    -------
    X_train, X_val, y_train, y_val
    """
    n_samples = len(X)
    if len(y) != n_samples:
        raise ValueError(
            f"train_val_split: X has {n_samples} samples but y has {len(y)}."
        )
    n_val = round(val_size * n_samples) if isinstance(val_size, float) else val_size
    if not 0 < n_val < n_samples:
        raise ValueError(
            f"train_val_split: expected val_size to leave both parts non-empty, "
            f"got {val_size!r} for {n_samples} samples."
        )
    if shuffle:
        rng = np.random.default_rng() if rng is None else rng
        order = rng.permutation(n_samples)
        X, y = X[order], y[order]
    return X[n_val:], X[:n_val], y[n_val:], y[:n_val]


def minibatches(X, y, batch_size, *, rng=None, shuffle=True):
    """Yield ``(X_batch, y_batch)`` pairs covering the data once.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples, ...)
    batch_size : int
        The last batch may be smaller.
    rng : numpy.random.Generator, optional
        Shuffles the order of samples when ``shuffle`` is True.
    """
    n_samples = X.shape[0]
    if y.shape[0] != n_samples:
        raise ValueError(
            f"minibatches: X has {n_samples} samples but y has {y.shape[0]}."
        )
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(
            f"minibatches: expected a positive integer batch_size, got {batch_size!r}."
        )
    if shuffle:
        rng = np.random.default_rng() if rng is None else rng
        order = rng.permutation(n_samples)
        if type(X).__module__.startswith("cupy"):
            import cupy

            order = cupy.asarray(order)
        X, y = X[order], y[order]
    for start in range(0, n_samples, batch_size):
        yield X[start : start + batch_size], y[start : start + batch_size]
