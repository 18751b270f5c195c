# The two commands that matter: `make run` and `make test`. Both work on a fresh machine with only
# Python 3.11: they create .venv and install the pinned dependencies (constraints.txt) on first use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

WEB_PORT ?= 5000
SANDBOX_PORT ?= 5055
EMBEDDED_REDIS_PORT ?= 6389
# An external Redis (REDIS_URL set by you) replaces the embedded one.
ifeq ($(origin REDIS_URL), environment)
PROCESSES := web worker scheduler sandbox
else
export REDIS_URL := redis://127.0.0.1:$(EMBEDDED_REDIS_PORT)/0
PROCESSES := web worker scheduler redis sandbox
endif
export WEB_PORT SANDBOX_PORT
export QBO_SANDBOX_URL ?= http://127.0.0.1:$(SANDBOX_PORT)
export APP_BASE_URL ?= http://127.0.0.1:$(WEB_PORT)

.PHONY: run test install clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed --if-empty
	@echo ""
	@echo "  Contractors Cloud is starting on  $(APP_BASE_URL)"
	@echo "  QuickBooks Online sandbox on      $(QBO_SANDBOX_URL)"
	@echo "  Press Ctrl-C to stop everything."
	@echo ""
	$(BIN)/honcho start -f Procfile $(PROCESSES)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) instance test-output .pytest_cache
