# Entry points of the course. `make lab` and `make test` are the two set-up commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# JupyterLab refuses to run as root (containers, CI) unless told to.
AS_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout 1800

.PHONY: install lab test test-unit test-notebooks test-browser execute bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test,dev]"
	touch $(STAMP)

install: $(STAMP)  ## create or update .venv with the course and its test tools

lab: $(STAMP)  ## start JupyterLab on the chapters (localhost, with a token)
	$(BIN)/jupyter lab --ip=127.0.0.1 --ServerApp.root_dir=notebooks $(AS_ROOT) $(LAB_ARGS)

test: $(STAMP)  ## every test: unit tests, nbval strict over the chapters, browser tests
	$(BIN)/python -m pytest $(NBVAL) tests notebooks

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests -m "not browser"

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest $(NBVAL) notebooks

test-browser: $(STAMP)
	$(BIN)/python -m pytest tests -m browser

execute: $(STAMP)  ## rebuild the notebooks from notebooks/src and store fresh outputs (CHAPTERS="03 05" for some)
	$(BIN)/python tools/execute_notebooks.py $(CHAPTERS)

bench: $(STAMP)  ## measure suite time, training throughput and panel latency into benchmarks/results
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV)
