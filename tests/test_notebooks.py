"""Checks of the notebooks beyond nbval's top-to-bottom run.

The conventions checked here are written down in notebooks/README.md.
nbval itself (configured in pyproject.toml) executes every notebook.
"""

import copy
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
SOLUTION_DIR = NOTEBOOK_DIR / "solutions"
COPY_MARKER = "# Copy-ready: this cell runs on its own."
# Absolute paths of a machine: a Unix home, root, temp or system folder, or
# a Windows drive.
MACHINE_PATH = re.compile(r"(/(home|root|tmp|work|Users|usr|opt|var)/|[A-Z]:\\)")


def read(path):
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def output_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        if "text" in output:
            parts.append(output["text"])
        for key in ("text/plain", "text/html"):
            if key in output.get("data", {}):
                parts.append(output["data"][key])
        if output.get("output_type") == "error":
            parts.append("\n".join(output.get("traceback", [])))
    return "".join(parts)


def execute(nb, timeout=300):
    from nbclient import NotebookClient

    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        resources={"metadata": {"path": str(NOTEBOOK_DIR)}},
    )
    client.execute()
    return nb


def exercise_number(cell):
    for tag in tags(cell):
        match = re.fullmatch(r"exercise-(\d+)", tag)
        if match:
            return int(match.group(1))
    return None


def read_solutions(path):
    """Return {(number, kind): source} from a solutions file."""
    blocks, key, lines = {}, None, []
    for line in path.read_text().splitlines():
        match = re.fullmatch(r"# %% exercise-(\d+)( wrong)?\s*", line)
        if match:
            if key is not None:
                blocks[key] = "\n".join(lines).strip()
            key = (int(match.group(1)), "wrong" if match.group(2) else "right")
            lines = []
        elif key is not None:
            lines.append(line)
    if key is not None:
        blocks[key] = "\n".join(lines).strip()
    return blocks


def test_notebooks_exist():
    assert len(NOTEBOOKS) >= 1, "no numbered notebooks found in notebooks/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_valid_and_stored_executed(path):
    nb = read(path)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"

    first = nb.cells[0]
    number = path.stem[:2]
    assert first.cell_type == "markdown"
    assert first.source.startswith(f"# {number} · "), (
        f"{path.name}: the first cell should be the title '# {number} · ...'"
    )

    code_cells = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    counts = [c.execution_count for c in code_cells]
    assert None not in counts, f"{path.name}: some code cells were never run"
    assert counts == sorted(counts), f"{path.name}: cells were run out of order"
    for cell in code_cells:
        text = output_text(cell)
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors or "raises-exception" in tags(cell), (
            f"{path.name}: stored error in cell:\n{cell.source[:200]}"
        )
        found = MACHINE_PATH.search(text)
        assert found is None, (
            f"{path.name}: an output shows a machine path {found.group(0)!r} "
            f"in cell:\n{cell.source[:200]}"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_listed_in_both_readmes(path):
    for readme in (NOTEBOOK_DIR / "README.md", ROOT / "README.md"):
        assert path.name in readme.read_text(), f"{path.name} missing from {readme}"


COPY_CELLS = [
    (path, index)
    for path in NOTEBOOKS
    for index, cell in enumerate(read(path).cells)
    if "copy-ready" in tags(cell)
]


@pytest.mark.parametrize(
    "path, index", COPY_CELLS, ids=[f"{p.stem}-cell{i}" for p, i in COPY_CELLS]
)
def test_copy_ready_cell_runs_alone_in_a_fresh_kernel(path, index):
    cell = copy.deepcopy(read(path).cells[index])
    assert cell.source.startswith(COPY_MARKER), (
        f"{path.name} cell {index}: a copy-ready cell starts with {COPY_MARKER!r}"
    )
    cell.outputs, cell.execution_count = [], None
    nb = nbformat.v4.new_notebook(cells=[cell])
    nb.metadata["kernelspec"] = read(path).metadata["kernelspec"]
    execute(nb)
    errors = [o for o in nb.cells[0].outputs if o.output_type == "error"]
    assert not errors


EXERCISE_NOTEBOOKS = [
    path for path in NOTEBOOKS if any(exercise_number(c) for c in read(path).cells)
]


@pytest.mark.parametrize("path", EXERCISE_NOTEBOOKS, ids=lambda p: p.stem)
def test_exercise_checks_accept_solutions_and_hint_on_wrong_answers(path):
    """Run the notebook with, for each exercise, a wrong answer and its
    check, then the reference answer and its check."""
    nb = read(path)
    solution_file = SOLUTION_DIR / f"{path.stem}.py"
    assert solution_file.is_file(), f"missing {solution_file.relative_to(ROOT)}"
    solutions = read_solutions(solution_file)

    cells, checks = [], []
    for index, cell in enumerate(nb.cells):
        number = exercise_number(cell)
        if number is None:
            cells.append(cell)
            continue
        check_cell = nb.cells[index + 1]
        assert f"Exercise {number}: not answered yet." in output_text(check_cell), (
            f"{path.name}: the stored check of exercise {number} should show the "
            "placeholder's 'not answered yet' message"
        )
        for kind in ("wrong", "right"):
            assert (number, kind) in solutions, (
                f"{solution_file.name}: no '# %% exercise-{number}"
                f"{' wrong' if kind == 'wrong' else ''}' block"
            )
            answer = nbformat.v4.new_code_cell(solutions[(number, kind)])
            cells.append(answer)
            if kind == "wrong":
                checks.append((number, kind, len(cells)))
                cells.append(copy.deepcopy(check_cell))
        checks.append((number, "right", len(cells)))
    assert checks, f"{path.name}: no exercises found"

    # The stored check cells follow each answer cell, so the reference
    # answer's check is the cell right after it in the rebuilt notebook.
    nb.cells = cells
    execute(nb)
    for number, kind, position in checks:
        text = output_text(nb.cells[position])
        expected = (
            f"Exercise {number}: correct."
            if kind == "right"
            else f"Exercise {number}: not yet right. Hint:"
        )
        assert expected in text, (
            f"{path.name}, exercise {number} with the {kind} answer printed:\n{text}"
        )
