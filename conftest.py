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


#: With ``pytest -n 2 --dist loadgroup`` (``make test``) each of these runs on one worker as a whole,
#: and the longest start first, so that the two workers end together: the browser tests (one
#: JupyterLab and one Chromium for all of them), then the chapters that train for minutes.
FIRST_GROUPS = ("browser", "notebooks/02_", "notebooks/10_", "notebooks/09_")


def xdist_group(item):
    """The group of a test under ``--dist loadgroup``: "browser" for a browser test, else its file.

    A chapter's nbval cells share one kernel and run in order, so a notebook is one group; a
    test module is one too, so that its module-scoped fixtures are built once.
    """
    return "browser" if item.get_closest_marker("browser") else item.nodeid.split("::")[0]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under ``--dist loadgroup``, give every test its group, longest groups first (see ``FIRST_GROUPS``)."""
    if not getattr(config.option, "loadgroup", False):  # set on the workers of an xdist loadgroup run
        return

    def rank(item):
        group = xdist_group(item)
        return next((place for place, prefix in enumerate(FIRST_GROUPS) if group.startswith(prefix)),
                    len(FIRST_GROUPS))

    items.sort(key=rank)  # stable: the tests of a group, a notebook's cells above all, keep their order
    for item in items:
        item.add_marker(pytest.mark.xdist_group(xdist_group(item)))
