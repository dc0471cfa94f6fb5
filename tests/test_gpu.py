"""NumPy against CuPy: the same results from the same code on both devices.

Taught in notebook 06. Tests marked ``gpu`` need CuPy and a working
NVIDIA GPU and are skipped, with the reason, everywhere else (run only
them with ``pytest -m gpu``). The unmarked tests at the end run on any
machine: they cover notebook 06's CPU path and the script that records
the GPU figures.

Each parity test builds the same object twice from the same seed, once
on the CPU and once on the GPU, feeds both the same data and compares
the results. float32 results may differ in the last bits, because the
GPU adds the terms of a sum in another order; float64 results agree to
about 1e-12.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnlib import backend
from nnlib.activations import (
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    leaky_relu,
    leaky_relu_derivative,
    relu,
    relu_derivative,
    sigmoid,
    sigmoid_derivative,
    softmax,
    softmax_derivative,
    tanh,
    tanh_derivative,
)
from nnlib.layers import Dense, Dropout
from nnlib.losses import MSE, BinaryCrossEntropy, CrossEntropy
from nnlib.network import Sequential
from nnlib.optim import Adam, GradientDescent, Momentum
from nnlib.train import evaluate, fit

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "06_training_gpu.ipynb"
FIGURES_SCRIPT = ROOT / "benchmarks" / "gpu_figures.py"
RESULTS_DIR = ROOT / "benchmarks" / "results"

# rtol and atol of the comparisons, by dtype. float32 sums of a few
# hundred terms in another order differ by a few units in the last
# place (about 1e-7 relative each).
TOLERANCE = {
    np.float32: {"rtol": 1e-5, "atol": 1e-6},
    np.float64: {"rtol": 1e-10, "atol": 1e-12},
}
DTYPES = pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["f32", "f64"])


@pytest.fixture(autouse=True)
def _skip_gpu_tests_without_a_gpu(request):
    if request.node.get_closest_marker("gpu") and not backend.gpu_available():
        pytest.skip(f"needs a working NVIDIA GPU: {backend.describe_gpu_status()}")


@pytest.fixture
def cupy():
    import cupy

    return cupy


def on_both_devices(run):
    """Call run() on the CPU, then on the GPU; return both results on the host.

    run must build everything it uses (layers, optimisers, arrays) inside,
    so that each call creates them on the device in use. Every array it
    returns must live on that device.
    """
    results = {}
    for device in ("cpu", "cuda"):
        backend.use_device(device)
        try:
            arrays = run()
            xp = backend.array_module()
            for array in arrays:
                assert backend.get_array_module(array) is xp, (
                    f"on {device}, run() returned a {type(array).__module__} array"
                )
            results[device] = [backend.to_numpy(array) for array in arrays]
        finally:
            backend.use_device("cpu")
    return results["cpu"], results["cuda"]


def assert_same(cpu_arrays, gpu_arrays, dtype):
    assert len(cpu_arrays) == len(gpu_arrays)
    for index, (on_cpu, on_gpu) in enumerate(zip(cpu_arrays, gpu_arrays)):
        assert on_cpu.shape == on_gpu.shape, f"result {index}"
        assert on_cpu.dtype == on_gpu.dtype, f"result {index}"
        np.testing.assert_allclose(
            on_gpu, on_cpu, **TOLERANCE[dtype], err_msg=f"result {index}"
        )


def data(shape, dtype, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ---------------------------------------------------------------------------
# The device layer itself


@pytest.mark.gpu
def test_use_device_cuda_puts_new_arrays_and_layers_on_the_gpu(cupy):
    assert backend.use_device("cuda") == "cuda"
    assert backend.current_device() == "cuda"
    assert backend.array_module() is cupy
    layer = Dense(784, 10, rng=np.random.default_rng(0))
    assert all(isinstance(p, cupy.ndarray) for p in layer.parameters())

    X = np.arange(12, dtype=np.float32).reshape(3, 4)
    on_gpu = backend.to_device(X)
    assert isinstance(on_gpu, cupy.ndarray)
    assert backend.get_array_module(on_gpu) is cupy
    np.testing.assert_array_equal(backend.to_numpy(on_gpu), X)
    backend.synchronize()
    assert backend.describe_gpu_status().startswith("GPU available: ")


@pytest.mark.gpu
def test_to_device_back_on_the_cpu_copies_gpu_arrays_to_the_host(cupy):
    backend.use_device("cuda")
    on_gpu = backend.to_device(np.ones((2, 3), dtype=np.float32))
    backend.use_device("cpu")
    on_host = backend.to_device(on_gpu, dtype=np.float64)
    assert isinstance(on_host, np.ndarray) and on_host.dtype == np.float64


# ---------------------------------------------------------------------------
# Layers and activations


def forward_and_backward(make_layer, dtype, n_in=6, n_samples=8):
    """Return run() for on_both_devices: forward, backward and gradients."""
    X = data((n_samples, n_in), dtype, seed=1)

    def run():
        layer = make_layer(dtype)
        A = layer.forward(backend.to_device(X))
        dA = data(A.shape, dtype, seed=2)
        dX = layer.backward(backend.to_device(dA))
        return [A, dX, *layer.gradients()]

    return run


def _eval_dropout(dtype):
    layer = Dropout(0.5, rng=np.random.default_rng(0))
    layer.training = False
    return layer


LAYERS = {
    "Dense-he": lambda dtype: Dense(6, 4, rng=np.random.default_rng(0), dtype=dtype),
    "Dense-uniform": lambda dtype: Dense(
        6, 3, init="uniform", rng=np.random.default_rng(0), dtype=dtype
    ),
    "Dropout-eval": _eval_dropout,
    "ReLU": lambda dtype: ReLU(),
    "LeakyReLU": lambda dtype: LeakyReLU(0.05),
    "Sigmoid": lambda dtype: Sigmoid(),
    "Tanh": lambda dtype: Tanh(),
    "Softmax": lambda dtype: Softmax(),
}


@pytest.mark.gpu
@DTYPES
@pytest.mark.parametrize("name", LAYERS)
def test_layer_forward_and_backward_agree_on_both_devices(name, dtype):
    on_cpu, on_gpu = on_both_devices(forward_and_backward(LAYERS[name], dtype))
    assert_same(on_cpu, on_gpu, dtype)


FUNCTIONS = {
    "relu": relu,
    "relu_derivative": relu_derivative,
    "leaky_relu": leaky_relu,
    "leaky_relu_derivative": leaky_relu_derivative,
    "sigmoid": sigmoid,
    "sigmoid_derivative": sigmoid_derivative,
    "tanh": tanh,
    "tanh_derivative": tanh_derivative,
    "softmax": softmax,
    "softmax_derivative": softmax_derivative,
}


@pytest.mark.gpu
@DTYPES
@pytest.mark.parametrize("name", FUNCTIONS)
def test_activation_functions_agree_on_both_devices(name, dtype):
    # Large values too, where the stable forms of sigmoid and softmax matter.
    Z = data((5, 4), dtype, seed=3) * dtype(30)

    def run():
        return [FUNCTIONS[name](backend.to_device(Z))]

    on_cpu, on_gpu = on_both_devices(run)
    assert_same(on_cpu, on_gpu, dtype)


@pytest.mark.gpu
def test_dropout_while_training_on_the_gpu_keeps_the_expected_fraction(cupy):
    backend.use_device("cuda")
    layer = Dropout(0.25, rng=np.random.default_rng(0))
    X = cupy.ones((400, 500), dtype=cupy.float32)
    A = layer.forward(X)
    assert isinstance(A, cupy.ndarray)
    kept = float((A != 0).mean())
    assert abs(kept - 0.75) < 0.01
    # Inverted dropout: kept values are scaled so that the mean is unchanged.
    assert abs(float(A.mean()) - 1.0) < 0.02
    dX = layer.backward(cupy.ones_like(X))
    assert bool((dX == A).all())


@pytest.mark.gpu
def test_dropout_on_the_gpu_is_reproducible_from_its_rng(cupy):
    backend.use_device("cuda")
    X = cupy.ones((50, 40), dtype=cupy.float32)
    masks = []
    for _ in range(2):
        layer = Dropout(0.5, rng=np.random.default_rng(7))
        masks.append(backend.to_numpy(layer.forward(X)))
    np.testing.assert_array_equal(masks[0], masks[1])


# ---------------------------------------------------------------------------
# Losses


def _targets(kind, n_samples, n_out):
    rng = np.random.default_rng(4)
    if kind == "labels":
        return rng.integers(0, n_out, size=n_samples)
    if kind == "one-hot":
        return np.eye(n_out)[rng.integers(0, n_out, size=n_samples)]
    if kind == "binary":
        return rng.integers(0, 2, size=n_samples)
    return rng.standard_normal((n_samples, n_out))


LOSSES = {
    "MSE-values": (MSE, 3, "values"),
    "MSE-labels": (MSE, 3, "labels"),
    "CrossEntropy-labels": (CrossEntropy, 5, "labels"),
    "CrossEntropy-one-hot": (CrossEntropy, 5, "one-hot"),
    "BinaryCrossEntropy": (BinaryCrossEntropy, 1, "binary"),
}


@pytest.mark.gpu
@DTYPES
@pytest.mark.parametrize("name", LOSSES)
def test_loss_value_and_gradient_agree_on_both_devices(name, dtype):
    make_loss, n_out, kind = LOSSES[name]
    prediction = data((7, n_out), dtype, seed=5) * dtype(4)
    target = _targets(kind, 7, n_out)
    if target.dtype.kind == "f":
        target = target.astype(dtype)

    def run():
        loss = make_loss()
        value = loss.value(backend.to_device(prediction), backend.to_device(target))
        return [value, loss.backward()]

    on_cpu, on_gpu = on_both_devices(run)
    assert_same(on_cpu, on_gpu, dtype)


@pytest.mark.gpu
def test_loss_forward_returns_a_python_float_on_the_gpu():
    backend.use_device("cuda")
    prediction = backend.to_device(data((4, 3), np.float32))
    value = CrossEntropy()(prediction, backend.to_device(np.array([0, 1, 2, 1])))
    assert type(value) is float


# ---------------------------------------------------------------------------
# Optimisers


OPTIMIZERS = {
    "GradientDescent": lambda: GradientDescent(learning_rate=0.1),
    "Momentum": lambda: Momentum(learning_rate=0.05, momentum=0.9),
    "Momentum-decay": lambda: Momentum(learning_rate=0.05, weight_decay=0.01),
    "Adam": lambda: Adam(learning_rate=0.01),
    "Adam-decay": lambda: Adam(learning_rate=0.01, weight_decay=0.01),
}


@pytest.mark.gpu
@DTYPES
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_steps_agree_on_both_devices(name, dtype):
    start = [data((5, 3), dtype, seed=6), data((3,), dtype, seed=7)]
    gradients = [
        [data((5, 3), dtype, seed=10 + step), data((3,), dtype, seed=20 + step)]
        for step in range(5)
    ]

    def run():
        parameters = [backend.to_device(P.copy()) for P in start]
        optimizer = OPTIMIZERS[name]()
        for step_gradients in gradients:
            optimizer.step(parameters, [backend.to_device(g) for g in step_gradients])
        return parameters

    on_cpu, on_gpu = on_both_devices(run)
    # Adam divides by the root of a running mean of squares, which can
    # amplify the last-bit differences of tiny gradients.
    tolerance = {"rtol": 1e-4, "atol": 1e-6} if dtype == np.float32 else None
    for P_cpu, P_gpu in zip(on_cpu, on_gpu):
        np.testing.assert_allclose(P_gpu, P_cpu, **(tolerance or TOLERANCE[dtype]))


# ---------------------------------------------------------------------------
# Training


def small_mnist(n_train=2000, n_val=1000):
    from nnlib.data import load_mnist

    X, y = load_mnist("train")
    X_test, y_test = load_mnist("test")
    return X[:n_train], y[:n_train], X_test[:n_val], y_test[:n_val]


def seeded_fit(device, dtype, *, recipe, n_epochs):
    """Train a seeded model on device; return its history as an array.

    Columns: loss, accuracy, val_loss, val_accuracy; one row per epoch.
    """
    X, y, X_val, y_val = small_mnist()
    backend.use_device(device)
    try:
        rng = np.random.default_rng(0)
        if recipe == "original":
            init, hidden, batch_size = "uniform", 10, None
            optimizer = GradientDescent(learning_rate=0.1)
        else:
            init, hidden, batch_size = "he", 32, 100
            optimizer = Adam(learning_rate=0.001)
        model = Sequential(
            Dense(784, hidden, init=init, rng=rng, dtype=dtype),
            ReLU(),
            Dense(hidden, 10, init=init, rng=rng, dtype=dtype),
        )
        history = fit(
            model,
            X,
            y,
            optimizer=optimizer,
            n_epochs=n_epochs,
            batch_size=batch_size,
            validation_data=(X_val, y_val),
            rng=rng,
            verbose=False,
        )
        xp = backend.array_module()
        assert all(backend.get_array_module(P) is xp for P in model.parameters())
    finally:
        backend.use_device("cpu")
    return history[["loss", "accuracy", "val_loss", "val_accuracy"]].to_numpy()


@pytest.mark.gpu
@DTYPES
@pytest.mark.parametrize("recipe, n_epochs", [("final", 3), ("original", 20)])
def test_fit_gives_the_same_history_on_both_devices(recipe, n_epochs, dtype):
    on_cpu, on_gpu = (
        seeded_fit(device, dtype, recipe=recipe, n_epochs=n_epochs)
        for device in ("cpu", "cuda")
    )
    losses, accuracies = [0, 2], [1, 3]
    if dtype == np.float32:
        # Rounding differences grow a little over the steps; they stay far
        # below a thousandth of the loss and a few images of accuracy.
        np.testing.assert_allclose(on_gpu[:, losses], on_cpu[:, losses], rtol=1e-3)
        np.testing.assert_allclose(
            on_gpu[:, accuracies], on_cpu[:, accuracies], atol=0.005
        )
    else:
        np.testing.assert_allclose(on_gpu[:, losses], on_cpu[:, losses], rtol=1e-8)
        np.testing.assert_array_equal(on_gpu[:, accuracies], on_cpu[:, accuracies])


@pytest.mark.gpu
def test_evaluate_and_predict_agree_on_both_devices():
    X, y, X_val, y_val = small_mnist()

    results = {}

    def run():
        rng = np.random.default_rng(0)
        model = Sequential(Dense(784, 16, rng=rng), ReLU(), Dense(16, 10, rng=rng))
        results[backend.current_device()] = evaluate(model, X_val, y_val)
        return [model.predict(X_val), model.predict_proba(X_val)]

    on_cpu, on_gpu = on_both_devices(run)
    np.testing.assert_array_equal(on_gpu[0], on_cpu[0])
    np.testing.assert_allclose(on_gpu[1], on_cpu[1], rtol=1e-5, atol=1e-7)
    assert results["cuda"]["accuracy"] == results["cpu"]["accuracy"]
    assert results["cuda"]["loss"] == pytest.approx(results["cpu"]["loss"], rel=1e-5)


class HostReadCounter:
    """Count the ways a CuPy array can be read back to the host.

    Wraps ``cupy.ndarray.get`` and the conversions that call it
    (``float``, ``int``, ``bool``, ``item``, ``tolist``, ``__array__``),
    ``cupy.asnumpy`` and ``Stream.synchronize``. A read that goes through
    several of these (``float`` calls ``get``) counts once.
    """

    METHODS = (
        "get",
        "item",
        "tolist",
        "__float__",
        "__int__",
        "__bool__",
        "__index__",
        "__complex__",
        "__array__",
    )

    def __init__(self, monkeypatch, cupy):
        self.count = 0
        self._depth = 0
        for name in self.METHODS:
            if hasattr(cupy.ndarray, name):
                monkeypatch.setattr(
                    cupy.ndarray, name, self._counting(getattr(cupy.ndarray, name))
                )
        monkeypatch.setattr(cupy, "asnumpy", self._counting(cupy.asnumpy))
        monkeypatch.setattr(
            cupy.cuda.Stream,
            "synchronize",
            self._counting(cupy.cuda.Stream.synchronize),
        )

    def _counting(self, original):
        def counted(*args, **kwargs):
            self.count += self._depth == 0
            self._depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                self._depth -= 1

        return counted


@pytest.mark.gpu
def test_the_read_counter_sees_reads(monkeypatch, cupy):
    counter = HostReadCounter(monkeypatch, cupy)
    x = cupy.arange(4, dtype=cupy.float32)
    before = counter.count
    float(x.sum())
    x.get()
    cupy.asnumpy(x)
    assert counter.count - before == 3


@pytest.mark.gpu
def test_a_training_epoch_does_not_read_back_every_step(monkeypatch, cupy):
    X, y, _, _ = small_mnist()
    backend.use_device("cuda")

    def reads_in_one_epoch(batch_size):
        rng = np.random.default_rng(0)
        model = Sequential(Dense(784, 32, rng=rng), ReLU(), Dense(32, 10, rng=rng))
        fit(model, X, y, n_epochs=1, batch_size=batch_size, rng=rng, verbose=False)
        counter = HostReadCounter(monkeypatch, cupy)
        fit(model, X, y, n_epochs=1, batch_size=batch_size, rng=rng, verbose=False)
        monkeypatch.undo()
        return counter.count

    few = reads_in_one_epoch(batch_size=200)  # 10 steps
    many = reads_in_one_epoch(batch_size=10)  # 200 steps
    # fit reads the loss and the count of correct predictions once an
    # epoch, and checks X and y once when it starts.
    assert many < 200 / 10, f"{many} reads back to the host in 200 steps"
    assert many <= few + 2, f"{few} reads in 10 steps, {many} in 200 steps"


# ---------------------------------------------------------------------------
# On any machine: notebook 06's CPU path and the GPU figures


def read_notebook_06():
    # Imported here, so that the gpu tests above also run where only
    # NumPy, pandas, CuPy and pytest are installed.
    nbformat = pytest.importorskip("nbformat")
    return nbformat.read(NOTEBOOK, as_version=nbformat.NO_CONVERT)


def test_notebook_06_says_in_its_first_output_which_device_it_uses():
    nb = read_notebook_06()
    first_code = next(cell for cell in nb.cells if cell.cell_type == "code")
    text = "".join(output.get("text", "") for output in first_code.outputs)
    sentence = text.splitlines()[0]
    assert sentence.endswith("."), sentence
    assert "GPU" in sentence, sentence
    assert "CPU with NumPy" in sentence or "GPU with CuPy" in sentence, sentence


def test_notebook_06_code_does_not_branch_its_training_on_the_device():
    # The same code trains on both devices: fit is never called from
    # inside an `if device ...` block.
    nb = read_notebook_06()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        inside_branch = False
        for line in cell.source.splitlines():
            if line.startswith("if ") and "device" in line:
                inside_branch = True
            elif line and not line.startswith((" ", "else", "elif")):
                inside_branch = False
            if inside_branch:
                assert "fit(" not in line, f"fit inside a device branch: {line!r}"


def run_figures_script(*arguments):
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    return subprocess.run(
        [sys.executable, str(FIGURES_SCRIPT), "--quick", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_gpu_figures_script_runs_without_a_gpu_and_says_so(tmp_path):
    if backend.gpu_available():
        pytest.skip("a GPU is present: the GPU test of the script covers it")
    done = run_figures_script("--output-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("GPU missing: "), done.stdout[:200]
    (path,) = tmp_path.glob("cpu-*-quick.json")
    record = json.loads(path.read_text())
    check_record(record, devices={"cpu"})
    assert record["machine"]["gpu"] is None


def test_notebook_06_repeats_the_parity_run_of_the_gpu_figures_script():
    # Notebook 06 compares its own CPU run with the recorded one, so the
    # two must train the same model on the same data.
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("gpu_figures", FIGURES_SCRIPT)
    script = module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.RESULTS_DIR == RESULTS_DIR
    parity = script.PARITY
    nb = read_notebook_06()
    (source,) = [c.source for c in nb.cells if "def parity_run(" in c.source]
    for fragment in (
        f"np.random.default_rng({parity['seed']})",
        f"Dense(784, {parity['hidden']}, rng=seeded, dtype=dtype)",
        f"X_train[:{parity['n_train']}]",
        f"X_test[:{parity['n_val']}]",
        f"Adam(learning_rate={parity['learning_rate']})",
        f"n_epochs={parity['n_epochs']}",
        f"batch_size={parity['batch_size']}",
    ):
        assert fragment in source, fragment


@pytest.mark.gpu
def test_gpu_figures_script_records_both_devices(tmp_path):
    done = run_figures_script("--output-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    (path,) = tmp_path.glob("gpu-*-quick.json")
    record = json.loads(path.read_text())
    check_record(record, devices={"cpu", "cuda"})
    assert record["machine"]["gpu"]


def check_record(record, devices):
    """Check a results file of benchmarks/gpu_figures.py."""
    for key in ("format", "date", "quick", "machine", "throughput", "host_sync"):
        assert key in record, key
    assert {"gpu", "cpu", "cpu_count", "numpy"} <= set(record["machine"])
    assert {row["device"] for row in record["throughput"]} == devices
    assert {row["dtype"] for row in record["throughput"]} == {"float32", "float64"}
    assert all(row["samples_per_second"] > 0 for row in record["throughput"])
    assert {row["device"] for row in record["host_sync"]} == devices
    assert {row["device"] for row in record["training"]} == devices
    assert set(record["parity"]["runs"]) == devices
    for run in record["parity"]["runs"].values():
        assert len(run["loss"]) == record["parity"]["settings"]["n_epochs"]


def test_recorded_gpu_figures_are_complete():
    assert (RESULTS_DIR / "README.md").is_file()
    for path in sorted(RESULTS_DIR.glob("gpu-*.json")):
        record = json.loads(path.read_text())
        check_record(record, devices={"cpu", "cuda"})
        assert record["machine"]["gpu"], path.name
        assert path.name.startswith(f"gpu-{record['date'][:10]}-"), path.name
