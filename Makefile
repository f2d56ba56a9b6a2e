# Debrief: `make run` starts the app, `make demo` the app beside a demo central store,
# `make test` runs every test. All set up .venv first.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# `make run` installs only what the app needs (the `app` extra); everything else the
# developer tools too (`dev`: the central store, pytest, PyInstaller, ...).
APP_STAMP := $(VENV)/.installed-app
STAMP := $(VENV)/.installed-dev
HEADLESS := QT_QPA_PLATFORM=offscreen

.PHONY: run demo test check lint bench screenshots translations package qt-check pg-check clean

define install
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Debrief needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[$(1)]'
	@touch $@
endef

$(APP_STAMP): pyproject.toml
	$(call install,app)

$(STAMP): pyproject.toml
	$(call install,dev)
	@touch $(APP_STAMP)

run: $(APP_STAMP)
	$(VENV)/bin/debrief $(ARGS)

# `make demo`: a throwaway central store under .demo/ with a demo company (made once;
# delete .demo/ to start over), served on 127.0.0.1:8765 while the app runs, signed in
# as one of the demo reps (every demo account has the public password below).
DEMO_DIR := .demo
DEMO_SERVER := $(VENV)/bin/debrief-server
DEMO_STORE := --data-dir $(DEMO_DIR)/server
DEMO_URL := http://127.0.0.1:8765
DEMO_REP ?= rep.anna
DEMO_PASSWORD := debrief-demo-2026

demo: $(STAMP)
	@mkdir -p $(DEMO_DIR)/server
	@$(PY) -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', 8765)) \
		== 0 and 'make demo: 127.0.0.1:8765 is in use: stop what runs there first')"
	$(DEMO_SERVER) migrate $(DEMO_STORE)
	@test -f $(DEMO_DIR)/accounts.txt || { $(DEMO_SERVER) demo-data $(DEMO_STORE) \
		> $(DEMO_DIR)/accounts.tmp \
		&& mv $(DEMO_DIR)/accounts.tmp $(DEMO_DIR)/accounts.txt; }
	@cat $(DEMO_DIR)/accounts.txt
	@$(DEMO_SERVER) serve $(DEMO_STORE) --host 127.0.0.1 --port 8765 \
		> $(DEMO_DIR)/server.log 2>&1 & \
	server=$$!; trap 'kill $$server 2>/dev/null; wait $$server 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	for i in $$(seq 100); do \
		$(PY) -c "import urllib.request as u; u.urlopen('$(DEMO_URL)/readyz', timeout=1)" \
			2>/dev/null && break; \
		kill -0 $$server 2>/dev/null || { cat $(DEMO_DIR)/server.log; exit 1; }; \
		sleep 0.1; \
	done; \
	echo; \
	echo "Central store: $(DEMO_URL) (API docs: $(DEMO_URL)/api/v1/docs, log: $(DEMO_DIR)/server.log)"; \
	echo "The app signs in as $(DEMO_REP) (another rep: make demo DEMO_REP=rep.ben) and pulls"; \
	echo "that rep's debriefs and the team's lists into its own data in $(DEMO_DIR)/app-$(DEMO_REP);"; \
	echo "the central store stops when you close the app."; \
	echo '$(DEMO_PASSWORD)' | $(VENV)/bin/debrief --data-dir $(DEMO_DIR)/app-$(DEMO_REP) \
		--connect $(DEMO_URL) --user $(DEMO_REP) --password-stdin

qt-check: $(APP_STAMP)
	@$(HEADLESS) $(PY) -m desktop.ui.qt_check

# The central store's tests start their own PostgreSQL from these binaries.
pg-check: $(STAMP)
	@$(PY) -m tests.helpers.server_harness

test: $(STAMP) qt-check pg-check
	$(HEADLESS) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check desktop sync tests bench

check: lint test

bench: $(STAMP) qt-check
	$(HEADLESS) $(PY) -m bench

# The app for reps: a one-folder bundle in dist/debrief/ (pyinstaller.spec), checked by
# running its smoke test. Build on the OS it is for; see the README.
package: $(STAMP) qt-check
	$(PY) -m PyInstaller --noconfirm --log-level WARN --distpath dist \
		--workpath build/pyinstaller pyinstaller.spec
	$(HEADLESS) dist/debrief/debrief --smoke-test
	@du -sh dist/debrief

# `make translations FOR=de` makes or updates resources/translations/debrief_de.ts from
# the code; `make translations` compiles every .ts there to the .qm the app loads.
translations: $(STAMP)
	$(if $(FOR),$(PY) -m desktop.ui.translation_catalogue update $(FOR))
	$(PY) -m desktop.ui.translation_catalogue compile

screenshots: $(STAMP) qt-check
	$(HEADLESS) $(PY) -m desktop.ui.screenshots docs/screenshots

clean:
	rm -rf $(VENV) build dist .pytest_cache
