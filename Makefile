# Debrief: `make run` starts the app, `make test` runs every test. Both set up .venv first.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HEADLESS := QT_QPA_PLATFORM=offscreen

.PHONY: run test check lint bench screenshots qt-check pg-check clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Debrief needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/debrief $(ARGS)

qt-check: $(STAMP)
	@$(HEADLESS) $(PY) -m desktop.ui.qt_check

# The central store's tests start their own PostgreSQL from these binaries.
pg-check: $(STAMP)
	@$(PY) tests/server/server_harness.py

test: $(STAMP) qt-check pg-check
	$(HEADLESS) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check desktop sync tests bench

check: lint test

bench: $(STAMP) qt-check
	$(HEADLESS) $(PY) -m bench

screenshots: $(STAMP) qt-check
	$(HEADLESS) $(PY) -m desktop.ui.screenshots docs/screenshots

clean:
	rm -rf $(VENV) build dist .pytest_cache
