"""The ways to install the course (venv from pyproject.toml, conda from environment.yml) agree,
and pyproject.toml keeps run-time and build-time dependencies apart."""

import re
import sys

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tests.helpers import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (the test extra installs it there)
    import tomli as tomllib

#: Tools of the build and the tests that a student's kernel never imports.
BUILD_TOOLS = {"jupytext", "nbclient", "nbformat", "pytest", "nbval", "playwright", "uv"}
APPLE_SILICON = {"sys_platform": "darwin", "platform_machine": "arm64"}
LINUX = {"sys_platform": "linux", "platform_machine": "x86_64"}


def load_environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def load_project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def runtime_requirements(**environment):
    """The run-time requirements whose markers hold on ``environment`` (a partial marker environment)."""
    requirements = [Requirement(r) for r in load_project()["project"]["dependencies"]]
    return [r for r in requirements if r.marker is None or r.marker.evaluate(environment)]


def test_conda_environment_installs_the_project_itself_with_the_lock():
    dependencies = load_environment()["dependencies"]
    pip_sections = [d["pip"] for d in dependencies if isinstance(d, dict)]
    conda_packages = [d.split("=")[0] for d in dependencies if isinstance(d, str)]
    assert pip_sections == [["-c requirements/lock.txt", "-e .[lecture]"]], \
        "environment.yml must install the project with the lock, not a second list"
    assert sorted(conda_packages) == ["pip", "python"]


def test_conda_python_is_one_the_project_supports():
    python = next(d for d in load_environment()["dependencies"] if isinstance(d, str) and d.startswith("python="))
    assert python.split("=")[1] + ".0" in SpecifierSet(load_project()["project"]["requires-python"])


def test_every_python_from_3_10_to_3_13_is_supported():
    supported = SpecifierSet(load_project()["project"]["requires-python"])
    assert [version for version in ("3.9", "3.10", "3.11", "3.12", "3.13") if version + ".0" in supported] == \
        ["3.10", "3.11", "3.12", "3.13"]


def test_only_the_metal_pair_is_capped_below_python_3_13():
    def names(**environment):
        return {(r.name, str(r.specifier)) for r in runtime_requirements(**environment)
                if r.name.startswith("tensorflow")}

    assert names(python_version="3.12", **APPLE_SILICON) == {("tensorflow", "<2.19,>=2.18"),
                                                             ("tensorflow-metal", "==1.2.0")}
    assert names(python_version="3.13", **APPLE_SILICON) == {("tensorflow", ">=2.18")}
    assert names(python_version="3.13", **LINUX) == names(python_version="3.10", **LINUX) == {("tensorflow", ">=2.18")}


def test_build_and_test_tools_are_extras_not_runtime_dependencies():
    project = load_project()["project"]
    runtime = {Requirement(r).name for r in project["dependencies"]}
    assert not runtime & BUILD_TOOLS, f"{sorted(runtime & BUILD_TOOLS)} belong in an extra"
    assert {"anywidget", "vl-convert-python", "keras", "ipywidgets"} <= runtime
    extras = project["optional-dependencies"]
    assert {"pytest", "nbval", "playwright", "jupytext", "nbformat"} <= {Requirement(r).name for r in extras["test"]}
    assert {"jupytext", "nbclient", "nbformat", "uv"} <= {Requirement(r).name for r in extras["dev"]}


def test_tomli_is_installed_only_where_tomllib_is_missing():
    tomli = [Requirement(r) for r in load_project()["project"]["optional-dependencies"]["test"]
             if Requirement(r).name == "tomli"]
    assert len(tomli) == 1
    assert tomli[0].marker.evaluate({"python_version": "3.10"})
    assert not tomli[0].marker.evaluate({"python_version": "3.11"})


def test_one_version_number():
    project = load_project()
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "course_lib.__version__"}


def lock_pins():
    from tools.check_lock import read_lock

    return read_lock()


def test_the_lock_pins_every_dependency_once_on_every_target_within_its_range():
    from tools.check_lock import TARGETS, environment, pins_for

    project = load_project()["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for extra in ("test", "dev", "lecture") for r in project["optional-dependencies"][extra]]
    for target in TARGETS:
        pinned = {}
        for pin in pins_for(target, lock_pins()):  # raises on a package pinned twice
            name, version = pin.split("==")
            pinned[canonicalize_name(name)] = version
        for requirement in wanted:
            if requirement.marker is None or requirement.marker.evaluate(environment(target)):
                version = pinned.get(canonicalize_name(requirement.name))
                assert version is not None, f"{requirement.name} is not pinned for {target}"
                assert version in requirement.specifier, f"{requirement.name}=={version} on {target}: {requirement}"


def test_the_lock_pins_exact_versions_only():
    loose = [str(pin) for pin in lock_pins() if len(pin.specifier) != 1 or next(iter(pin.specifier)).operator != "=="]
    assert loose == []


def test_install_and_ci_use_the_lock():
    makefile = (ROOT / "Makefile").read_text()
    assert 'pip install -q -c $(LOCK) -e ".[test,dev,lecture]"' in makefile
    assert "LOCK := requirements/lock.txt" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make install" in ci and "bash tools/stack.sh oldest" in ci and "bash tools/student_env.sh" in ci
    assert 'pip install -q -c $(LOCK) -e ".[lecture]"' in makefile  # make lab: the student's set only


def test_the_oldest_stack_check_installs_tensorflow_2_18_from_the_lock():
    from tools.check_lock import TARGETS, pins_for

    script = (ROOT / "tools" / "stack.sh").read_text()
    assert "3.10|3.11|3.12) TARGET=$VERSION-macos-arm64" in script and "--print-pins \"$TARGET\"" in script
    for version in ("3.10", "3.11", "3.12"):
        target = f"{version}-macos-arm64"
        assert target in TARGETS
        tensorflow = next(pin for pin in pins_for(target, lock_pins()) if pin.startswith("tensorflow=="))
        assert tensorflow.startswith("tensorflow==2.18."), (target, tensorflow)


def test_ci_checks_every_linux_combination_of_the_lock():
    """Each (Python, TensorFlow, Keras, NumPy) the lock gives Linux runs the unit tests: .venv's 3.11 in make
    test, the others through tools/stack.sh in .ci/run."""
    from tools.check_lock import PYTHONS, pins_for

    ci = (ROOT / ".ci" / "run").read_text()
    checked = set(re.search(r"for version in ([\d. ]+); do\n\s+bash tools/stack.sh linux", ci).group(1).split())
    combinations = {}
    for version in PYTHONS:
        pins = {pin.split("==")[0].lower(): pin for pin in pins_for(f"{version}-linux-x86_64", lock_pins())}
        combinations[version] = tuple(pins[name] for name in ("tensorflow", "keras", "numpy"))
    assert checked | {"3.11"} == set(PYTHONS), f"each Python has its combination {combinations}"
    assert combinations["3.10"] != combinations["3.11"]  # Keras and NumPy differ there


def test_a_wheel_would_hold_every_package_and_data_file_of_the_library():
    """Installs are editable here; a wheel (``pip install .``) holds only what pyproject.toml lists."""
    setuptools = load_project()["tool"]["setuptools"]
    packages = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "course_lib").rglob("__init__.py")}
    assert set(setuptools["packages"]) == packages
    data = set()
    for path in (ROOT / "course_lib").rglob("*"):
        if path.suffix in (".csv", ".js", ".json", ".yml"):
            package = next(folder for folder in path.parents if (folder / "__init__.py").exists())
            data.add((".".join(package.relative_to(ROOT).parts), path.relative_to(package).as_posix()))
    listed = {(package, path.relative_to(ROOT.joinpath(*package.split("."))).as_posix())
              for package, patterns in setuptools["package-data"].items() for pattern in patterns
              for path in ROOT.joinpath(*package.split(".")).glob(pattern)}
    assert data == listed
