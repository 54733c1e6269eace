#!/usr/bin/env bash
# Another stack of the lock, checked in a venv of its own: the course's run-time set and test tools
# at the versions the lock gives one target, then the unit tests of the library and of every
# exercise check on it. Run by .ci/run after make test, for every supported combination that
# make test's .venv (Python 3.11 on Linux) does not cover:
#
#   bash tools/stack.sh oldest        # Apple silicon's pins (TensorFlow 2.18 for tensorflow-metal 1.2.0,
#                                     # minus the plugin, which has no Linux wheel), with python3 (3.10-3.12);
#                                     # also runs chapter 03 under nbval-lax (every cell must run)
#   bash tools/stack.sh linux 3.10    # Linux with Python 3.10: Keras 3.12.4, NumPy 2.0.2
#   bash tools/stack.sh linux 3.12    # (3.13 likewise): the newest TensorFlow on that Python
#
# The oldest stack, measured on the 2 cores of a development machine shared with other work
# (load 5-7): 221 s in all, of which 95 s to install with uv and an empty uv cache (pip took
# 308-365 s), 87 s for 238 unit tests, 23 s for the chapter.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3

BIN=${COURSE_VENV_BIN:-.venv/bin}   # the course's own venv: its uv and tools/check_lock.py
KIND=${1:?usage: bash tools/stack.sh oldest | linux VERSION}
case "$KIND" in
    oldest)
        PYTHON=${PYTHON:-python3}
        VERSION=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
        case "$VERSION" in
            # The Mac with this Python: Apple silicon gets TensorFlow 2.18 from the Metal pin on 3.10-3.12.
            3.10|3.11|3.12) TARGET=$VERSION-macos-arm64 ;;
            *) echo "tools/stack.sh oldest needs Python 3.10-3.12 (PYTHON=...), where a Mac gets TensorFlow 2.18; $PYTHON is $VERSION" >&2
               exit 1 ;;
        esac
        VENV=${STACK_VENV:-.venv-oldest}
        # The parts that talk to TensorFlow and Keras most directly (the slow tests, which start a
        # fresh TensorFlow in a subprocess, are left out); chapter 03 trains with course_lib's loops,
        # schedules and panels in under a minute.
        TESTS=(tests/test_tensors.py tests/test_schedules.py tests/test_losses.py tests/test_activations.py
               tests/test_optimizers.py tests/test_training.py tests/test_data.py)
        CHAPTER=notebooks/03_learning_rate.ipynb ;;
    linux)
        VERSION=${2:?usage: bash tools/stack.sh linux VERSION}
        # python3.10... from the PATH, else from pyenv (whose shim answers only for its chosen versions)
        PYTHON=${PYTHON:-$(command -v "python$VERSION" >/dev/null && "python$VERSION" -c pass 2>/dev/null \
                           && echo "python$VERSION" || ls -d "$(pyenv root 2>/dev/null)"/versions/"$VERSION".*/bin/python"$VERSION" 2>/dev/null | tail -1)}
        if [ -z "$PYTHON" ]; then echo "tools/stack.sh: no Python $VERSION on this machine (PYTHON=...)" >&2; exit 1; fi
        TARGET=$VERSION-linux-x86_64
        VENV=${STACK_VENV:-.venv-$VERSION}
        # Every unit test that needs no browser and no subprocess: the library, the panels' Python
        # side, and every exercise check with its lazy answers.
        TESTS=(tests -n 2 --dist loadfile)   # two workers, as make test
        CHAPTER= ;;
    *) echo "usage: bash tools/stack.sh oldest | linux VERSION" >&2; exit 2 ;;
esac

start=$SECONDS
# uv (from .venv: the dev extra, so `make install` first) installs the ~150 packages in a
# fraction of pip's time; the pins come from the lock, as for pip.
"$BIN/uv" venv -q --allow-existing --no-python-downloads --python "$PYTHON" "$VENV"
"$BIN/python" tools/check_lock.py --print-pins "$TARGET" > "$VENV/constraints.txt"
"$BIN/uv" pip install -q --python "$VENV/bin/python" -c "$VENV/constraints.txt" -e ".[test]"
"$VENV/bin/python" -c "import platform, numpy, tensorflow as tf, keras; print('stack $TARGET: Python', platform.python_version(), '/ TensorFlow', tf.__version__, '/ Keras', keras.__version__, '/ NumPy', numpy.__version__)"
echo "installed in $((SECONDS - start)) s"

"$VENV/bin/python" -m pytest -q -m "not browser and not slow" "${TESTS[@]}"
if [ -n "$CHAPTER" ]; then
    "$VENV/bin/python" -m pytest -q --nbval-lax --nbval-current-env "$CHAPTER"
fi
echo "stack $TARGET checked in $((SECONDS - start)) s"
