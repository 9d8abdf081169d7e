# CTA Desk: `make run` opens the app, `make test` runs ruff and the whole test suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench selftest install clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "CTA Desk needs Python 3.11+, found " + sys.version.split()[0] + " (set PYTHON=python3.x)")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/ctadesk

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

selftest: install
	QT_QPA_PLATFORM=offscreen $(BIN)/ctadesk --self-test

bench: install
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	$(BIN)/ctadesk-cli bench --json
	$(BIN)/python benchmarks/sweep_bench.py
	$(BIN)/python benchmarks/sweep_memory.py
	$(BIN)/python benchmarks/vectorbt_compare.py
	$(BIN)/python benchmarks/data_import.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/startup.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/chart_pan.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/run_to_chart.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
