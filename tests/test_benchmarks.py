"""The benchmark script runs and prints its tables.

Speed targets live in the benchmark itself (benchmarks/README.md), never
in the test suite: timings on a shared machine are not repeatable.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_prints_its_tables():
    # One BLAS thread, so that the run neither slows nor is slowed by
    # parallel test workers.
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--threads", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for heading in (
        "## 1. The original recipe",
        "## 2. Mini-batch training",
        "## 3. Achieved rate",
        "## 4. How nnlib's cost grows",
        "## Targets",
    ):
        assert heading in out
    # "default threads" where threadpoolctl is missing (BLAS keeps its own)
    for name in ("original style", "nnlib"):
        assert re.search(rf"\| {name} \| (1 thread|default threads) \|", out)
    assert re.search(r"\| load_mnist, all 70,000 images \| [\d.]+ s \|", out)
    # PyTorch and threadpoolctl are optional: either used or said missing.
    assert "PyTorch: " in out and "BLAS: " in out
