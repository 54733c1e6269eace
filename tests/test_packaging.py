"""The two ways to install the course (venv from pyproject.toml, conda from environment.yml) agree."""

import tomllib

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tests.helpers import ROOT


def load_environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def test_conda_environment_installs_the_project_itself():
    dependencies = load_environment()["dependencies"]
    pip_sections = [d["pip"] for d in dependencies if isinstance(d, dict)]
    conda_packages = [d.split("=")[0] for d in dependencies if isinstance(d, str)]
    assert pip_sections == [["-e .[test]"]], "environment.yml must install the project, not a second list"
    assert sorted(conda_packages) == ["pip", "python"]


def test_conda_python_is_one_the_project_supports():
    python = next(d for d in load_environment()["dependencies"] if isinstance(d, str) and d.startswith("python="))
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert python.split("=")[1] + ".0" in SpecifierSet(project["requires-python"])


def test_test_extra_has_the_test_tools():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {Requirement(r).name for r in project["optional-dependencies"]["test"]}
    assert {"pytest", "nbval", "playwright"} <= names
    metal = [Requirement(r) for r in project["dependencies"] if Requirement(r).name == "tensorflow-metal"]
    assert metal and "arm64" in str(metal[0].marker)
