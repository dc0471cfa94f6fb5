"""The project's runner: needs nothing but Python 3.10 or newer.

    python3 tasks.py train      # set up .venv, train on MNIST from the command line
    python3 tasks.py test       # set up .venv with the test tools, run the whole suite
    python3 tasks.py lab        # open JupyterLab on notebooks/
    python3 tasks.py benchmark  # time nnlib against the original code and PyTorch

Each command creates the virtual environment ``.venv`` on first use and
installs only what changed since, so running one again is cheap and safe.
Arguments after the command go to the program it runs, for example
``python3 tasks.py train --recipe original`` or ``python3 tasks.py test -k data``.
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")

EXTRAS = {
    "train": [],
    "test": ["test", "notebooks"],
    "lab": ["notebooks"],
    "benchmark": ["benchmark"],
}


def run(*command, **kwargs):
    print("$", " ".join(str(part) for part in command), flush=True)
    return subprocess.run(
        [str(part) for part in command], cwd=ROOT, **kwargs
    ).returncode


def ensure_venv(extras):
    """Create .venv if needed and install the project with ``extras``.

    A stamp file per extra, named after a hash of pyproject.toml, records
    what is installed, so a later command installs only what is new.
    """
    if not PYTHON.exists():
        print(f"Creating the virtual environment {VENV.relative_to(ROOT)}/", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    stamps = [VENV / f".installed-{name}-{digest}" for name in ["base", *extras]]
    if all(stamp.exists() for stamp in stamps):
        return
    target = f".[{','.join(extras)}]" if extras else "."
    code = run(
        PYTHON,
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "-q",
        "-e",
        target,
    )
    if code != 0:
        sys.exit(f"tasks.py: installing {target} failed (exit {code}).")
    for stamp in stamps:
        stamp.touch()


def main(argv):
    if not argv or argv[0] not in EXTRAS:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if sys.version_info < (3, 10):  # noqa: UP036 (tasks.py may meet an old Python)
        version = sys.version.split()[0]
        sys.exit(f"tasks.py: Python 3.10 or newer is needed, this is {version}.")
    ensure_venv(EXTRAS[command])
    env = dict(os.environ, PYTHONUNBUFFERED="1")

    if command == "train":
        return run(PYTHON, "-m", "nnlib", "train", *rest, env=env)
    if command == "lab":
        return run(
            PYTHON, "-m", "jupyter", "lab", "--notebook-dir=notebooks", *rest, env=env
        )
    if command == "benchmark":
        # PyTorch stays optional: without it the benchmark skips its columns.
        return run(PYTHON, "benchmarks/run.py", *rest, env=env)

    # test: style first (seconds), then the unit tests and every notebook
    for check in (["check"], ["format", "--check"]):
        code = run(
            PYTHON,
            "-m",
            "ruff",
            *check,
            "nnlib",
            "tests",
            "notebooks",
            "benchmarks",
            "tasks.py",
            env=env,
        )
        if code != 0:
            print("tasks.py: ruff found problems; `ruff format` fixes formatting.")
            return code
    # One BLAS thread per process, and one pytest worker per core, each
    # taking whole files (a notebook's cells must share one kernel): two
    # BLAS threads fighting another process for a core run far slower.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
        env.setdefault(variable, "1")
    workers = [] if any(a.startswith("-n") for a in rest) else ["-n", "auto"]
    return run(PYTHON, "-m", "pytest", *workers, "--dist", "loadfile", *rest, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
