#!/usr/bin/env bash
# A student's environment, built as README's quick start builds it but without make: a fresh venv
# with the course and only what the chapters and the presentation mode need (no test or build
# tools), from the lock. Then, with that Python: `python -m course_lib lab` trusts the chapters and
# serves them (tests/test_lab.py), and chapter 00 runs top to bottom. Run by .ci/run after make test.
#
#   bash tools/student_env.sh        # STUDENT_VENV=... to choose the folder (default .venv-student)
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=3

BIN=${COURSE_VENV_BIN:-.venv/bin}   # the course's own venv: uv, pytest
VENV=${STUDENT_VENV:-.venv-student}
start=$SECONDS
"$BIN/uv" venv -q --allow-existing --python "${PYTHON:-python3}" "$VENV"
"$BIN/uv" pip install -q --python "$VENV/bin/python" -c requirements/lock.txt -e ".[lecture]"
echo "student environment installed in $((SECONDS - start)) s: $(du -sm "$VENV" | cut -f1) MB (the full .venv: $(du -sm .venv | cut -f1) MB)"
# None of the maintainers' tools came along.
"$VENV/bin/python" - <<'PY'
import importlib.util
extra = [name for name in ("pytest", "nbval", "playwright", "plotly", "uv", "jupytext", "hypothesis")
         if importlib.util.find_spec(name) is not None]
if extra:
    raise SystemExit(f"the student's environment has the maintainers' tools {extra}")
PY
COURSE_STUDENT_PYTHON="$VENV/bin/python" "$BIN/python" -m pytest -q tests/test_lab.py -k without_make
"$VENV/bin/jupyter" nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
    --output-dir "$VENV" notebooks/00_welcome.ipynb
echo "student environment checked in $((SECONDS - start)) s"
