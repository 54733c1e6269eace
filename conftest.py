"""pytest configuration shared by the unit tests and nbval.

nbval compares every stream of a cell, stderr included; TensorFlow and Keras
write warnings there that change with versions and machines and say nothing
about the chapter. They are dropped from both sides of the comparison, so a
strict run judges what the chapter prints on stdout and returns.
"""

import os

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
