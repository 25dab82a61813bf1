# The two commands: `make run` (set up and serve the demo) and `make test` (the whole suite).
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
PYTHON ?= python3
export FLASK_APP := coop_app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint bench install install-test translations messages clean regions

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip setuptools wheel

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Compile the Indonesian and English catalogues (the .mo files are build output).
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d coop_app/translations 2>&1 | grep -v "^compiling catalog" || true

# Re-extract the messages after changing user-facing text, then translate the new ones.
messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o coop_app/translations/messages.pot .
	$(VENV)/bin/pybabel update -i coop_app/translations/messages.pot -d coop_app/translations

# Vendor the official region list (Kemendagri codes) from the npm package into
# coop_app/cooperatives/data/ (committed; the app never needs the network).
REGIONS_PACKAGE ?= idn-area-data@4.0.1
regions: $(VENV)/.installed
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent $(REGIONS_PACKAGE) >/dev/null \
	  && cd $(CURDIR) && $(PY) scripts/vendor_regions.py $$tmp/*.tgz; status=$$?; rm -rf $$tmp; exit $$status

run: install translations
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) coop demo --url http://$(HOST):$(PORT)/
	$(FLASK) run --host $(HOST) --port $(PORT)

# The layer contract (imports run downward only, docs/architecture.md) and ruff.
lint: install-test
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/ruff check .

# Two workers: on SQLite each test copies a migrated database file; on PostgreSQL each
# worker has its own database beside the one given (tests/conftest.py).
test: install-test translations lint
	$(PY) -m pytest -n 2 --dist loadfile

bench: install-test translations
	$(PY) -m bench

clean:
	rm -rf $(VENV) instance/*.db* coop_app/translations/*/LC_MESSAGES/*.mo
