"""pytest configuration shared by the unit tests and nbval.

nbval compares every stream of a cell, stderr included; TensorFlow and Keras
write warnings there that change with versions and machines and say nothing
about the chapter. They are dropped from both sides of the comparison, so a
strict run judges what the chapter prints on stdout and returns.
"""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

try:
    from nbval.plugin import IPyNbCell
except ImportError:  # nbval not installed: only the unit tests run
    IPyNbCell = None


def _without_stderr(outputs):
    return [o for o in outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]


if IPyNbCell is not None:
    _compare_outputs = IPyNbCell.compare_outputs

    def compare_outputs(self, test, ref, skip_compare=None):
        """nbval's comparison, with stderr streams removed from both sides."""
        return _compare_outputs(self, _without_stderr(test), _without_stderr(ref), skip_compare)

    IPyNbCell.compare_outputs = compare_outputs


#: Under ``pytest -n 2 --dist loadfile`` (``make test``) each file runs on one worker as a whole (a
#: chapter's nbval cells share one kernel and run in order), and these start first, so that the
#: two workers end together: the browser tests (one JupyterLab and one Chromium), then the
#: chapters that train for minutes. (``--dist loadgroup`` would keep every browser test on one
#: worker, but pytest-xdist 3.8 cannot group tests under pytest 9.2: it renames a test's
#: ``_nodeid``, which pytest no longer reads.)
FIRST_FILES = ("tests/browser/test_panels.py", "notebooks/02_", "notebooks/10_", "notebooks/09_")


#: The Chinese chapters nbval runs too. The two editions run the same code, and tests/test_editions.py holds
#: every Chinese chapter's stored outputs to the English ones (which nbval runs), the library's lines said in
#: Chinese; these run afresh besides, in the kernel's Chinese, at a fraction of the time of all twelve.
ZH_NBVAL = ("00_", "03_", "05_")


def pytest_ignore_collect(collection_path, config):
    """Leave out the Chinese chapters that are not in ``ZH_NBVAL``."""
    if collection_path.suffix == ".ipynb" and collection_path.parent.name == "zh":
        return not collection_path.name.startswith(ZH_NBVAL)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """On an xdist worker, put the files of ``FIRST_FILES`` first, in that order; the rest as collected."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return

    def rank(item):
        return next((place for place, prefix in enumerate(FIRST_FILES) if item.nodeid.startswith(prefix)),
                    len(FIRST_FILES))

    items.sort(key=rank)  # stable: the tests of a file, a notebook's cells above all, keep their order
