"""The command line, ``python -m nnlib train``, run as a learner runs it."""

import subprocess
import sys

import numpy as np
import pytest

from nnlib import io
from nnlib.__main__ import RECIPES, build_parser


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "nnlib", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_train_reports_and_saves_the_model_and_plot(tmp_path, mnist):
    result = run_cli(
        "train",
        "--hidden",
        "32",
        "--epochs",
        "2",
        "--val-size",
        "1000",
        "--device",
        "cpu",
        "--output-dir",
        str(tmp_path / "run"),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "784-32-10 network, relu, adam at 0.001, batch 128, 2 epochs, on cpu" in out
    epoch_lines = [
        line for line in out.splitlines() if line.split()[:1] in (["1"], ["2"])
    ]
    assert len(epoch_lines) == 2
    accuracy = float(out.split("test accuracy: ")[1].split("%")[0]) / 100
    assert accuracy > 0.9
    assert "time: " in out
    assert f"model saved to {tmp_path / 'run' / 'model.npz'}" in out
    assert f"plot saved to {tmp_path / 'run' / 'history.png'}" in out
    assert (tmp_path / "run" / "history.png").read_bytes()[:4] == b"\x89PNG"
    # the progress bar goes to stderr
    assert "step" in result.stderr

    model = io.load(tmp_path / "run" / "model.npz")
    assert model.metadata["test_accuracy"] == pytest.approx(accuracy, abs=1e-4)
    _, _, X_test, y_test = mnist
    assert (model.predict(X_test) == y_test).mean() == pytest.approx(accuracy, abs=1e-4)


def test_runs_are_repeatable_with_a_seed(tmp_path):
    outputs = []
    for name in ("a", "b"):
        result = run_cli(
            "train",
            "--hidden",
            "16",
            "--epochs",
            "1",
            "--val-size",
            "0",
            "--device",
            "cpu",
            "--seed",
            "3",
            "--no-progress",
            "--output-dir",
            str(tmp_path / name),
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        outputs.append(io.load(tmp_path / name / "model.npz").parameters())
    for a, b in zip(*outputs):
        np.testing.assert_array_equal(a, b)


def test_original_recipe_options():
    args = build_parser().parse_args(["train", "--recipe", "original"])
    assert args.recipe == "original"
    recipe = RECIPES["original"]
    assert recipe["hidden"] == [10] and recipe["optimizer"] == "gd"
    assert recipe["learning_rate"] == 0.1 and recipe["batch_size"] == 0
    assert recipe["init"] == "uniform" and recipe["activation"] == "relu"


def test_help_explains_every_option():
    result = run_cli("train", "--help")
    assert result.returncode == 0
    for option in (
        "--recipe",
        "--hidden",
        "--activation",
        "--epochs",
        "--batch-size",
        "--learning-rate",
        "--optimizer",
        "--init",
        "--device",
        "--seed",
        "--output-dir",
    ):
        assert option in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--hidden", "0"], "--hidden sizes must be positive"),
        (["--epochs", "0"], "--epochs must be at least 1"),
        (["--learning-rate", "-1"], "--learning-rate must be positive"),
        (["--optimiser", "adam"], "unrecognized arguments: --optimiser"),
        (["--activation", "relux"], "invalid choice: 'relux'"),
        (["--device", "cuda"], "help: install the GPU extra"),
    ],
)
def test_bad_options_give_clear_errors(args, message, tmp_path):
    result = run_cli("train", *args, "--output-dir", str(tmp_path))
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
