# CTA Desk: `make run` opens the app, `make test` runs ruff and the whole test suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test test-xcb lint bench selftest soak install clean dist dist-test dist-deb \
	dist-selftest dist-windows dist-macos dist-cpu-bench

ifeq ($(OS),Windows_NT)  # Git Bash on Windows (the release workflow): a venv keeps its programs in Scripts
BIN := $(VENV)/Scripts
endif

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
DEB = $(shell $(BIN)/python -m resources.packaging.deb --version $(VERSION) --print-name)
DMG = dist/ctadesk-$(VERSION)-macos-$(shell uname -m).dmg
ISCC ?= iscc

# the one-folder bundle with the numba kernels compiled inside it for a portable CPU
# (build.spec), its archive, and on Linux the .deb
dist: install
	$(BIN)/python -m pip install -q -e '.[dev,dist]'
	$(BIN)/pyinstaller build.spec --noconfirm --log-level WARN
	tar -czf $(ARCHIVE) -C dist ctadesk
	@if [ "$$(uname -s)" = Linux ]; then $(MAKE) --no-print-directory dist-deb; fi
	@du -sh dist/ctadesk $(ARCHIVE)

# Linux: dist/ctadesk_VERSION_ARCH.deb from the bundle (resources/packaging/deb.py: /opt/ctadesk,
# /usr/bin links, menu entry, hicolor icons; Depends read from the libraries the bundle links
# and does not carry, by objdump -p, ldconfig -p and dpkg-query -S: resources/packaging/system_libs.py)
dist-deb: install
	@[ "$$(uname -s)" = Linux ] && command -v dpkg-deb >/dev/null && command -v objdump >/dev/null || \
		{ echo "error: make dist-deb builds a Debian package: it needs Linux with dpkg-deb and objdump (apt-get install dpkg binutils)"; exit 2; }
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m resources.packaging.deb --version $(VERSION) \
		--bundle dist/ctadesk --out dist --work build/deb
	@du -h $(DEB)

# Windows: the Inno Setup installer dist/ctadesk-VERSION-windows-setup.exe around dist/ctadesk
dist-windows:
	@[ "$(OS)" = Windows_NT ] || { echo "error: make dist-windows builds the Windows installer: run it on Windows after make dist"; exit 2; }
	@command -v "$(ISCC)" >/dev/null || { echo "error: $(ISCC) not found: install Inno Setup 6 and put ISCC.exe on PATH (or set ISCC=)"; exit 2; }
	MSYS_NO_PATHCONV=1 "$(ISCC)" -Qp -DAppVersion=$(VERSION) resources/packaging/ctadesk.iss

# macOS: a .dmg holding dist/CTADesk.app (build.spec's BUNDLE) and a link to /Applications
dist-macos:
	@[ "$$(uname -s)" = Darwin ] || { echo "error: make dist-macos builds the .dmg with hdiutil: run it on macOS after make dist"; exit 2; }
	@test -d dist/CTADesk.app || { echo "error: no dist/CTADesk.app: run make dist first"; exit 2; }
	rm -rf build/dmg $(DMG) && mkdir -p build/dmg
	cp -R dist/CTADesk.app build/dmg/ && ln -s /Applications build/dmg/Applications
	hdiutil create -volname "CTA Desk" -srcfolder build/dmg -ov -format UDZO $(DMG)

# any platform: the bundle's self-test (exit status) and CLI on a fresh CTADESK_HOME
dist-selftest:
	rm -rf build/dist-selftest-home
	CTADESK_HOME=$(CURDIR)/build/dist-selftest-home dist/ctadesk/ctadesk --self-test
	CTADESK_HOME=$(CURDIR)/build/dist-selftest-home dist/ctadesk/ctadesk-cli rule16 --vix 32 --json
	CTADESK_HOME=$(CURDIR)/build/dist-selftest-home dist/ctadesk/ctadesk-cli backtest --prices demo --json > /dev/null

# what the portable CPU target of the shipped kernels costs: ctadesk-cli bench, generic vs host
dist-cpu-bench: install
	$(BIN)/python -m resources.packaging.cpu_target_bench

# full-length reliability runs (make test runs the same tests in a bounded form)
soak: install
	QT_QPA_PLATFORM=offscreen CTADESK_MONKEY_EVENTS=5000 CTADESK_SOAK_RUNS=200 CTADESK_SOAK_KILLS=60 \
	$(BIN)/python -m pytest -q -s -p no:logging tests/gui/test_monkey.py tests/gui/test_soak.py \
	tests/engine/test_crash_safety.py tests/app/test_kill_restart.py

DEB_TEST = build/dist-test-deb
DEB_HOME = $(CURDIR)/build/dist-test-deb-home
NO_NUMBA_ENV = env -u NUMBA_CACHE_DIR -u NUMBA_CPU_NAME -u NUMBA_CPU_FEATURES -u NUMBA_CACHE_LOCATOR_CLASSES

dist-test:
	@[ "$$(uname -s)" = Linux ] || { echo "error: make dist-test checks the Linux bundle and .deb: elsewhere run make dist-selftest"; exit 2; }
	rm -rf build/dist-test-home
	@echo "first start (kernels copied from the bundle's shipped cache into the user cache):"
	CTADESK_HOME=$(CURDIR)/build/dist-test-home QT_QPA_PLATFORM=offscreen dist/ctadesk/ctadesk --self-test --json
	@echo "second start (must reuse the user cache and pass):"
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
	@echo "the .deb, extracted with dpkg-deb -x to a root away from the build's paths:"
	rm -rf $(DEB_TEST) $(DEB_HOME) && mkdir -p $(DEB_TEST)/bin
	dpkg-deb -x $(DEB) $(DEB_TEST)/root
	dpkg-deb -f $(DEB) Package Version Architecture Installed-Size Depends Recommends
	@echo "no maintainer scripts; files only in /opt/ctadesk, the /usr/bin links, the menu entry and icons:"
	dpkg-deb -e $(DEB) $(DEB_TEST)/DEBIAN && test "$$(ls $(DEB_TEST)/DEBIAN)" = control
	! dpkg-deb -c $(DEB) | awk '{print $$6}' | grep -Ev '^\./(opt/(ctadesk/.*)?|usr/(bin/(ctadesk(-cli)?)?|share/(applications/(ctadesk\.desktop)?|icons/(hicolor/.*)?)?)?)?$$'
	test "$$(readlink $(DEB_TEST)/root/usr/bin/ctadesk)" = /opt/ctadesk/ctadesk
	test "$$(readlink $(DEB_TEST)/root/usr/bin/ctadesk-cli)" = /opt/ctadesk/ctadesk-cli
	@if command -v desktop-file-validate >/dev/null; then \
		desktop-file-validate $(DEB_TEST)/root/usr/share/applications/ctadesk.desktop; \
	else echo "desktop-file-validate not installed: parsing the entry instead"; fi
	$(BIN)/python -m resources.packaging.desktop_entry $(DEB_TEST)/root/usr/share/applications/ctadesk.desktop --root $(DEB_TEST)/root
	find $(DEB_TEST)/root | sort > $(DEB_TEST)/files.txt
	@echo "first start of the installed copy: fresh CTADESK_HOME, empty numba user cache; every kernel must load from the shipped cache:"
	$(NO_NUMBA_ENV) CTADESK_HOME=$(DEB_HOME) QT_QPA_PLATFORM=offscreen $(DEB_TEST)/root/opt/ctadesk/ctadesk --self-test --json > $(DEB_TEST)/first.json
	$(BIN)/python -m resources.packaging.selftest_check $(DEB_TEST)/first.json --max-first-backtest-ms 5000
	@echo "second start:"
	$(NO_NUMBA_ENV) CTADESK_HOME=$(DEB_HOME) QT_QPA_PLATFORM=offscreen $(DEB_TEST)/root/opt/ctadesk/ctadesk --self-test --json > $(DEB_TEST)/second.json
	$(BIN)/python -m resources.packaging.selftest_check $(DEB_TEST)/second.json --max-first-backtest-ms 5000
	@echo "the CLI through a link, as /usr/bin/ctadesk-cli runs it:"
	ln -s $(CURDIR)/$(DEB_TEST)/root/opt/ctadesk/ctadesk-cli $(DEB_TEST)/bin/ctadesk-cli
	$(NO_NUMBA_ENV) CTADESK_HOME=$(DEB_HOME) $(DEB_TEST)/bin/ctadesk-cli rule16 --vix 32 --json
	$(NO_NUMBA_ENV) CTADESK_HOME=$(DEB_HOME) $(DEB_TEST)/bin/ctadesk-cli backtest --prices demo --json > /dev/null
	@echo "nothing written inside the installed files (so removing the package leaves nothing):"
	find $(DEB_TEST)/root | sort | diff $(DEB_TEST)/files.txt -
	@echo "dist-test: bundle ok"

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
