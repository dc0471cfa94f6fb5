"""Time nnlib's training on the CPU and on an NVIDIA GPU, for notebook 06.

Run it from the project folder on a machine with a GPU and CuPy::

    .venv/bin/python benchmarks/gpu_figures.py            # a few minutes
    .venv/bin/python benchmarks/gpu_figures.py --quick    # a few seconds

One run measures, on one machine and with the same nnlib code on both
devices:

1. training throughput (samples a second) of a 784-W-10 network for
   several hidden widths W and batch sizes, in float32 and float64;
2. what reading the loss back to the host after every step costs;
3. the original recipe and the final model of notebook 05, with their
   training time and test accuracy;
4. a short seeded run, whose per-epoch losses and accuracies notebook 06
   compares with its own CPU run (the parity check).

With a GPU the figures are written to
``benchmarks/results/gpu-<date>-<device>.json``, which notebook 06
displays beside its CPU run. Without one the script says so, measures
the CPU columns only and writes a file only when ``--output-dir`` is
given. Every GPU time is taken after synchronising the device, after a
warm-up run, as the median of repeated runs.
"""

import argparse
import datetime
import itertools
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnlib import backend  # noqa: E402
from nnlib.activations import ReLU  # noqa: E402
from nnlib.data import load_mnist  # noqa: E402
from nnlib.layers import Dense  # noqa: E402
from nnlib.losses import CrossEntropy  # noqa: E402
from nnlib.network import Sequential  # noqa: E402
from nnlib.optim import Adam, GradientDescent  # noqa: E402
from nnlib.train import evaluate, fit  # noqa: E402

FORMAT_VERSION = 1
RESULTS_DIR = ROOT / "benchmarks" / "results"

FULL = {
    "widths": (32, 128, 512, 2048),
    "batch_sizes": (32, 256, 2048, 16384),
    "n_samples": 16384,
    "n_repeats": 3,
    "sync_steps": 300,
    "n_train": None,
    "original_iterations": 500,
    "final_epochs": 10,
}
QUICK = {
    "widths": (16, 64),
    "batch_sizes": (64, 512),
    "n_samples": 1024,
    "n_repeats": 1,
    "sync_steps": 20,
    "n_train": 2000,
    "original_iterations": 3,
    "final_epochs": 1,
}

# The recipes of notebooks 05 and 06. The original project's network is
# 784-10-10 with uniform(-0.5, 0.5) weights and full-batch gradient
# descent at 0.1; the final model is 784-256-10 with Adam on batches of 128.
RECIPES = {
    "original": {"hidden": 10, "init": "uniform", "batch_size": None},
    "final": {"hidden": 256, "init": "he", "batch_size": 128},
}

# The parity run: notebook 06 repeats it on its own CPU and compares.
PARITY = {
    "n_train": 2000,
    "n_val": 1000,
    "hidden": 32,
    "batch_size": 100,
    "n_epochs": 3,
    "learning_rate": 0.001,
    "seed": 0,
    "dtype": "float32",
}


def build_model(hidden, *, init="he", dtype=np.float32, rng=None):
    """Return a 784-hidden-10 ReLU network on the device in use."""
    rng = np.random.default_rng(0) if rng is None else rng
    return Sequential(
        Dense(784, hidden, init=init, rng=rng, dtype=dtype),
        ReLU(),
        Dense(hidden, 10, init=init, rng=rng, dtype=dtype),
    )


def throughput(X, y, *, width, batch_size, dtype, n_repeats):
    """Return the median seconds of one epoch over X, after a warm-up epoch.

    ``fit`` synchronises the device before and after every epoch, so its
    per-epoch ``seconds`` include all the GPU work of that epoch.
    """
    model = build_model(width, dtype=dtype)
    history = fit(
        model,
        X,
        y,
        optimizer=Adam(learning_rate=0.001),
        n_epochs=1 + n_repeats,
        batch_size=batch_size,
        rng=np.random.default_rng(0),
        verbose=False,
    )
    return statistics.median(history["seconds"].iloc[1:])


def host_sync_cost(X, y, *, n_steps, read_every_step, batch_size=128):
    """Return seconds per training step, reading the loss every step or once.

    The loop uses one-hot targets prepared once, so that the only reads
    back to the host are the ones asked for.
    """
    model = build_model(128)
    loss = CrossEntropy()
    optimizer = Adam(learning_rate=0.001)
    X = backend.to_device(X)
    T = loss.prepare_target(backend.to_device(y), 10, X.dtype)
    xp = backend.get_array_module(X)

    def run():
        total = xp.zeros((), dtype=X.dtype)
        values = []
        for step in range(n_steps):
            first = (step * batch_size) % (X.shape[0] - batch_size)
            batch = slice(first, first + batch_size)
            value = loss.value(model.forward(X[batch]), T[batch])
            model.backward(loss.backward(), input_gradient=False)
            optimizer.step(model.parameters(), model.gradients())
            if read_every_step:
                values.append(float(value))
            else:
                total += value
        return values if read_every_step else [float(total)]

    run()  # warm-up: compiles the GPU kernels and fills the memory pool
    backend.synchronize()
    start = time.perf_counter()
    run()
    backend.synchronize()
    return (time.perf_counter() - start) / n_steps


def train_recipe(name, X, y, X_test, y_test, *, n_epochs):
    """Train one recipe and return its training seconds and test accuracy."""
    recipe = RECIPES[name]
    rng = np.random.default_rng(0)
    model = build_model(recipe["hidden"], init=recipe["init"], rng=rng)
    if name == "original":
        optimizer = GradientDescent(learning_rate=0.1)
    else:
        optimizer = Adam(learning_rate=0.001)
    # One untimed step first, so that kernel compilation is not counted.
    warm_up = build_model(recipe["hidden"], init=recipe["init"])
    fit(warm_up, X[:1024], y[:1024], optimizer=Adam(), n_epochs=1, verbose=False)
    history = fit(
        model,
        X,
        y,
        optimizer=optimizer,
        n_epochs=n_epochs,
        batch_size=recipe["batch_size"],
        rng=rng,
        verbose=False,
    )
    return {
        "seconds": float(history["seconds"].sum()),
        "test_accuracy": evaluate(model, X_test, y_test)["accuracy"],
    }


def parity_run(X, y, X_val, y_val):
    """Train the seeded parity model and return its per-epoch history."""
    rng = np.random.default_rng(PARITY["seed"])
    model = build_model(PARITY["hidden"], dtype=np.dtype(PARITY["dtype"]), rng=rng)
    history = fit(
        model,
        X[: PARITY["n_train"]],
        y[: PARITY["n_train"]],
        optimizer=Adam(learning_rate=PARITY["learning_rate"]),
        n_epochs=PARITY["n_epochs"],
        batch_size=PARITY["batch_size"],
        validation_data=(X_val[: PARITY["n_val"]], y_val[: PARITY["n_val"]]),
        rng=rng,
        verbose=False,
    )
    columns = ["loss", "accuracy", "val_loss", "val_accuracy"]
    return {column: [float(v) for v in history[column]] for column in columns}


def describe_machine():
    """Return the facts a reader needs to judge the figures."""
    blas = np.show_config(mode="dicts").get("Build Dependencies", {}).get("blas", {})
    machine = {
        "gpu": None,
        "gpu_status": backend.describe_gpu_status(),
        "cpu": cpu_name(),
        "cpu_count": os.cpu_count(),
        "blas": f"{blas.get('name', '?')} {blas.get('version', '')}".strip(),
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
        "numpy": np.__version__,
        "python": platform.python_version(),
    }
    if backend.gpu_available():
        import cupy

        props = cupy.cuda.runtime.getDeviceProperties(0)
        name = props["name"]
        machine.update(
            gpu=name.decode() if isinstance(name, bytes) else name,
            gpu_memory_gib=round(props["totalGlobalMem"] / 2**30, 1),
            compute_capability=f"{props['major']}.{props['minor']}",
            cuda_runtime=cuda_version(cupy.cuda.runtime.runtimeGetVersion()),
            cuda_driver=cuda_version(cupy.cuda.runtime.driverGetVersion()),
            cupy=cupy.__version__,
        )
    return machine


def cpu_name():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cuda_version(number):
    return f"{number // 1000}.{number % 1000 // 10}"


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def log(text):
    print(text, flush=True)


def measure_throughput(X, y, settings, devices):
    """Time an epoch for every device, dtype, width and batch size."""
    rows = []
    log(f"{'device':>6} {'dtype':>8} {'width':>6} {'batch':>6} {'samples/s':>12}")
    grid = itertools.product(
        devices, ("float32", "float64"), settings["widths"], settings["batch_sizes"]
    )
    for device, dtype, width, batch_size in grid:
        backend.use_device(device)
        seconds = throughput(
            X,
            y,
            width=width,
            batch_size=batch_size,
            dtype=np.dtype(dtype),
            n_repeats=settings["n_repeats"],
        )
        rate = X.shape[0] / seconds
        rows.append(
            {
                "device": device,
                "dtype": dtype,
                "width": width,
                "batch_size": batch_size,
                "n_samples": int(X.shape[0]),
                "seconds_per_epoch": seconds,
                "samples_per_second": rate,
            }
        )
        log(f"{device:>6} {dtype:>8} {width:>6} {batch_size:>6} {rate:>12,.0f}")
    return rows


def measure_host_sync(X, y, settings, devices):
    """Time training steps that read the loss back every step, or once."""
    rows = []
    n_steps = settings["sync_steps"]
    log(f"\n{'device':>6} {'reads':>12} {'ms/step':>9}")
    for device, read_every_step in itertools.product(devices, (False, True)):
        backend.use_device(device)
        seconds = host_sync_cost(X, y, n_steps=n_steps, read_every_step=read_every_step)
        rows.append(
            {
                "device": device,
                "read_every_step": read_every_step,
                "n_steps": n_steps,
                "n_reads": n_steps if read_every_step else 1,
                "seconds_per_step": seconds,
            }
        )
        label = "every step" if read_every_step else "once"
        log(f"{device:>6} {label:>12} {seconds * 1e3:>9.3f}")
    return rows


def measure_training(X, y, X_test, y_test, settings, devices):
    """Train the original recipe and the final model on every device."""
    rows = []
    log(f"\n{'device':>6} {'recipe':>9} {'epochs':>7} {'seconds':>8} {'test acc':>9}")
    lengths = {
        "original": settings["original_iterations"],
        "final": settings["final_epochs"],
    }
    for device, name in itertools.product(devices, lengths):
        backend.use_device(device)
        run = train_recipe(name, X, y, X_test, y_test, n_epochs=lengths[name])
        rows.append(
            {"recipe": name, "device": device, "n_epochs": lengths[name], **run}
        )
        log(
            f"{device:>6} {name:>9} {lengths[name]:>7} {run['seconds']:>8.2f} "
            f"{run['test_accuracy']:>9.2%}"
        )
    return rows


def measure(settings, devices):
    """Run every measurement on every device and return the results."""
    X, y = load_mnist("train")
    X_test, y_test = load_mnist("test")
    if settings["n_train"] is not None:
        X, y = X[: settings["n_train"]], y[: settings["n_train"]]
    n_table = settings["n_samples"]
    try:
        results = {
            "throughput": measure_throughput(
                X[:n_table], y[:n_table], settings, devices
            ),
            "host_sync": measure_host_sync(X, y, settings, devices),
            "training": measure_training(X, y, X_test, y_test, settings, devices),
            "parity": {"settings": PARITY, "runs": {}},
        }
        for device in devices:
            backend.use_device(device)
            results["parity"]["runs"][device] = parity_run(X, y, X_test, y_test)
    finally:
        backend.use_device("cpu")
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Time nnlib training on the CPU and the GPU; write the "
        "figures notebook 06 displays."
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a small table in a few seconds, to check that the script works",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        help="where to write the results file (default: benchmarks/results "
        "with a GPU; none without one)",
    )
    args = parser.parse_args(argv)

    settings = QUICK if args.quick else FULL
    machine = describe_machine()
    devices = ["cpu", "cuda"] if machine["gpu"] else ["cpu"]
    if machine["gpu"]:
        log(f"GPU: {machine['gpu']} (CUDA {machine['cuda_runtime']}).")
    else:
        log(f"GPU missing: {machine['gpu_status']} Timing the CPU columns only.")
    log(f"CPU: {machine['cpu']}, {machine['cpu_count']} cores, {machine['blas']}.")

    started = time.perf_counter()
    results = measure(settings, devices)
    now = datetime.datetime.now(datetime.timezone.utc)
    record = {
        "format": FORMAT_VERSION,
        "date": now.isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": machine,
        "settings": {k: v for k, v in settings.items() if k != "n_repeats"},
        **results,
    }
    log(f"\nmeasured in {time.perf_counter() - started:.0f} s")

    output_dir = args.output_dir
    if output_dir is None and machine["gpu"]:
        output_dir = RESULTS_DIR
    if output_dir is None:
        log("No results file written (no GPU); pass --output-dir to write one.")
        return 0
    prefix = f"gpu-{now:%Y-%m-%d}-{slug(machine['gpu'])}" if machine["gpu"] else None
    prefix = prefix or f"cpu-{now:%Y-%m-%d}"
    if args.quick:
        prefix += "-quick"
    output_dir.mkdir(parents=True, exist_ok=True)
    path = output_dir / f"{prefix}.json"
    path.write_text(json.dumps(record, indent=1) + "\n")
    log(f"Results written to {path.name} in {output_dir}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
