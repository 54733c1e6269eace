"""Small helpers shared by the unit tests."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATASETS = ROOT.parent / "shared" / "datasets"
#: An address where nothing listens: a download through this proxy fails at once, as offline.
UNREACHABLE_PROXY = "http://127.0.0.1:9"


def run_python(code, *, keras_home, data_dir=None, cwd=None):
    """Run ``code`` in a fresh Python with its own Keras cache and no network; return the process."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("COURSE_DATA_DIR", "KERAS_HOME") and not key.lower().endswith("_proxy")}
    env.update(KERAS_HOME=str(keras_home), TF_CPP_MIN_LOG_LEVEL="3",
               http_proxy=UNREACHABLE_PROXY, https_proxy=UNREACHABLE_PROXY,
               HTTP_PROXY=UNREACHABLE_PROXY, HTTPS_PROXY=UNREACHABLE_PROXY)
    if data_dir is not None:
        env["COURSE_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-c", code], env=env, cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=300)
