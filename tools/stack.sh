#!/usr/bin/env bash
# The oldest supported stack, run here: the versions an Apple-silicon Mac installs from the
# lock (TensorFlow 2.18 for tensorflow-metal 1.2.0, with the Keras, NumPy, protobuf... that
# the lock resolves beside it), minus the Metal plugin itself, which has no Linux wheel.
# It goes into a second venv (.venv-oldest, or $OLDEST_VENV), then runs a subset of the unit
# tests and one chapter under nbval-lax (every cell must run; outputs are not compared, as
# the stored ones come from the newest TensorFlow). Run by .ci/run after make test.
# Measured on the 2 cores of a development machine shared with other work (load 5-7):
# 221 s in all, of which 95 s to install with uv and an empty uv cache (pip took 308-365 s),
# 87 s for 238 unit tests, 23 s for the chapter.
#
#   bash tools/oldest_stack.sh            # PYTHON=python3.11 to choose the interpreter
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3

PYTHON=${PYTHON:-python3}
BIN=${COURSE_VENV_BIN:-.venv/bin}   # the course's own venv: its uv and tools/check_lock.py
VENV=${OLDEST_VENV:-.venv-oldest}
# The Mac with this Python: Apple silicon gets TensorFlow 2.18 from the Metal pin on 3.10-3.12.
VERSION=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
case "$VERSION" in
    3.10|3.11|3.12) TARGET=$VERSION-macos-arm64 ;;
    *) echo "tools/oldest_stack.sh needs Python 3.10-3.12 (PYTHON=...), where a Mac gets TensorFlow 2.18; $PYTHON is $VERSION" >&2
       exit 1 ;;
esac
# Unit tests of the library's maths and training loops, and the dataset code: the parts
# that talk to TensorFlow and Keras most directly (the slow ones, which start a fresh
# TensorFlow in a subprocess, are left out). Chapter 03 trains with course_lib's loops,
# schedules and panels in under a minute.
TESTS=(tests/test_tensors.py tests/test_schedules.py tests/test_losses.py tests/test_activations.py
       tests/test_optimizers.py tests/test_training.py tests/test_data.py)
CHAPTER=notebooks/03_learning_rate.ipynb

start=$SECONDS
# uv (from .venv: the dev extra, so `make install` first) installs the ~150 packages in a
# fraction of pip's time; the pins come from the lock, as for pip.
"$BIN/uv" venv -q --allow-existing --python "$PYTHON" "$VENV"
"$BIN/python" tools/check_lock.py --print-pins "$TARGET" > "$VENV/constraints.txt"
"$BIN/uv" pip install -q --python "$VENV/bin/python" -c "$VENV/constraints.txt" -e ".[test]"
"$VENV/bin/python" -c "import tensorflow as tf, keras; print('oldest stack: TensorFlow', tf.__version__, '/ Keras', keras.__version__)"
echo "installed in $((SECONDS - start)) s"

"$VENV/bin/python" -m pytest -q -m "not browser and not slow" "${TESTS[@]}"
"$VENV/bin/python" -m pytest -q --nbval-lax --nbval-current-env "$CHAPTER"
echo "oldest stack checked in $((SECONDS - start)) s"
