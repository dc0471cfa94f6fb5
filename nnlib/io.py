"""Save a trained model to a ``.npz`` file and load it back.

Used in notebook 05 and by ``python -m nnlib train``. The file holds the
parameter arrays plus the architecture as JSON text; it is read with
``allow_pickle=False``, so loading a file never runs code from it.
"""

import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from nnlib.activations import LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from nnlib.backend import to_device, to_numpy
from nnlib.layers import Dense, Dropout
from nnlib.network import Sequential

FORMAT = "nnlib-model"
VERSION = 1

LAYER_TYPES = {
    cls.__name__: cls
    for cls in (Dense, Dropout, ReLU, LeakyReLU, Sigmoid, Tanh, Softmax)
}


def save(model, path, *, metadata=None):
    """Write ``model`` to ``path`` (a ``.npz`` file), atomically.

    Parameters
    ----------
    model : Sequential
    path : str or Path
        ``.npz`` is appended if the name has no suffix.
    metadata : dict, optional
        JSON-serialisable facts to keep beside the model (accuracy, date).

    Returns
    -------
    Path
        Where the model was written.

    Notes
    -----
    The file is written under a temporary name in the same folder and
    then renamed, so a crash never leaves a half-written model in place.
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"save: expected a Sequential, got {type(model).__name__}.")
    path = Path(path)
    if path.suffix == "":
        path = path.with_suffix(".npz")
    layers, arrays = [], {}
    for position, layer in enumerate(model.layers):
        name = type(layer).__name__
        if name not in LAYER_TYPES:
            raise TypeError(
                f"save: cannot save layer {position} of type {name}; known "
                f"types are {sorted(LAYER_TYPES)}."
            )
        layers.append({"type": name, "config": layer.get_config()})
        for param_name, P in zip(layer.param_names, layer.parameters()):
            arrays[f"{position}.{param_name}"] = to_numpy(P)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "layers": layers,
        "metadata": metadata or {},
    }
    try:
        header_text = json.dumps(header)
    except TypeError as error:
        raise TypeError(
            f"save: metadata must be JSON-serialisable ({error})."
        ) from None

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            np.savez(file, __header__=np.array(header_text), **arrays)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def load(path):
    """Read a model written by :func:`save`.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    Sequential
        On the device in use, in evaluation mode. ``model.metadata``
        holds the metadata saved with it.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"load: no model file at {path}.")
    try:
        with np.load(path, allow_pickle=False) as archive:
            contents = {name: archive[name] for name in archive.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as error:
        raise ValueError(
            f"load: {path} is not a readable nnlib model file ({error}). "
            "help: it may be truncated or not written by nnlib.io.save; "
            "save the model again."
        ) from None

    try:
        header = json.loads(str(contents.pop("__header__")))
    except (KeyError, json.JSONDecodeError):
        header = {}
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ValueError(
            f"load: {path} is a .npz file but not an nnlib model (no "
            f"'{FORMAT}' header). help: load it with numpy.load instead."
        )
    if header.get("version") != VERSION:
        raise ValueError(
            f"load: {path} has format version {header.get('version')}, this "
            f"nnlib reads version {VERSION}."
        )

    layers = []
    for position, spec in enumerate(header["layers"]):
        cls = LAYER_TYPES.get(spec.get("type"))
        if cls is None:
            raise ValueError(
                f"load: {path} names an unknown layer type {spec.get('type')!r} "
                f"at position {position}."
            )
        layer = cls(**spec.get("config", {}))
        for param_name in layer.param_names:
            key = f"{position}.{param_name}"
            expected = getattr(layer, param_name)
            if key not in contents:
                raise ValueError(f"load: {path} lacks the array {key!r}.")
            if contents[key].shape != expected.shape:
                raise ValueError(
                    f"load: {path} has {key} of shape {contents[key].shape}, "
                    f"but the layer {layer!r} needs {expected.shape}."
                )
            setattr(layer, param_name, to_device(contents[key]))
        layers.append(layer)
    model = Sequential(*layers).eval()
    model.metadata = header.get("metadata", {})
    return model
