# Entry points of the course. `make lab` and `make test` are the two set-up commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Exact versions of every package, for every platform and Python the course supports
# (pyproject.toml keeps the loose ranges). nbval compares outputs strictly, so the
# stored notebooks hold only with the versions that produced them.
LOCK := requirements/lock.txt
INSTALL := $(BIN)/python -m pip install -q -c $(LOCK) -e ".[test,dev,lecture]"
# A student's set: what the chapters and the presentation mode need, without the tools that
# test and build them (pytest, Playwright, plotly, uv...). `make test` installs the rest.
STUDENT_STAMP := $(VENV)/.installed-student
STUDENT_INSTALL := $(BIN)/python -m pip install -q -c $(LOCK) -e ".[lecture]"
# uv resolves for Linux, macOS and Windows, Python 3.10 and later, at once: a pin that
# differs between them carries an environment marker. An existing pin is kept while it fits.
LOCK_COMPILE := $(BIN)/uv pip compile pyproject.toml --extra test --extra dev --extra lecture --extra hub --universal \
	--python-version 3.10 --annotation-style line --custom-compile-command "make upgrade" -o $(LOCK)
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 1800
# Two workers side by side (pytest-xdist): each file (a chapter's nbval cells, a test module) stays
# together on one worker, the longest first (see FIRST_FILES in conftest.py). JOBS=1 runs
# everything in this process, one test after another.
JOBS ?= 2
PARALLEL := $(if $(filter 1,$(JOBS)),,-n $(JOBS) --dist loadfile --no-loadscope-reorder)
# The ten slowest tests, listed at the end of the run.
DURATIONS := --durations=10

.PHONY: install lock upgrade check-lock lab test test-unit test-notebooks test-browser test-binder test-classroom homework execute bench site slides clean

$(STAMP): pyproject.toml $(LOCK)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(INSTALL)
	$(BIN)/python -m course_lib.widgets.chart  # bundle Vega for the panels once
	touch $(STAMP) $(STUDENT_STAMP)

$(STUDENT_STAMP): pyproject.toml $(LOCK)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(STUDENT_INSTALL)
	$(BIN)/python -m course_lib.widgets.chart
	touch $(STUDENT_STAMP)

# The scripts of the exported pages (make site, make slides): widget manager, anywidget,
# MathJax and reveal.js from npm, at the versions of web/package-lock.json. Without npm,
# install skips them (make lab and make test do not need them; the site's tests skip).
WEB := web/node_modules/.package-lock.json
$(WEB): web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund

install: $(STAMP) $(if $(shell command -v npm),$(WEB))  ## create or update .venv with the course and its tools, at the versions of the lock

lock: $(STAMP)  ## after editing pyproject.toml: resolve the lock again, keeping the pins that still fit
	$(LOCK_COMPILE)
	$(INSTALL)
	touch $(STAMP)

upgrade: $(STAMP)  ## newest versions: resolve the lock afresh, install it, re-execute the chapters, show what changed
	$(LOCK_COMPILE) --upgrade
	$(INSTALL)
	touch $(STAMP)
	$(MAKE) execute
	git diff --stat

check-lock: $(STAMP)  ## every pin has a wheel on Python 3.10-3.13, Linux x86_64, macOS arm64 and Windows
	$(BIN)/python tools/check_lock.py

lab: $(STUDENT_STAMP)  ## trust the chapters and start JupyterLab on them (localhost, with a token)
	$(BIN)/python -m course_lib lab $(LAB_ARGS)

test: install  ## every test: unit tests, nbval strict over the chapters, browser tests (JOBS=1: one at a time)
	$(BIN)/python -m pytest $(NBVAL) $(PARALLEL) $(DURATIONS) tests notebooks

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser"

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) $(PARALLEL) $(DURATIONS) notebooks

test-browser: install
	$(BIN)/python -m pytest tests -m browser

test-binder: $(STAMP)  ## build binder/ as repo2docker would (fresh venv, postBuild, offline) and run chapter 00 in it; minutes
	COURSE_BINDER_BUILD=1 $(BIN)/python -m pytest tests/test_binder.py -v

# The classroom (docs/teaching.md, "Serving a whole class" and "Homework"): the hub's proxy from npm at
# the version of classroom/hub/package-lock.json, and nbgrader in an environment of its own.
HUB_PROXY := classroom/hub/node_modules/.package-lock.json
HUB_STAMP := $(VENV)/.installed-hub
GRADING := build/grading-venv
GRADING_STAMP := $(GRADING)/.installed
$(HUB_PROXY): classroom/hub/package.json classroom/hub/package-lock.json
	cd classroom/hub && npm ci --ignore-scripts --no-audit --no-fund

# JupyterHub's singleuser server and nbgitpuller (the hub extra), into the course's environment as in the user image
$(HUB_STAMP): $(STAMP)
	$(BIN)/python -m pip install -q -c $(LOCK) -e ".[hub]"
	touch $(HUB_STAMP)

$(GRADING_STAMP): classroom/grading/requirements.txt $(LOCK)
	test -d $(GRADING) || $(PYTHON) -m venv $(GRADING)
	$(GRADING)/bin/python -m pip install -q --upgrade pip
	$(GRADING)/bin/python -m pip install -q -r classroom/grading/requirements.txt
	touch $(GRADING_STAMP)

homework: $(STAMP) $(GRADING_STAMP)  ## nbgrader for homework, in build/grading-venv (tools/homework.py makes an assignment of a chapter)

test-classroom: $(HUB_STAMP) $(HUB_PROXY) $(GRADING_STAMP)  ## a real JupyterHub serving three students, and nbgrader grading chapter 05; minutes
	COURSE_CLASSROOM=1 $(BIN)/python -m pytest -v tests/test_hub.py tests/test_grading.py

execute: $(STAMP)  ## rebuild the notebooks of both editions (notebooks/, notebooks/zh/) from notebooks/src, with fresh outputs (CHAPTERS="03 05" for some, EDITION=en or zh for one)
	$(BIN)/python tools/execute_notebooks.py --edition $(or $(EDITION),all) $(CHAPTERS)
	$(BIN)/python tools/chapter_table.py

bench: install  ## measure suite time, training throughput and panel latency into benchmarks/results
	$(BIN)/python benchmarks/run.py
	$(BIN)/python -m pytest benchmarks/test_timings.py

site: $(STAMP) $(WEB)  ## the course as a website from the stored outputs, in build/site (opens offline)
	$(BIN)/python tools/export_html.py site $(CHAPTERS)

slides: $(STAMP) $(WEB)  ## a reveal.js deck per chapter from the stored outputs, in build/slides (opens offline)
	$(BIN)/python tools/export_html.py slides $(CHAPTERS)

clean:
	rm -rf $(VENV)
