"""Checks of the project's own files: dependencies, data and README."""

import hashlib
import re
import sys
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from nnlib.data import SHA256, default_data_dir

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
# PyPI name -> conda-forge name, where they differ
CONDA_NAMES = {"torch": "pytorch"}


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def conda_and_pip_specs():
    conda, pip = [], []
    for entry in environment()["dependencies"]:
        if isinstance(entry, dict):
            pip.extend(entry["pip"])
        else:
            conda.append(entry)
    return conda, pip


def test_environment_specs_are_valid():
    rattler = pytest.importorskip("rattler", reason="py-rattler checks conda specs")
    conda, pip = conda_and_pip_specs()
    for spec in conda:
        rattler.MatchSpec(spec, strict=True)
    for line in pip:
        if line != "-e .":
            Requirement(line)
    assert environment()["channels"] == ["conda-forge"]


def test_environment_names_every_pyproject_dependency_with_the_same_bound():
    project = pyproject()["project"]
    required = list(project["dependencies"])
    for extra, requirements in project["optional-dependencies"].items():
        if extra != "gpu":  # CuPy depends on the CUDA version: a comment there
            required.extend(requirements)
    conda, pip = conda_and_pip_specs()
    named = {}
    for spec in conda:
        name, _, bound = spec.partition(" ")
        named[name.lower()] = bound.replace(" ", "")
    for line in pip:
        if line != "-e .":
            requirement = Requirement(line)
            named[requirement.name.lower()] = str(requirement.specifier)
    for line in required:
        requirement = Requirement(line)
        name = requirement.name.lower()
        name = CONDA_NAMES.get(name, name)
        assert name in named, f"environment.yml lacks {name}"
        assert named[name] == str(requirement.specifier), (
            f"{name}: environment.yml says {named[name]!r}, pyproject.toml "
            f"{requirement.specifier}"
        )


def test_library_requirements_are_lower_bounds_only():
    for line in pyproject()["project"]["dependencies"]:
        specifier = Requirement(line).specifier
        assert all(s.operator == ">=" for s in specifier), line


def test_every_package_folder_is_listed_for_installation():
    # An editable install finds any subpackage; a wheel holds only those
    # listed under [tool.setuptools] packages.
    folders = sorted(
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "nnlib").rglob("__init__.py")
    )
    listed = sorted(pyproject()["tool"]["setuptools"]["packages"])
    assert listed == folders, (
        f"pyproject.toml lists packages {listed}, the source has {folders}: "
        "add the missing ones to [tool.setuptools] packages."
    )


def test_shipped_data_matches_the_published_checksums():
    folder = default_data_dir()
    for name, digest in SHA256.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    readme = (ROOT / "data" / "README.md").read_text()
    assert "LeCun" in readme and "Cortes" in readme and "Burges" in readme
    assert "Creative Commons" in readme


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"python3 tasks\.py (\w+)", readme)
    assert {"train", "test", "lab"} <= set(commands)
    run = (ROOT / ".ci" / "run").read_text()
    assert "python3 tasks.py test" in run
