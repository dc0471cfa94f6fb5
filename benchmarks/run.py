"""Benchmark nnlib against the original project's code and PyTorch.

Run from the project folder (``python3 tasks.py benchmark`` does this):

    .venv/bin/python benchmarks/run.py            # the full run, 10-30 minutes
    .venv/bin/python benchmarks/run.py --quick    # a smoke test, seconds

Everything is measured in one run on one machine, alternating between
the implementations and between thread counts, and the tables give
medians and ratios of runs made side by side: on a shared machine
absolute seconds move from run to run, ratios much less. PyTorch and
threadpoolctl are optional: without PyTorch its column is skipped, and
without threadpoolctl only the default number of BLAS threads is used.
"""

import argparse
import datetime
import os
import platform
import re
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import workloads

from nnlib import backend, load_mnist

HERE = Path(__file__).resolve().parent
TARGET_97 = 0.97
RECIPE_ITERATIONS = 2000  # the original recipe's length, for the projected time


# -- the machine and its threads ----------------------------------------------


def optional_module(name):
    try:
        return __import__(name)
    except ImportError:
        return None


def cpu_model():
    try:
        text = Path("/proc/cpuinfo").read_text()
        match = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
        if match:
            return match.group(1).strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_description(threadpoolctl):
    if threadpoolctl is None:
        config = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{config.get('name')} {config.get('version')}"
    parts = []
    for pool in threadpoolctl.threadpool_info():
        if pool["user_api"] == "blas":
            parts.append(
                f"{pool['internal_api']} {pool['version']} "
                f"({pool.get('architecture')} kernels, {pool['prefix']}, "
                f"{pool['num_threads']} threads by default)"
            )
    return "; ".join(parts) or "unknown"


def describe_machine(torch, threadpoolctl, device):
    lines = [
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical cores; "
        f"{platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, NumPy {np.__version__}, "
        f"BLAS: {blas_description(threadpoolctl)}",
        "- PyTorch: "
        + (
            f"{torch.__version__}, {torch.get_num_threads()} threads by default"
            if torch
            else "not installed (its columns are skipped)"
        ),
    ]
    if device == "cuda":
        lines.append(f"- GPU: {gpu_name()}")
    lines.append(
        f"- load while running: {os.getloadavg()[0]:.1f} (1-minute average)"
        if hasattr(os, "getloadavg")
        else "- load: unknown"
    )
    return lines


def gpu_name():
    import cupy

    name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
    return name.decode() if isinstance(name, bytes) else name


@contextmanager
def thread_limit(threads, threadpoolctl, torch):
    """Limit NumPy's BLAS and PyTorch to ``threads`` (None: the defaults)."""
    if threads is None:
        yield
        return
    before = torch.get_num_threads() if torch else None
    if torch:
        torch.set_num_threads(threads)
    try:
        with threadpoolctl.threadpool_limits(limits=threads, user_api="blas"):
            yield
    finally:
        if torch:
            torch.set_num_threads(before)


def thread_label(threads):
    if threads is None:
        return "default threads"
    return f"{threads} thread" + ("s" if threads != 1 else "")


def warm_up(torch):
    """Pay the one-off costs (imports, first allocations) before any timing."""
    rng = np.random.default_rng(0)
    X = rng.random((512, 784), dtype=np.float32)
    y = rng.integers(0, 10, 512)
    data = (X, y, X[:64], y[:64])
    weights = workloads.initial_weights([784, 32, 10], "he", 0)
    workloads.train_nnlib_minibatch(weights, data, 1, 0)
    if torch:
        workloads.train_torch_minibatch(weights, data, 1, 0)


# -- helpers for timing and tables ---------------------------------------------


def timed(function, *args, sync=lambda: None):
    sync()
    start = time.perf_counter()
    function(*args)
    sync()
    return time.perf_counter() - start


def rotated(items, shift):
    """Return items rotated by shift, so that no one always runs first."""
    shift %= len(items)
    return items[shift:] + items[:shift]


def plural(count, word):
    return f"{count} {word}" + ("s" if count != 1 else "")


def median(values):
    return statistics.median(values) if values else float("nan")


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def ratio_text(value):
    return "n/a" if value is None or value != value else f"{value:.2f}x"


class Report:
    """Collects what is printed, to write it to a file at the end as well."""

    def __init__(self):
        self.lines = []

    def __call__(self, text=""):
        print(text, flush=True)
        self.lines.append(text)

    def text(self):
        return "\n".join(self.lines) + "\n"


# -- 1. the original recipe ----------------------------------------------------


def bench_original(args, thread_counts, context, report):
    """784-10-10, full-batch gradient descent at 0.1, 41,000 images."""
    torch, device = context["torch"], args.device
    X, y, X_test, y_test = context["mnist"]
    data = (X[: args.n_train], y[: args.n_train], X_test, y_test)
    weights = workloads.initial_weights([784, 10, 10], "uniform", args.seed)

    xp = backend.array_module()
    trainers = [
        workloads.OriginalStyleRecipe(weights, data, xp=xp),
        workloads.NnlibRecipe(weights, data),
    ]
    if torch and (device == "cpu" or torch.cuda.is_available()):
        trainers.append(workloads.TorchRecipe(weights, data, device=device))
    syncs = {
        "original style": backend.synchronize,
        "nnlib": backend.synchronize,
        "PyTorch": lambda: workloads.torch_synchronize(device),
    }

    # Blocks of iterations, every trainer in turn, the thread count
    # changing from block to block; each trainer runs n_iterations in all.
    block = max(1, min(args.block, args.iterations))
    n_blocks = max(1, args.iterations // block)
    seconds = {}  # (name, threads) -> [seconds per iteration, one per block]
    for index in range(n_blocks):
        threads = thread_counts[index % len(thread_counts)]
        with thread_limit(threads, context["threadpoolctl"], torch):
            for trainer in rotated(trainers, index):
                elapsed = timed(trainer.train, block, sync=syncs[trainer.name])
                seconds.setdefault((trainer.name, threads), []).append(elapsed / block)
        if args.progress:
            print(f"  original recipe: block {index + 1}/{n_blocks}", flush=True)

    accuracies = {trainer.name: trainer.test_accuracy() for trainer in trainers}
    n_done = n_blocks * block
    report(
        f"## 1. The original recipe: 784-10-10, full-batch gradient descent at "
        f"0.1, {args.n_train:,} images, {n_done} iterations\n"
    )
    rows, results = [], {}
    for threads in thread_counts:
        base = seconds[("original style", threads)]
        for trainer in trainers:
            times = seconds[(trainer.name, threads)]
            paired = [t / b for t, b in zip(times, base)]
            torch_times = seconds.get(("PyTorch", threads))
            vs_torch = (
                median([t / p for t, p in zip(times, torch_times)])
                if torch_times
                else None
            )
            results[(trainer.name, threads)] = {
                "ms": 1e3 * median(times),
                "vs_original": median(paired),
                "vs_torch": vs_torch,
            }
            rows.append(
                [
                    trainer.name,
                    thread_label(threads),
                    f"{1e3 * median(times):.1f}",
                    f"{RECIPE_ITERATIONS * median(times):.0f}",
                    ratio_text(median(paired)),
                    ratio_text(vs_torch),
                ]
            )
    report(
        table(
            [
                "implementation",
                "threads",
                "ms per iteration",
                f"s for {RECIPE_ITERATIONS:,} iterations",
                "time vs original style",
                "time vs PyTorch",
            ],
            rows,
        )
    )
    report()
    report(
        "Test accuracy on the 10,000 test images after all "
        f"{n_done} iterations: "
        + ", ".join(f"{name} {acc:.2%}" for name, acc in accuracies.items())
        + "."
    )
    report(
        "Times are medians over blocks of "
        f"{block} iterations; each ratio is the median of ratios of blocks run "
        "one after the other."
    )
    report()
    return {"times": results, "accuracy": accuracies}


# -- 2 and 3. mini-batch training, and the achieved rate ---------------------


def epochs_to_target(seconds, accuracies, target=TARGET_97):
    """Return (seconds of training, epochs) until the test accuracy first
    reaches target, or (None, None)."""
    for epoch, accuracy in enumerate(accuracies, start=1):
        if accuracy >= target:
            return sum(seconds[:epoch]), epoch
    return None, None


def bench_minibatch(args, thread_counts, context, report):
    torch, device = context["torch"], args.device
    X, y, X_test, y_test = context["mnist"]
    data = (X[: args.n_minibatch], y[: args.n_minibatch], X_test, y_test)
    networks = {"784-128-10": [784, 128, 10], "784-256-128-10": [784, 256, 128, 10]}
    libraries = ["nnlib"] + (["PyTorch"] if torch else [])
    if torch and device == "cuda" and not torch.cuda.is_available():
        libraries = ["nnlib"]

    runs = {}  # (network, library, threads) -> list of (seconds, accuracies)
    rates = {}  # threads -> [GFLOP/s of a large float32 matrix product]
    for repeat in range(args.repeats):
        for threads in thread_counts:
            with thread_limit(threads, context["threadpoolctl"], torch):
                if device == "cpu":
                    rates.setdefault(threads, []).append(workloads.matmul_rate())
                for name, sizes in networks.items():
                    weights = workloads.initial_weights(sizes, "he", args.seed + repeat)
                    for library in rotated(libraries, repeat):
                        train = (
                            workloads.train_nnlib_minibatch
                            if library == "nnlib"
                            else workloads.train_torch_minibatch
                        )
                        kwargs = {"device": device} if library == "PyTorch" else {}
                        result = train(
                            weights, data, args.epochs, args.seed + repeat, **kwargs
                        )
                        runs.setdefault((name, library, threads), []).append(result)
        if args.progress:
            print(f"  mini-batch: repeat {repeat + 1}/{args.repeats}", flush=True)

    adam = "nothing (not installed)"
    if torch:
        adam = workloads.torch_adam(torch.nn.Linear(2, 2).parameters())[1]
    report(
        f"## 2. Mini-batch training: Adam at 0.001, batch 128, "
        f"{args.n_minibatch:,} images, {plural(args.epochs, 'epoch')}, "
        f"{plural(args.repeats, 'run')}\n"
    )
    rows, results = [], {}
    for name in networks:
        for threads in thread_counts:
            for library in libraries:
                entries = runs[(name, library, threads)]
                epoch_times = [t for seconds, _ in entries for t in seconds]
                reached = [epochs_to_target(s, a) for s, a in entries]
                to_target = [t for t, _ in reached if t is not None]
                epochs_needed = [e for _, e in reached if e is not None]
                final = median([a[-1] for _, a in entries])
                vs_torch = vs_torch_target = None
                if library == "nnlib" and "PyTorch" in libraries:
                    other = runs[(name, "PyTorch", threads)]
                    vs_torch = median(
                        [
                            median(mine) / median(theirs)
                            for (mine, _), (theirs, _) in zip(entries, other)
                        ]
                    )
                    pairs = [
                        (epochs_to_target(*mine)[0], epochs_to_target(*theirs)[0])
                        for mine, theirs in zip(entries, other)
                    ]
                    pairs = [(a, b) for a, b in pairs if a is not None and b]
                    if pairs:
                        vs_torch_target = median([a / b for a, b in pairs])
                results[(name, library, threads)] = {
                    "epoch": median(epoch_times),
                    "to_target": median(to_target) if to_target else None,
                    "reached": f"{len(to_target)}/{len(entries)}",
                    "vs_torch": vs_torch,
                    "vs_torch_target": vs_torch_target,
                }
                rows.append(
                    [
                        name,
                        library,
                        thread_label(threads),
                        f"{median(epoch_times):.2f}",
                        ratio_text(vs_torch) if library == "nnlib" else "",
                        f"{median(to_target):.2f}" if to_target else "not reached",
                        f"{median(epochs_needed):g} ({len(to_target)}/{len(entries)})"
                        if to_target
                        else "",
                        ratio_text(vs_torch_target) if library == "nnlib" else "",
                        f"{final:.2%}",
                    ]
                )
    report(
        table(
            [
                "network",
                "library",
                "threads",
                "s per epoch",
                "epoch vs PyTorch",
                "s to 97 %",
                "epochs to 97 % (runs)",
                "to 97 % vs PyTorch",
                f"test accuracy after {args.epochs}",
            ],
            rows,
        )
    )
    report()
    report(
        "Seconds are training time only (the test accuracy after each epoch "
        "is measured outside them); each ratio is the median over runs made "
        f"one after the other from the same initial weights. PyTorch uses "
        f"{adam} and indexes tensors directly, "
        "without a DataLoader; nnlib's fit also tracks the training loss and "
        "accuracy of every batch, which the PyTorch loop does not."
    )
    report()

    rate_rows, rate_results = [], {}
    if device == "cpu":
        sizes = networks["784-256-128-10"]
        flops_per_epoch = sum(
            workloads.count_step_flops(sizes, min(128, args.n_minibatch - first))
            for first in range(0, args.n_minibatch, 128)
        )
        for threads in thread_counts:
            peak = median(rates[threads])
            epoch = results[("784-256-128-10", "nnlib", threads)]["epoch"]
            achieved = flops_per_epoch / epoch / 1e9
            rate_results[threads] = {"peak": peak, "achieved": achieved}
            rate_rows.append(
                [
                    thread_label(threads),
                    f"{peak:.0f}",
                    f"{achieved:.0f}",
                    f"{achieved / peak:.0%}",
                ]
            )
        report("## 3. Achieved rate of nnlib's training step, 784-256-128-10\n")
        report(
            table(
                [
                    "threads",
                    "GFLOP/s, 2048x2048 float32 product",
                    "GFLOP/s, training step",
                    "fraction",
                ],
                rate_rows,
            )
        )
        report()
        report(
            f"The step's {flops_per_epoch / 1e9:.1f} GFLOP an epoch count the "
            "matrix products only (forward, dW of every layer, dX of all but "
            "the first); the elementwise work and Adam come on top. The large "
            "product was timed in the same run, before each group of runs."
        )
        report()
    return {"runs": results, "rates": rate_results}


# -- 4. how the cost grows -----------------------------------------------------


def bench_scaling(args, thread_counts, context, report):
    X, y, _, _ = context["mnist"]
    n_all = min(args.n_minibatch, X.shape[0])
    configs = []  # (what, setting, hidden, batch_size, n_samples)
    for factor in (1, 2, 4):
        configs.append(
            (
                "hidden width",
                f"{factor}x: 784-{128 * factor}-10",
                128 * factor,
                128,
                n_all,
            )
        )
    for batch_size in (32, 64, 128, 256, 512, 1024):
        configs.append(("batch size", str(batch_size), 128, batch_size, n_all))
    for fraction, label in ((4, "1/4"), (2, "1/2"), (1, "all")):
        configs.append(
            (
                "training images",
                f"{label}: {n_all // fraction:,}",
                128,
                128,
                n_all // fraction,
            )
        )
    # Each group is compared with 784-128-10, batch 128, all images.
    base = {"hidden width": 0, "batch size": 5, "training images": 11}

    epoch_times, load_times = {}, []
    for repeat in range(args.repeats):
        start = time.perf_counter()
        load_mnist("train")
        load_mnist("test")
        load_times.append(time.perf_counter() - start)
        for threads in thread_counts:
            with thread_limit(threads, context["threadpoolctl"], context["torch"]):
                for index in rotated(list(range(len(configs))), repeat):
                    _, _, hidden, batch_size, n_samples = configs[index]
                    weights = workloads.initial_weights([784, hidden, 10], "he", 0)
                    seconds, _ = workloads.train_nnlib_minibatch(
                        weights,
                        (X[:n_samples], y[:n_samples], X[:1000], y[:1000]),
                        1,
                        repeat,
                        batch_size=batch_size,
                    )
                    epoch_times.setdefault((index, threads), []).append(seconds[0])
        if args.progress:
            print(f"  scaling: repeat {repeat + 1}/{args.repeats}", flush=True)

    report("## 4. How nnlib's cost grows: seconds for one epoch (Adam)\n")
    rows = []
    for index, (what, setting, _, _, _) in enumerate(configs):
        base_index = base[what]
        cells = [what, setting]
        for threads in thread_counts:
            mine = epoch_times[(index, threads)]
            reference = epoch_times[(base_index, threads)]
            relative = median([a / b for a, b in zip(mine, reference)])
            cells += [f"{median(mine):.2f}", f"{relative:.2f}"]
        rows.append(cells)
    header = ["what", "setting"]
    for threads in thread_counts:
        header += [f"s, {thread_label(threads)}", "relative"]
    report(table(header, rows))
    report()
    report(
        f"`load_mnist` for all 70,000 images (train and test): "
        f"{median(load_times):.2f} s (median of {len(load_times)}). Each "
        "relative time is the median of ratios to its group's 1x, batch 128 or "
        "all-images row, measured in the same round."
    )
    report()
    return {"load_mnist": median(load_times)}


# -- the targets ---------------------------------------------------------------


def check_targets(results, thread_counts, report):
    rows = []

    def add(target, measured, goal, met, note=""):
        verdict = "n/a" if met is None else ("met" if met else "NOT met")
        rows.append([target, measured, goal, verdict + (f" ({note})" if note else "")])

    original = results.get("original")
    for threads in thread_counts if original else []:
        label = f" ({thread_label(threads)})"
        nnlib = original["times"][("nnlib", threads)]
        ratio = nnlib["vs_original"]
        add(
            "original recipe: nnlib time vs original style" + label,
            ratio_text(ratio),
            "<= 0.50x",
            ratio <= 0.5,
        )
        if nnlib["vs_torch"] is not None:
            add(
                "original recipe: nnlib time vs PyTorch" + label,
                ratio_text(nnlib["vs_torch"]),
                "<= 1.00x",
                nnlib["vs_torch"] <= 1.0,
            )
    if original:
        accuracy = original["accuracy"]
        gap = abs(accuracy["nnlib"] - accuracy["original style"]) * 100
        add(
            "original recipe: accuracy, nnlib vs original style",
            f"{gap:.2f} points apart",
            "<= 0.5 points",
            gap <= 0.5,
        )

    minibatch = results.get("minibatch")
    for threads in thread_counts if minibatch else []:
        label = f" ({thread_label(threads)})"
        runs = minibatch["runs"]
        small = runs[("784-128-10", "nnlib", threads)]
        if small["vs_torch"] is not None:
            add(
                "784-128-10: epoch time vs PyTorch" + label,
                ratio_text(small["vs_torch"]),
                "<= 0.80x",
                small["vs_torch"] <= 0.8,
            )
        for name in ("784-128-10", "784-256-128-10"):
            entry = runs[(name, "nnlib", threads)]
            if entry["vs_torch_target"] is not None:
                add(
                    f"{name}: time to 97 % vs PyTorch" + label,
                    ratio_text(entry["vs_torch_target"]),
                    "<= 1.00x",
                    entry["vs_torch_target"] <= 1.0,
                )
        deep = runs[("784-256-128-10", "nnlib", threads)]
        seconds = deep["to_target"]
        add(
            "784-256-128-10: seconds to 97 %" + label,
            "not reached" if seconds is None else f"{seconds:.2f} s",
            "< 3 s",
            seconds is not None and seconds < 3,
            "the goal is set for 2 threads" if threads == 1 else "",
        )
        rate = minibatch["rates"].get(threads)
        if rate:
            fraction = rate["achieved"] / rate["peak"]
            add(
                "784-256-128-10: step rate vs large product" + label,
                f"{fraction:.0%}",
                ">= 40 %",
                fraction >= 0.4,
            )

    scaling = results.get("scaling")
    if scaling:
        seconds = scaling["load_mnist"]
        add("load_mnist, all 70,000 images", f"{seconds:.2f} s", "< 1 s", seconds < 1)

    report("## Targets\n")
    report(table(["target", "measured", "goal", "verdict"], rows))
    report()


# -- the command line ----------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description="Time nnlib against the original project's code and PyTorch.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke test in seconds: few iterations, few images, one run",
    )
    parser.add_argument(
        "--sections",
        default="original,minibatch,scaling",
        help="comma-separated: original, minibatch, scaling",
    )
    parser.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=[1, 2],
        help="BLAS and PyTorch thread counts to alternate (needs threadpoolctl)",
    )
    parser.add_argument(
        "--iterations",
        type=int,
        default=2000,
        help="iterations of the original recipe for each",
    )
    parser.add_argument(
        "--block", type=int, default=100, help="iterations timed in one go"
    )
    parser.add_argument(
        "--epochs", type=int, default=5, help="epochs of each mini-batch run"
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="runs of each mini-batch and scaling measurement",
    )
    parser.add_argument(
        "--n-train",
        type=int,
        default=41_000,
        help="training images for the original recipe",
    )
    parser.add_argument(
        "--n-minibatch",
        type=int,
        default=60_000,
        help="training images for mini-batch training",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--no-torch", action="store_true", help="leave PyTorch out even if installed"
    )
    parser.add_argument(
        "--device",
        choices=["cpu", "cuda"],
        default="cpu",
        help="cuda runs nnlib and the original-style code on CuPy and writes "
        "the report to benchmarks/results/",
    )
    parser.add_argument("--output", type=Path, help="also write the report here")
    args = parser.parse_args(argv)
    if args.quick:
        args.iterations, args.block, args.epochs, args.repeats = 4, 2, 1, 1
        args.n_train, args.n_minibatch = 2_000, 2_000
        args.threads = args.threads[:1]
    args.progress = not args.quick
    return args


def main(argv=None):
    args = parse_args(argv)
    sections = [name.strip() for name in args.sections.split(",") if name.strip()]
    unknown = set(sections) - {"original", "minibatch", "scaling"}
    if unknown:
        sys.exit(f"run.py: unknown sections {sorted(unknown)}.")

    torch = None if args.no_torch else optional_module("torch")
    threadpoolctl = optional_module("threadpoolctl")
    notes = []
    if torch is None and not args.no_torch:
        notes.append(
            "PyTorch is not installed, so its columns are skipped "
            "(`.venv/bin/pip install torch` adds them)."
        )
    thread_counts = list(dict.fromkeys(args.threads))
    if threadpoolctl is None or args.device == "cuda":
        if threadpoolctl is None:
            notes.append(
                "threadpoolctl is not installed, so BLAS runs with its default "
                "threads only (`.venv/bin/pip install threadpoolctl` adds the "
                "1- and 2-thread columns)."
            )
        thread_counts = [None]
    if args.device == "cuda":
        try:
            backend.use_device("cuda")
        except backend.DeviceError as error:
            sys.exit(f"run.py: {error}")

    report = Report()
    title = "GPU" if args.device == "cuda" else "CPU"
    report(f"# nnlib benchmark on the {title}, {datetime.date.today().isoformat()}\n")
    for line in describe_machine(torch, threadpoolctl, args.device):
        report(line)
    for note in notes:
        report(f"- note: {note}")
    if args.quick:
        report("- quick mode: a smoke test; its figures mean nothing")
    report()

    context = {
        "torch": torch,
        "threadpoolctl": threadpoolctl,
        "mnist": load_mnist("train") + load_mnist("test"),
    }
    benches = {
        "original": bench_original,
        "minibatch": bench_minibatch,
        "scaling": bench_scaling,
    }
    results = {}
    started = time.perf_counter()
    warm_up(torch)
    for name in sections:
        results[name] = benches[name](args, thread_counts, context, report)
    check_targets(results, thread_counts, report)
    report(f"Benchmark time: {time.perf_counter() - started:.0f} s.")

    output = args.output
    if output is None and args.device == "cuda":
        slug = re.sub(r"[^a-z0-9]+", "-", gpu_name().lower()).strip("-")
        name = f"benchmark-{datetime.date.today():%Y-%m-%d}-{slug}.md"
        output = HERE / "results" / name
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(report.text())
        print(f"Report written to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
