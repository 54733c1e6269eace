"""`python -m course_lib lab` and `make lab` trust the chapters and serve JupyterLab on localhost, token on.

The tests run the course's command and the Makefile's own ``lab`` recipe, with the Python
environment that runs the tests (``BIN=``) and the install step declared done (``-o``): a
test never creates a venv or installs packages (``.ci/run`` builds a student's venv and runs
the command test again with it, through ``COURSE_STUDENT_PYTHON``).
"""

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import ROOT


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url, token=None):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"} if token else {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=10) as response:
        return response.status, response.read()


def serve(command, tmp_path, port, token):
    """Start ``command`` (JupyterLab on ``port``), wait until it answers, and return the process.

    ``JUPYTER_DATA_DIR`` points into ``tmp_path``, so the trust it gives the chapters is recorded
    there, not in the user's own Jupyter folder.
    """
    environment = {**os.environ, "JUPYTER_DATA_DIR": str(tmp_path / "jupyter-data")}
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True, env=environment)
    deadline = time.monotonic() + 90
    while True:
        try:
            get(f"http://127.0.0.1:{port}/api/status", token)
            return process
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{' '.join(command[:4])} did not serve JupyterLab: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.5)


def stop(process):
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


@pytest.fixture
def lab(tmp_path):
    """``make lab``, with the Python environment that runs the tests and the install step declared done."""
    port, token = free_port(), secrets.token_hex(16)
    process = serve(["make", "-s", "-o", ".venv/.installed-student", f"BIN={Path(sys.executable).parent}", "lab",
                     f"LAB_ARGS=--no-browser --port={port} --IdentityProvider.token={token}"], tmp_path, port, token)
    yield f"http://127.0.0.1:{port}", token
    stop(process)


def untrusted_chapters(data_dir):
    """The chapters that the notary of ``data_dir`` (a ``JUPYTER_DATA_DIR``) does not trust."""
    import nbformat
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary(data_dir=str(data_dir))
    chapters = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + \
        sorted((ROOT / "notebooks").glob("zh/[0-9][0-9]_*.ipynb"))
    return [path.relative_to(ROOT / "notebooks").as_posix() for path in chapters
            if not notary.check_signature(nbformat.read(path, as_version=4))]


def test_the_course_command_trusts_the_chapters_and_serves_them_without_make(tmp_path):
    """``python -m course_lib lab``: the one command on every system (Windows and conda have no make)."""
    python = os.environ.get("COURSE_STUDENT_PYTHON", sys.executable)  # .ci/run: a venv with the student's set only
    data_dir = tmp_path / "jupyter-data"
    data_dir.mkdir()
    assert untrusted_chapters(data_dir), "the chapters must start untrusted in a fresh Jupyter data folder"
    port, token = free_port(), secrets.token_hex(16)
    process = serve([python, "-m", "course_lib", "lab", "--no-browser", f"--port={port}",
                     f"--IdentityProvider.token={token}"], tmp_path, port, token)
    try:
        assert untrusted_chapters(data_dir) == []
        _, listing = get(f"http://127.0.0.1:{port}/api/contents", token)
        assert {path.name for path in (ROOT / "notebooks").glob("*.ipynb")} | {"zh"} <= \
            {item["name"] for item in json.loads(listing)["content"]}  # the Chinese edition one click away
        _, kernels = get(f"http://127.0.0.1:{port}/api/kernelspecs", token)
        assert "python3" in json.loads(kernels)["kernelspecs"]
        # the interface in Chinese (Settings > Language): the language pack installed with the course
        _, languages = get(f"http://127.0.0.1:{port}/lab/api/translations/", token)
        assert "zh_CN" in json.loads(languages)["data"]
        _, chinese = get(f"http://127.0.0.1:{port}/lab/api/translations/zh_CN", token)
        assert json.loads(chinese)["data"]["jupyterlab"]["Settings"] == ["设置"]
    finally:
        stop(process)


def test_the_course_command_names_a_missing_chapters_folder(tmp_path):
    result = subprocess.run([sys.executable, "-m", "course_lib", "lab", "--notebooks", str(tmp_path / "none")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no chapters folder" in result.stderr and "--notebooks" in result.stderr


def test_make_lab_serves_the_chapters_with_a_token(lab):
    base, token = lab
    status, page = get(f"{base}/lab", token)
    assert status == 200 and b"JupyterLab" in page
    _, listing = get(f"{base}/api/contents", token)
    names = {item["name"] for item in json.loads(listing)["content"]}
    assert "00_welcome.ipynb" in names
    assert {path.name for path in (ROOT / "notebooks").glob("*.ipynb")} <= names
    with pytest.raises(urllib.error.HTTPError) as refused:
        get(f"{base}/api/contents")
    assert refused.value.code == 403
