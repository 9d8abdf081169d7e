# CTA Desk: `make run` opens the app, `make test` runs ruff and the whole test suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-xcb lint bench selftest soak install clean dist dist-test

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

# the real-window tests need an X server: xvfb-run when present (.ci/run installs it and sets
# CTADESK_REQUIRE_XVFB=1 so that they can never be skipped there)
XVFB_RUN = xvfb-run -a -s "-screen 0 1920x1080x24"
XCB_HELPERS = libxcb-cursor.so.0 libxcb-icccm.so.4 libxcb-keysyms.so.1 libxcb-image.so.0 \
	libxcb-render-util.so.0 libxkbcommon-x11.so.0

test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest $(PYTEST_ARGS) --ignore=tests/xcb
	@$(MAKE) --no-print-directory test-xcb

test-xcb: install
	@if command -v xvfb-run >/dev/null 2>&1; then \
		echo "real-window tests (Xvfb, QT_QPA_PLATFORM=xcb):"; \
		$(XVFB_RUN) env QT_QPA_PLATFORM=xcb $(BIN)/python -m pytest $(PYTEST_ARGS) -v tests/xcb; \
	elif [ -n "$$CTADESK_REQUIRE_XVFB" ]; then \
		echo "error: xvfb-run not found and CTADESK_REQUIRE_XVFB is set"; exit 1; \
	else \
		echo "real-window tests skipped: xvfb-run not found (Debian/Ubuntu: sudo apt-get install xvfb xauth)"; \
	fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

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
	$(BIN)/python benchmarks/cluster_sweep.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/batch_report.py

VERSION = $(shell $(BIN)/python -c "from importlib.metadata import version; print(version('ctadesk'))")
ARCHIVE = dist/ctadesk-$(VERSION)-$(shell uname -s | tr A-Z a-z)-$(shell uname -m).tar.gz

dist: install
	$(BIN)/python -m pip install -q -e '.[dev,dist]'
	$(BIN)/pyinstaller build.spec --noconfirm --log-level WARN
	tar -czf $(ARCHIVE) -C dist ctadesk
	@du -sh dist/ctadesk $(ARCHIVE)

# full-length reliability runs (make test runs the same tests in a bounded form)
soak: install
	QT_QPA_PLATFORM=offscreen CTADESK_MONKEY_EVENTS=5000 CTADESK_SOAK_RUNS=200 CTADESK_SOAK_KILLS=60 \
	$(BIN)/python -m pytest -q -s -p no:logging tests/gui/test_monkey.py tests/gui/test_soak.py \
	tests/engine/test_crash_safety.py tests/app/test_kill_restart.py

dist-test:
	rm -rf build/dist-test-home
	@echo "cold start (compiles the kernels into the user cache):"
	CTADESK_HOME=$(CURDIR)/build/dist-test-home QT_QPA_PLATFORM=offscreen dist/ctadesk/ctadesk --self-test --json
	@echo "warm start (must reuse the cache and pass):"
	CTADESK_HOME=$(CURDIR)/build/dist-test-home QT_QPA_PLATFORM=offscreen dist/ctadesk/ctadesk --self-test --json
	CTADESK_HOME=$(CURDIR)/build/dist-test-home dist/ctadesk/ctadesk-cli rule16 --vix 32 --json
	CTADESK_HOME=$(CURDIR)/build/dist-test-home dist/ctadesk/ctadesk-cli backtest --prices DEMO_ES,DEMO_NQ,DEMO_ZN,DEMO_GC,DEMO_EUR --vix DEMO_VIX --json > /dev/null
	CTADESK_HOME=$(CURDIR)/build/dist-test-home dist/ctadesk/ctadesk-cli report --preset tsmom-blend --prices demo --out build/dist-test-report --json > /dev/null
	test -s build/dist-test-report/tsmom-blend_demo/equity.png
	@echo "the xcb helper libraries travel in the bundle:"
	for lib in $(XCB_HELPERS); do test -e dist/ctadesk/_internal/$$lib || { echo "missing $$lib"; exit 1; }; done
	@echo "a library the bundle does not carry, hidden: exit 2 and the message, no abort:"
	rm -rf build/dist-test-shadow && mkdir -p build/dist-test-shadow && : > build/dist-test-shadow/libxcb.so.1
	LD_LIBRARY_PATH=$(CURDIR)/build/dist-test-shadow DISPLAY=:0 QT_QPA_PLATFORM=xcb CTADESK_HOME=$(CURDIR)/build/dist-test-home \
		dist/ctadesk/ctadesk --self-test 2> build/dist-test-shadow/err.txt; test $$? -eq 2
	grep -q "libxcb.so.1" build/dist-test-shadow/err.txt && grep -q "apt-get install libxcb1" build/dist-test-shadow/err.txt
	@echo "real window (Xvfb, QT_QPA_PLATFORM=xcb):"
	CTADESK_HOME=$(CURDIR)/build/dist-test-home $(XVFB_RUN) env QT_QPA_PLATFORM=xcb dist/ctadesk/ctadesk --self-test --json > build/dist-test-xcb.json
	grep -q '"platform": "xcb"' build/dist-test-xcb.json && grep -q '"ok": true' build/dist-test-xcb.json
	@echo "dist-test: bundle ok"

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
