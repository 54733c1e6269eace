"""The chart glue's JavaScript, tested with Node's own test runner (tests/js)."""

import shutil
import subprocess
from pathlib import Path

import pytest

JS_TESTS = Path(__file__).with_name("js")


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed: the glue's tests need `node`")
def test_chart_glue():
    run = subprocess.run(["node", "--test", *map(str, sorted(JS_TESTS.glob("*.test.mjs")))],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "# fail 0" in run.stdout and "# pass 8" in run.stdout
