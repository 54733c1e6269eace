"""A class on a real JupyterHub: students log in, get the chapters handed out, and see a panel from the kernel.

The hub is JupyterHub from the lock (the ``hub`` extra), its proxy configurable-http-proxy from
npm (``classroom/hub/package-lock.json``), on loopback, with JupyterHub's test authenticator
and its local spawner (the students' servers are ``jupyterhub-singleuser`` from the course's
venv, as in the user image). Each student's server starts with the start-up hook of the Zero
to JupyterHub configuration (``classroom/z2jh/config.yaml``: gitpuller hands the chapters out,
``jupyter trust`` trusts them), run here as the spawner's command before the server. Then
every student, at the same time:

1. logs in through the hub's login form (which starts the student's server),
2. opens a chapter through the server's contents API, as JupyterLab does (it must be the
   handed-out copy, and trusted: saved panels render only in trusted notebooks),
3. starts a kernel for it (a session, as JupyterLab does) and runs its setup cell and one
   panel cell over the kernel's websocket (the Jupyter messaging protocol),
4. gets the panel's output: a ``application/vnd.jupyter.widget-view+json`` view whose model,
   and every model it refers to, the kernel has sent as widget comm messages.

The test stops everything it started by process id (the hub, its proxy, each student's
server) and is bounded in time. It starts a hub and three TensorFlow kernels, a minute or
two, so it runs in ``make test-classroom`` (``COURSE_CLASSROOM=1``), not in ``make test``.
"""

import concurrent.futures
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import nbformat
import psutil
import pytest
import requests
import websocket
import yaml

from course_lib import data
from tests.helpers import ROOT

pytestmark = pytest.mark.skipif(os.environ.get("COURSE_CLASSROOM") != "1",
                                reason="starts a JupyterHub and three kernels: make test-classroom")

PROXY = ROOT / "classroom" / "hub" / "node_modules" / ".bin" / "configurable-http-proxy"
VENV_BIN = Path(sys.executable).parent
#: Each student opens one chapter and runs its setup cell and this panel's cell.
STUDENTS = {"ada": ("00_welcome", "line_fit_panel"), "bo": ("03_learning_rate", "learning_rate_regimes_panel"),
            "chen": ("05_losses", "ce_vs_mse_panel")}
#: The whole test, hub start to hub stop, is given at most this long.
DEADLINE_SECONDS = 600
#: After the hub stops, what it started is given this long to end before it counts as left running.
STOP_GRACE_SECONDS = 30
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_up_hook():
    """The Zero to JupyterHub start-up hook (``singleuser.lifecycleHooks.postStart``) and its environment."""
    single = yaml.safe_load((ROOT / "classroom" / "z2jh" / "config.yaml").read_text(encoding="utf-8"))["singleuser"]
    command = single["lifecycleHooks"]["postStart"]["exec"]["command"]
    if command[:2] != ["bash", "-c"]:
        raise ValueError(f"the start-up hook is not a bash command: {command}")
    return command[2], single["extraEnv"]


def hub_config(folder, ports, service_token):
    """A jupyterhub_config.py: loopback, dummy login, local spawner running the start-up hook first."""
    hook, image_env = start_up_hook()
    environment = {
        # this checkout stands for the repository the hook hands out (its committed chapters)
        "COURSE_REPOSITORY": str(ROOT),
        # the image's Keras home stands for this machine's, where make install put the datasets
        "KERAS_HOME": str(data.keras_cache_dir().parent),
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    missing = set(image_env) - set(environment)
    if missing:
        raise ValueError(f"the configuration's extraEnv has {sorted(missing)}, which this test does not set")
    command = ["bash", "-c", f'{hook} && exec jupyterhub-singleuser "$@"', "start-up-hook"]
    return f"""
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {ports['hub']}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {ports['internal']}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{ports['proxy_api']}"
c.ConfigurableHTTPProxy.command = [{str(PROXY)!r}]
c.JupyterHub.db_url = "sqlite:///{folder / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = {str(folder / 'cookie_secret')!r}
c.JupyterHub.pid_file = {str(folder / 'jupyterhub.pid')!r}
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = "class-of-a-hundred"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = {str(folder / 'home' / '{username}')!r}
c.Spawner.cmd = {command!r}
c.Spawner.args = ["--allow-root"]
c.Spawner.environment = {environment!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
c.JupyterHub.services = [{{"name": "course-test", "api_token": {service_token!r}}}]
c.JupyterHub.load_roles = [{{"name": "course-test", "services": ["course-test"],
    "scopes": ["admin:users", "admin:servers", "admin:server_state", "tokens"]}}]
"""


class Hub:
    """A JupyterHub process and everything it starts, each stopped by process id at the end."""

    def __init__(self, folder):
        self.folder = folder
        self.ports = {name: free_port() for name in ("hub", "internal", "proxy_api")}
        self.url = f"http://127.0.0.1:{self.ports['hub']}"
        self.token = secrets.token_hex(16)
        (folder / "jupyterhub_config.py").write_text(hub_config(folder, self.ports, self.token))
        self.log = open(folder / "jupyterhub.log", "w")
        self.process = subprocess.Popen([str(VENV_BIN / "jupyterhub"), "-f", str(folder / "jupyterhub_config.py")],
                                        cwd=folder, stdout=self.log, stderr=subprocess.STDOUT)
        self.started = set()  # process ids of the proxy, the students' servers and their kernels

    def api(self, method, path, **arguments):
        response = requests.request(method, f"{self.url}/hub/api{path}", timeout=30,
                                    headers={"Authorization": f"token {self.token}"}, **arguments)
        response.raise_for_status()
        return response.json() if response.content else None

    def wait_until_up(self, deadline):
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the hub stopped at start: {self.log_text()[-3000:]}")
            try:
                self.api("GET", "/")
                proxy = (self.folder / "jupyterhub-proxy.pid")
                if proxy.exists():
                    self.started.add(int(proxy.read_text()))
                return
            except requests.RequestException:
                time.sleep(0.5)
        raise TimeoutError("the hub did not answer in time")

    def log_text(self):
        self.log.flush()
        return (self.folder / "jupyterhub.log").read_text(errors="replace")

    def stop(self):
        """Stop the hub (it stops its servers and proxy), then anything it left, by process id.

        Returns what still ran ``STOP_GRACE_SECONDS`` after the hub stopped (and was then killed):
        a server exits at once on the hub's interrupt, and its kernels follow on their own when
        they see their parent gone (ipykernel polls it every second), seconds later on a busy machine.
        """
        if self.process.poll() is None:
            # the proxy, the students' servers and their kernels
            self.started |= {child.pid for child in psutil.Process(self.process.pid).children(recursive=True)}
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        processes = []
        for pid in self.started:
            try:
                process = psutil.Process(pid)
                processes.append((process, " ".join(process.cmdline()[:3])))
            except psutil.Error:
                pass
        until = time.monotonic() + STOP_GRACE_SECONDS
        while True:
            processes = [(process, command) for process, command in processes if still_running(process)]
            if not processes or time.monotonic() > until:
                break
            time.sleep(0.2)
        left = []
        for process, command in processes:
            try:
                process.kill()
                left.append(f"{process.pid} ({command})")
            except psutil.NoSuchProcess:
                pass
        self.log.close()
        return left


def still_running(process):
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


class Student:
    """One student's browser: a session with the hub's cookies, then a token for the server's API."""

    def __init__(self, hub, name):
        self.hub, self.name = hub, name
        self.browser = requests.Session()
        self.server = f"{hub.url}/user/{name}"

    def log_in(self):
        """The login form, as a browser fills it: the hub then starts the student's server."""
        form = self.browser.get(f"{self.hub.url}/hub/login", timeout=30)
        form.raise_for_status()
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', form.text).group(1)
        answer = self.browser.post(f"{self.hub.url}/hub/login?next=", timeout=300,
                                   data={"username": self.name, "password": "class-of-a-hundred", "_xsrf": xsrf})
        answer.raise_for_status()
        if "jupyterhub-session-id" not in self.browser.cookies and "jupyterhub-hub-login" not in self.browser.cookies:
            raise RuntimeError(f"{self.name} is not logged in: {answer.url}")

    def wait_for_server(self, deadline):
        while time.monotonic() < deadline:
            user = self.hub.api("GET", f"/users/{self.name}", params={"include_stopped_servers": "0"})
            server = user["servers"].get("")
            if server is None:
                raise RuntimeError(f"{self.name}'s server is not starting: {self.hub.log_text()[-3000:]}")
            if (server.get("state") or {}).get("pid"):
                self.hub.started.add(server["state"]["pid"])
            if server["ready"]:
                token = self.hub.api("POST", f"/users/{self.name}/tokens",
                                     json={"note": "classroom test", "expires_in": 900})["token"]
                self.browser.headers["Authorization"] = f"token {token}"
                return
            time.sleep(1)
        raise TimeoutError(f"{self.name}'s server did not start in time")

    def get(self, path, **arguments):
        response = self.browser.get(f"{self.server}{path}", timeout=60, **arguments)
        response.raise_for_status()
        return response.json()

    def open_chapter(self, chapter):
        """The chapter as JupyterLab opens it (contents API): the handed-out copy in the home."""
        return self.get(f"/api/contents/tf-course/notebooks/{chapter}.ipynb", params={"content": "1"})

    def kernel_for(self, chapter):
        """A kernel session for the chapter, as JupyterLab starts one; its websocket."""
        response = self.browser.post(f"{self.server}/api/sessions", timeout=120, json={
            "path": f"tf-course/notebooks/{chapter}.ipynb", "type": "notebook", "name": "",
            "kernel": {"name": "python3"}})
        response.raise_for_status()
        kernel_id = response.json()["kernel"]["id"]
        url = f"ws://127.0.0.1:{self.hub.ports['hub']}/user/{self.name}/api/kernels/{kernel_id}/channels"
        return Kernel(websocket.create_connection(
            url, timeout=300, header=[f"Authorization: {self.browser.headers['Authorization']}"]))


class Kernel:
    """The Jupyter messaging protocol over a server's kernel websocket (JSON frames, one per message)."""

    def __init__(self, connection):
        self.connection = connection
        self.session = uuid.uuid4().hex
        self.widgets = {}  # model id -> state, from the comm messages of target jupyter.widget

    def execute(self, code, deadline):
        """Run ``code``; return its outputs (display data, results, streams) once the kernel is idle again."""
        msg_id = uuid.uuid4().hex
        self.connection.send(json.dumps({
            "header": {"msg_id": msg_id, "session": self.session, "username": "student", "version": "5.3",
                       "msg_type": "execute_request", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        outputs, replied, idle = [], None, False
        while not (replied and idle):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the kernel did not finish {code[:60]!r} in time")
            message = json.loads(self.connection.recv())
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["header"]["msg_type"], message["content"]
            if kind == "execute_reply":
                replied = content
            elif kind == "status" and content["execution_state"] == "idle":
                idle = True
            elif kind == "comm_open" and content.get("target_name") == "jupyter.widget":
                self.widgets[content["comm_id"]] = dict(content["data"]["state"])
            elif kind == "comm_msg" and content["data"].get("method") == "update":
                self.widgets.setdefault(content["comm_id"], {}).update(content["data"]["state"])
            elif kind in ("display_data", "execute_result", "stream", "error"):
                outputs.append(message)
        if replied["status"] != "ok":
            raise RuntimeError(f"{code[:60]!r} failed: {replied.get('ename')}: {replied.get('evalue')}")
        return outputs

    def reachable(self, model_id):
        """Every widget model a view needs, following the "IPY_MODEL_" references of their states."""
        seen, waiting = set(), [model_id]
        while waiting:
            current = waiting.pop()
            if current in seen:
                continue
            seen.add(current)
            waiting += re.findall(r"IPY_MODEL_([0-9a-f]+)", json.dumps(self.widgets.get(current, {})))
        return seen


def cells_to_run(notebook, panel):
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    setup = next(cell for cell in code if "notebook.setup(" in cell["source"])
    shown = next(cell for cell in code if "panel" in cell["metadata"].get("tags", []) and f"{panel}(" in cell["source"])
    return setup, shown


def one_student(hub, name, chapter, panel, deadline):
    """What one student does, start to panel; returns what the test checks."""
    student = Student(hub, name)
    student.log_in()
    student.wait_for_server(deadline)
    opened = student.open_chapter(chapter)
    notebook = opened["content"]
    setup, shown = cells_to_run(notebook, panel)
    kernel = student.kernel_for(chapter)
    try:
        kernel.execute(setup["source"], deadline)
        outputs = kernel.execute(shown["source"], deadline)
    finally:
        kernel.connection.close()
    views = [message["content"]["data"][WIDGET_VIEW]["model_id"] for message in outputs
             if WIDGET_VIEW in message["content"].get("data", {})]
    home = hub.folder / "home" / name
    return {"notebook": notebook, "views": views, "kernel": kernel, "home": home,
            "untrusted_code_cells": [cell["source"][:40] for cell in notebook["cells"]
                                     if cell["cell_type"] == "code" and not cell["metadata"].get("trusted")]}


def test_a_class_logs_in_gets_the_chapters_and_sees_a_panel(tmp_path):
    if not PROXY.exists():
        pytest.fail(f"{PROXY} is missing: cd classroom/hub && npm ci")
    deadline = time.monotonic() + DEADLINE_SECONDS
    hub = Hub(tmp_path)
    try:
        hub.wait_until_up(deadline)
        with concurrent.futures.ThreadPoolExecutor(len(STUDENTS)) as pool:
            futures = {name: pool.submit(one_student, hub, name, chapter, panel, deadline)
                       for name, (chapter, panel) in STUDENTS.items()}
            seen = {name: future.result(timeout=max(1, deadline - time.monotonic())) for name, future in futures.items()}
        for name, (chapter, panel) in STUDENTS.items():
            result = seen[name]
            # the handed-out copy is the repository's committed chapter, in the student's own home
            committed = nbformat.reads(subprocess.run(["git", "show", f"HEAD:notebooks/{chapter}.ipynb"], cwd=ROOT,
                                                      capture_output=True, text=True, check=True).stdout, as_version=4)
            handed_out = nbformat.read(result["home"] / "tf-course" / "notebooks" / f"{chapter}.ipynb", as_version=4)
            assert [cell.source for cell in handed_out.cells] == [cell.source for cell in committed.cells]
            assert result["untrusted_code_cells"] == [], f"{name}'s {chapter} is not trusted"
            assert len(result["views"]) == 1, f"{name}'s {panel}() showed {len(result['views'])} widget views"
            kernel, view = result["kernel"], result["views"][0]
            models = kernel.reachable(view)
            assert models <= set(kernel.widgets), f"{name}'s panel refers to widgets the kernel never sent"
            assert len(models) > 3, f"{name}'s panel is {len(models)} widgets: a panel has controls and a chart"
            # the chart (anywidget) carries the figure's Vega-Lite spec in its state
            assert any("$schema" in json.dumps(kernel.widgets[model]) for model in models), \
                f"{name}'s panel has no chart state"
    finally:
        left = hub.stop()
    assert left == [], f"processes the hub did not stop: {left}"
    assert hub.started, "the test recorded no process of the proxy or the servers"
