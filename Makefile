# Stormdesk. `make run` and `make test` work on a fresh machine: they find a Python >= 3.12,
# build .venv with it and install what is needed.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

INSTANCE := $(CURDIR)/instance
TRAINER := TRAINER_INSTANCE_PATH=$(INSTANCE) $(VENV)/bin/stormdesk trainer

.PHONY: run test validate lint bench clean system-packages

$(STAMP): pyproject.toml setup.py
	@set -e; py=$$(scripts/find-python.sh); \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  echo "building $(VENV) with $$py"; rm -rf $(VENV); $$py -m venv $(VENV); fi
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# Installs the Debian packages the trainer tests need (a PostgreSQL server, a headless
# browser), only those missing, without questions.
system-packages:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    echo "installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      --no-install-recommends $$missing >/dev/null; \
	  else echo "missing Debian packages:$$missing (their tests will be skipped)"; fi; \
	fi

# The storm's KPIs once, then the trainer on http://127.0.0.1:5000 (demo accounts printed once).
run: $(STAMP)
	$(VENV)/bin/stormdesk run scenarios/product_recall.toml --plot product_recall.png
	$(TRAINER) init-db
	$(TRAINER) demo-cohort
	$(TRAINER) serve --host 127.0.0.1 --port 5000

test: $(STAMP) system-packages
	$(PY) -m pytest -q -m "not slow"

validate: $(STAMP)
	$(PY) -m pytest -q -m slow

lint: $(STAMP)
	$(VENV)/bin/ruff check sim trainer_web tests benchmarks
	$(VENV)/bin/ruff format --check sim trainer_web tests benchmarks

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
