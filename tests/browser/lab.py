"""A private JupyterLab on 127.0.0.1 and a headless Chromium, for the browser tests and benchmarks.

JupyterLab runs from this Python (the course's ``.venv``), on a free port with a random token,
and serves a folder of notebooks (a temporary copy: running the chapters in the browser never
touches the outputs stored in the repository), trusted, as ``make lab`` trusts them, since
JupyterLab renders saved widget state only in trusted notebooks. Its settings, workspaces and
IPython profile live in a temporary directory, so what a user changed in their own JupyterLab
does not change what the tests see. The kernels import ``course_lib`` from this checkout
(``PYTHONPATH``), so a clone tests its own code.

Chromium is the system's (Debian's ``chromium`` package), never a browser downloaded by
``playwright install``. Another Chromium or Chrome can be named in ``COURSE_CHROMIUM``.
"""

import contextlib
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.browser.jupyterlab import ROOT

NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = Path(os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SKIP_REASON = (f"no Chromium at {CHROMIUM}: install it to run the browser tests "
               "(Debian/Ubuntu: sudo apt-get install chromium), or name another Chromium or "
               "Chrome in COURSE_CHROMIUM")
#: JupyterLab settings for a quiet, predictable page: every cell attached to the page (so the
#: panels of cells far below are in it too), no news or update toasts over the notebook, and no
#: autosave (a run in the browser must not change the served copy a later test opens).
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}
SERVER_START_TIMEOUT = 180


@dataclass
class Lab:
    """A running JupyterLab: where it listens and its token."""

    url: str
    token: str

    def api(self, method, path):
        """Call the server's REST API (no proxy: it is on 127.0.0.1); return the decoded JSON or None."""
        request = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def notebook_url(self, name):
        """The address that opens notebook ``name`` alone, in a JupyterLab workspace of its own."""
        return f"{self.url}/lab/workspaces/{Path(name).stem}/tree/{name}?token={self.token}"

    def shut_down_kernels(self):
        """Stop every kernel of this server, so a finished chapter frees its memory."""
        for kernel in self.api("GET", "/api/kernels"):
            self.api("DELETE", f"/api/kernels/{kernel['id']}")


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: The user setting of JupyterLab's interface language (Settings > Language), as a person sets it.
CHINESE_INTERFACE = {"@jupyterlab/translation-extension/plugin.jupyterlab-settings": {"locale": "zh_CN"}}


def write_lab_settings(settings_dir, extra=None):
    """Write ``LAB_SETTINGS`` (and ``extra`` ones) as JupyterLab user settings under ``settings_dir``."""
    for relative, values in {**LAB_SETTINGS, **(extra or {})}.items():
        path = settings_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@contextlib.contextmanager
def serve(notebooks, home, settings=None):
    """JupyterLab serving the folder ``notebooks`` (trusted), its state under ``home``, with ``LAB_SETTINGS``
    and the user settings ``settings``; yields a ``Lab``."""
    write_lab_settings(home / "settings", settings)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), IPYTHONDIR=str(home / "ipython"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    subprocess.run([sys.executable, "-m", "jupyter", "trust", *map(str, sorted(notebooks.glob("*.ipynb")))],
                   env=env, check=True, capture_output=True)
    port, token = free_port(), secrets.token_hex(24)
    log = home / "jupyterlab.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
             "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={notebooks}"],
            stdout=log_file, stderr=subprocess.STDOUT, env=env)
    running = Lab(f"http://127.0.0.1:{port}", token)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    try:
        while True:
            try:
                running.api("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start; its log ({log}) ends with:\n"
                                       + log.read_text(errors="replace")[-3000:]) from None
                time.sleep(0.5)
        yield running
    finally:
        server.terminate()  # JupyterLab shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextlib.contextmanager
def chromium():
    """Headless Chromium, the system's, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
