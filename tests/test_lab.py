"""`make lab` serves JupyterLab on localhost, token on, with the chapters in it.

The test runs the Makefile's own ``lab`` recipe, but with the Python environment that runs
the tests (``BIN=``) and with the install step declared done (``-o``): a test never creates
a venv or installs packages.
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


@pytest.fixture
def lab():
    port, token = free_port(), secrets.token_hex(16)
    process = subprocess.Popen(
        ["make", "-s", "-o", ".venv/.installed", f"BIN={Path(sys.executable).parent}", "lab",
         f"LAB_ARGS=--no-browser --port={port} --IdentityProvider.token={token}"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            get(f"{base}/api/status", token)
            break
        except (urllib.error.URLError, ConnectionError):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"make lab did not serve JupyterLab: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.5)
    yield base, token
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


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
