"""What repo2docker reads (Binder, a JupyterHub image): ``binder/requirements.txt``, ``runtime.txt``, ``postBuild``.

The quick tests check that these files install what ``make install`` installs, from the lock.
``test_the_binder_environment_builds_and_runs_a_chapter`` builds the environment the way
repo2docker does, as far as a machine without Docker can: a fresh virtual environment of the
Python that ``runtime.txt`` names, ``pip install -r binder/requirements.txt`` in a copy of the
repository, ``postBuild`` run there (offline: the datasets come from ``COURSE_DATA_DIR``), then
chapter 00 built from its source and executed in that environment, its outputs compared with
the stored ones. It downloads and installs TensorFlow (several minutes), so it runs only when
``COURSE_BINDER_BUILD=1``: ``make test-binder``.
"""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

from tests.helpers import ROOT, SHARED_DATASETS, UNREACHABLE_PROXY

BINDER = ROOT / "binder"
BUILD_VARIABLE = "COURSE_BINDER_BUILD"
CHAPTER = "00_welcome"


def requirement_lines():
    return [line.split("#", 1)[0].strip() for line in (BINDER / "requirements.txt").read_text().splitlines()
            if line.split("#", 1)[0].strip()]


def test_binder_installs_the_course_with_its_presentation_mode_from_the_lock():
    lines = requirement_lines()
    assert lines == ["-c ../requirements/lock.txt", "-e .[lecture]"], \
        "binder/requirements.txt installs the project from the lock, not a second list"
    assert (BINDER / lines[0].split()[1]).resolve() == ROOT / "requirements" / "lock.txt"
    # repo2docker reads only binder/ when it exists: no second set of instructions beside it
    assert not {"environment.yml", "Pipfile", "setup.py", "install.R"} & {p.name for p in BINDER.iterdir()}


def test_binder_python_is_the_conda_environments():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    conda_python = next(d for d in yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]
                        if isinstance(d, str) and d.startswith("python="))
    assert runtime == "python-" + conda_python.split("=")[1]


def test_post_build_is_an_executable_script_that_stops_at_the_first_error():
    script = BINDER / "postBuild"
    assert os.access(script, os.X_OK)
    text = script.read_text()
    assert text.startswith("#!/bin/bash\n") and "set -euo pipefail" in text
    assert "python -m course_lib.widgets.chart" in text and "jupyter trust notebooks/*.ipynb notebooks/zh/*.ipynb" in text
    subprocess.run(["bash", "-n", str(script)], check=True)


def repository_files():
    """The files of this checkout that git knows or would add (not the ignored ones)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def data_folder():
    """A folder holding mnist.npz and fashion-mnist/, as ``COURSE_DATA_DIR`` wants it, or None."""
    for folder in (SHARED_DATASETS, Path.home() / ".keras" / "datasets"):
        if (folder / "mnist.npz").exists() and (folder / "fashion-mnist").is_dir():
            return folder
    return None


def checked_outputs(notebook):
    """The text outputs nbval would compare, cell by cell (cells tagged nbval-ignore-output left out)."""
    found = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code" or "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            continue
        texts = []
        for output in cell.get("outputs", []):
            if output["output_type"] == "stream" and output["name"] == "stdout":
                texts.append("".join(output["text"]))
            elif "data" in output and "text/plain" in output["data"]:
                texts.append(re.sub(r" at 0x[0-9a-f]+", "", "".join(output["data"]["text/plain"])))
        found.append(texts)
    return found


@pytest.mark.skipif(os.environ.get(BUILD_VARIABLE) != "1",
                    reason=f"builds a fresh environment with TensorFlow (minutes): make test-binder ({BUILD_VARIABLE}=1)")
def test_the_binder_environment_builds_and_runs_a_chapter(tmp_path):
    python = shutil.which("python" + (BINDER / "runtime.txt").read_text().strip().removeprefix("python-"))
    if python is None:
        pytest.skip(f"no {(BINDER / 'runtime.txt').read_text().strip()} on this machine")
    datasets = data_folder()
    if datasets is None:
        pytest.skip(f"no datasets in {SHARED_DATASETS} or ~/.keras/datasets for COURSE_DATA_DIR")
    repo, home, venv = tmp_path / "repo", tmp_path / "home", tmp_path / "venv"
    for name in repository_files():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, repo / name)
    home.mkdir()
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "KERAS_HOME", "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", HOME=str(home), COURSE_DATA_DIR=str(datasets))
    run = dict(cwd=repo, env=env, capture_output=True, text=True)

    installed = subprocess.run(["pip", "install", "-q", "-r", "binder/requirements.txt"], timeout=3000, **run)
    assert installed.returncode == 0, installed.stderr[-3000:]
    # the run after the build is offline, as a classroom may be
    env.update(http_proxy=UNREACHABLE_PROXY, https_proxy=UNREACHABLE_PROXY)
    built = subprocess.run(["binder/postBuild"], timeout=900, **run)
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-3000:]
    assert "postBuild: datasets cached" in built.stdout, built.stderr[-3000:]
    assert (repo / "course_lib" / "widgets" / "_chart_bundle.mjs").exists()

    chapter = jupytext.read(repo / "notebooks" / "src" / f"{CHAPTER}.py")
    chapter.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(chapter, repo / "notebooks" / f"{CHAPTER}-binder.ipynb")
    executed = subprocess.run(["jupyter", "nbconvert", "--to", "notebook", "--execute", "--inplace",
                               f"notebooks/{CHAPTER}-binder.ipynb"], timeout=900, **run)
    assert executed.returncode == 0, executed.stderr[-3000:]
    ran = json.loads((repo / "notebooks" / f"{CHAPTER}-binder.ipynb").read_text())
    stored = json.loads((ROOT / "notebooks" / f"{CHAPTER}.ipynb").read_text())
    assert checked_outputs(ran) == checked_outputs(stored)
    # the datasets came from postBuild, into the image's own Keras cache
    assert (home / ".keras" / "datasets" / "mnist.npz").exists()
