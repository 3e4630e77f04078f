# Stormdesk. `make run` and `make test` work on a fresh machine: they find a Python >= 3.12,
# build .venv with it and install what is needed.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test validate lint bench clean

$(STAMP): pyproject.toml
	@set -e; py=$$(scripts/find-python.sh); \
	if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
	  echo "building $(VENV) with $$py"; rm -rf $(VENV); $$py -m venv $(VENV); fi
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/stormdesk run scenarios/product_recall.toml --plot product_recall.png

test: $(STAMP)
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
