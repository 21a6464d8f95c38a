# The two commands a newcomer runs: `make run` and `make test`. Each does all its own set-up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev chromium demo lint messages bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## run: install, migrate the SQLite database under var/, load the demo province, serve on 127.0.0.1:8000
run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

## chromium: the browser tests drive Debian's Chromium (Playwright's own browser downloads are not used)
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "make: Debian's chromium is missing and only root can install it: run 'sudo apt-get install chromium'." >&2; \
	    echo "make: without it the browser tests are skipped here (and fail in CI)." >&2; \
	  fi; }

## test: install the test dependencies and Chromium, check migrations and lint, run the whole suite
## (on PostgreSQL too when DATABASE_URL is set)
test: install-dev chromium
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## messages: refresh the translation catalogs (needs GNU gettext)
messages: install
	$(PY) manage.py makemessages -l vi --ignore=.venv --ignore=var --ignore=bench --no-obsolete
	$(PY) manage.py compilemessages -l vi --ignore=.venv

bench: install-dev
	$(PY) bench/bench_workdays.py
	$(PY) bench/bench_catalog_search.py

clean:
	rm -rf $(VENV) var
