"""Fixtures of the browser tests: a private JupyterLab serving a copy of the chapters, and Chromium.

How both are started is in ``tests/browser/lab.py`` (the benchmarks use it too).
"""

import shutil

import pytest

from tests.browser.lab import CHROMIUM, NOTEBOOKS, SKIP_REASON, chromium, serve

@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """JupyterLab on 127.0.0.1, a free port and a random token, serving a trusted copy of the chapters."""
    home = tmp_path_factory.mktemp("jupyterlab")
    served = home / "notebooks"
    served.mkdir()
    for notebook in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy2(notebook, served)
    try:
        with serve(served, home) as running:
            yield running
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, the system's, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    with chromium() as running:
        yield running
