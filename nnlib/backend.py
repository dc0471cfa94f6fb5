"""Choose where arrays live: NumPy on the CPU or CuPy on an NVIDIA GPU.

Taught in notebook 06. Every other module asks this one for the array
module of its inputs, so the same code runs on either device. CuPy is
imported only when the GPU is asked for or probed.
"""

import functools
import sys
import warnings

import numpy as np

DEVICES = ("cpu", "cuda", "auto")

_state = {"device": "cpu"}

_INSTALL_HINT = (
    "help: install the GPU extra with `pip install -e .[gpu]` (CUDA 12), "
    "or the CuPy wheel that matches your CUDA version, for example "
    "`pip install cupy-cuda13x`."
)


class DeviceError(RuntimeError):
    """Raised when the GPU is asked for and cannot be used."""


@functools.cache
def gpu_status():
    """Probe CuPy and the GPU once, and say what was found.

    Returns
    -------
    str
        ``"ok"`` when a tiny kernel ran on the GPU, otherwise one of
        ``"no cupy"``, ``"no driver"``, ``"no device"``, ``"no compiler"``
        or ``"error: <message>"``.

    Notes
    -----
    ``cupy.cuda.is_available()`` only counts devices: it misses a missing
    runtime compiler (NVRTC), with which memory can be allocated but no
    elementwise kernel runs. So the probe runs one kernel and reads its
    result back. The answer is cached; ``gpu_status.cache_clear()``
    forgets it.
    """
    try:
        import cupy
    except ImportError:
        return "no cupy"

    try:
        if cupy.cuda.runtime.getDeviceCount() < 1:
            return "no device"
    except Exception as error:  # CUDARuntimeError is a RuntimeError
        return _classify_cuda_error(error)

    try:
        total = float((cupy.arange(3, dtype=cupy.float32) + 1).sum())
    except Exception as error:
        return _classify_cuda_error(error)
    if total != 6.0:
        return f"error: a test kernel returned {total} instead of 6.0"
    return "ok"


def _classify_cuda_error(error):
    message = str(error)
    if "InsufficientDriver" in message or "libcuda" in message:
        return "no driver"
    if "NoDevice" in message:
        return "no device"
    if "nvrtc" in message.lower() or "CompileException" in type(error).__name__:
        return "no compiler"
    return f"error: {type(error).__name__}: {message}"


_STATUS_TEXT = {
    "no cupy": "CuPy is not installed",
    "no driver": "CuPy is installed but no NVIDIA driver was found",
    "no device": "CuPy and a driver are present but no GPU device was found",
    "no compiler": (
        "a GPU was found but CUDA's runtime compiler (NVRTC) is missing, "
        "so no kernel can run; install the CUDA toolkit or the "
        "`cupy-cuda12x[ctk]` extra"
    ),
}


def describe_gpu_status():
    """Return one plain sentence on whether the GPU can be used."""
    status = gpu_status()
    if status == "ok":
        import cupy

        props = cupy.cuda.runtime.getDeviceProperties(0)
        name = props["name"]
        name = name.decode() if isinstance(name, bytes) else name
        return f"GPU available: {name}."
    return _STATUS_TEXT.get(status, status) + "."


def gpu_available():
    """Return True when CuPy is installed and a kernel runs on a GPU.

    Returns
    -------
    bool

    Notes
    -----
    The probe behind it, :func:`gpu_status`, runs once per process and
    tells apart a missing package, driver, device or runtime compiler.
    """
    return gpu_status() == "ok"


def use_device(device):
    """Make later arrays and layers live on ``device``.

    Parameters
    ----------
    device : {"cpu", "cuda", "auto"}
        "auto" picks the GPU when one is usable and otherwise the CPU,
        warning once that it fell back.

    Returns
    -------
    str
        The device now in use, "cpu" or "cuda".

    Raises
    ------
    ValueError
        For an unknown device name.
    DeviceError
        For "cuda" when CuPy or a usable GPU is missing.
    """
    if device not in DEVICES:
        raise ValueError(
            f"use_device: expected one of {DEVICES}, got {device!r}. "
            "help: use 'cpu' for NumPy, 'cuda' for CuPy on a GPU, or 'auto'."
        )
    if device == "cpu":
        _state["device"] = "cpu"
    elif gpu_available():
        _state["device"] = "cuda"
    elif device == "cuda":
        raise DeviceError(
            f"use_device('cuda'): {describe_gpu_status()} {_INSTALL_HINT}"
        )
    else:
        _warn_fallback_once(describe_gpu_status())
        _state["device"] = "cpu"
    return _state["device"]


@functools.cache
def _warn_fallback_once(reason):
    warnings.warn(
        f"use_device('auto'): {reason} Running on the CPU with NumPy.",
        stacklevel=3,
    )


def current_device():
    """Return the device in use, "cpu" or "cuda"."""
    return _state["device"]


def array_module():
    """Return the array module of the device in use: numpy or cupy."""
    if _state["device"] == "cuda":
        import cupy

        return cupy
    return np


def get_array_module(array):
    """Return numpy or cupy, whichever ``array`` belongs to.

    Never imports CuPy: an array can only be a CuPy array when CuPy is
    already loaded.
    """
    if type(array).__module__.startswith("cupy"):
        import cupy

        return cupy
    return np


def to_device(array, dtype=None):
    """Return ``array`` on the device in use, converting it only if needed.

    Parameters
    ----------
    array : array_like
    dtype : data-type, optional
        Convert to this dtype as well.
    """
    xp = array_module()
    if xp is np and get_array_module(array) is not np:
        return to_numpy(array) if dtype is None else to_numpy(array).astype(dtype)
    return xp.asarray(array, dtype=dtype)


def to_numpy(array):
    """Return ``array`` as a NumPy array, copying it off the GPU if needed."""
    if get_array_module(array) is np:
        return np.asarray(array)
    return array.get()


def synchronize():
    """Wait until the GPU has finished all queued work (no-op on the CPU).

    GPU calls return before the work is done, so time GPU code only after
    calling this. Waits for queued GPU work even after a switch back to
    the CPU.
    """
    if "cupy" in sys.modules and gpu_status() == "ok":
        sys.modules["cupy"].cuda.get_current_stream().synchronize()
