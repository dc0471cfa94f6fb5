import subprocess
import sys
import types
import warnings

import numpy as np
import pytest

from nnlib import backend


@pytest.fixture
def fresh_probe():
    backend.gpu_status.cache_clear()
    backend._warn_fallback_once.cache_clear()
    yield
    backend.gpu_status.cache_clear()
    backend._warn_fallback_once.cache_clear()


def fake_cupy(device_count=1, count_error=None, kernel_error=None, total=6.0):
    """A stand-in for the cupy module, failing the way a real one does."""

    def get_device_count():
        if count_error:
            raise RuntimeError(count_error)
        return device_count

    class Array:
        def __add__(self, other):
            if kernel_error:
                raise kernel_error
            return self

        def sum(self):
            return total

    module = types.ModuleType("cupy")
    module.float32 = np.float32
    module.arange = lambda n, dtype=None: Array()
    module.cuda = types.SimpleNamespace(
        runtime=types.SimpleNamespace(getDeviceCount=get_device_count)
    )
    return module


@pytest.mark.parametrize(
    "cupy, expected",
    [
        (None, "no cupy"),
        (
            fake_cupy(
                count_error="cudaErrorInsufficientDriver: CUDA driver version "
                "is insufficient for CUDA runtime version"
            ),
            "no driver",
        ),
        (
            fake_cupy(count_error="cudaErrorNoDevice: no CUDA-capable device"),
            "no device",
        ),
        (fake_cupy(device_count=0), "no device"),
        (
            fake_cupy(kernel_error=RuntimeError("nvrtc: libnvrtc.so.12 not found")),
            "no compiler",
        ),
        (fake_cupy(total=5.0), "error: a test kernel returned 5.0 instead of 6.0"),
        (fake_cupy(), "ok"),
    ],
    ids=["package", "driver", "device", "zero-devices", "compiler", "wrong", "ok"],
)
def test_gpu_status_tells_the_causes_apart(cupy, expected, monkeypatch, fresh_probe):
    monkeypatch.setitem(sys.modules, "cupy", cupy)
    assert backend.gpu_status() == expected
    assert backend.gpu_available() == (expected == "ok")


def test_gpu_status_is_cached(monkeypatch, fresh_probe):
    monkeypatch.setitem(sys.modules, "cupy", None)
    assert backend.gpu_status() == "no cupy"
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy())
    assert backend.gpu_status() == "no cupy"


def test_cuda_without_cupy_says_what_is_missing_and_how_to_install(
    monkeypatch, fresh_probe
):
    monkeypatch.setitem(sys.modules, "cupy", None)
    with pytest.raises(backend.DeviceError, match=r"CuPy is not installed.*\[gpu\]"):
        backend.use_device("cuda")
    assert backend.current_device() == "cpu"


def test_cuda_without_a_driver_names_the_driver(monkeypatch, fresh_probe):
    monkeypatch.setitem(
        sys.modules, "cupy", fake_cupy(count_error="cudaErrorInsufficientDriver")
    )
    with pytest.raises(backend.DeviceError, match="no NVIDIA driver"):
        backend.use_device("cuda")


def test_auto_falls_back_to_the_cpu_and_says_so_once(monkeypatch, fresh_probe):
    monkeypatch.setitem(sys.modules, "cupy", None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert backend.use_device("auto") == "cpu"
        assert backend.use_device("auto") == "cpu"
    messages = [str(w.message) for w in caught]
    assert len(messages) == 1
    assert "CuPy is not installed" in messages[0] and "CPU" in messages[0]


def test_unknown_device():
    with pytest.raises(ValueError, match="got 'gpu'.*'cuda' for CuPy"):
        backend.use_device("gpu")


def test_cpu_helpers(rng):
    X = rng.random((3, 2))
    assert backend.use_device("cpu") == "cpu"
    assert backend.get_array_module(X) is np
    assert backend.array_module() is np
    moved = backend.to_device(X, dtype=np.float32)
    assert moved.dtype == np.float32 and isinstance(moved, np.ndarray)
    assert backend.to_numpy(X) is X
    assert backend.to_numpy([1, 2]).tolist() == [1, 2]
    backend.synchronize()


def test_importing_nnlib_prints_nothing_and_never_imports_cupy():
    code = (
        "import sys, nnlib, nnlib.train, nnlib.io\n"
        "assert 'cupy' not in sys.modules, 'cupy imported'\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
