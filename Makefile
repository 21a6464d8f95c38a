# The two commands a newcomer runs: `make run` and `make test`. Each does all its own set-up.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev test-system-deps demo lint messages bench bench-system-deps clean

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

## run: install, migrate the SQLite database under var/, load the demo province, start the national
## platform simulators and the outbox worker (manage.py national_platform), serve on 127.0.0.1:8000
## The demo runs as production does (DEBUG off: the site's error pages, no stack trace or URL list; static
## files collected and served by whitenoise), only over plain HTTP on loopback. `make run RUN_ENV=DEBUG=True`
## for Django's debug pages while developing. The demo keeps its VNeID stand-in and the citizens' passwords on
## (both default to DEBUG, so off in production).
RUN_ENV ?= DEBUG=False HTTPS_ONLY=False MOTCUA_LOCAL_IDP=True MOTCUA_CITIZEN_PASSWORDS=True
run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@# The national portal and payment platform simulators with the outbox worker, beside the web server
	@# (stopped with it).
	$(RUN_ENV) $(PY) manage.py national_platform & pid=$$!; trap "kill $$pid" EXIT INT TERM; \
	$(RUN_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

## test-system-deps: Debian packages the tests drive: Chromium (browser tests, not Playwright's own
## downloads), poppler-utils (pdftotext/pdftoppm read the PDFs back), zbar-tools (decodes the QR codes),
## fonts-liberation (the forms' serif font with Vietnamese glyphs)
TEST_DEBS := chromium:chromium pdftotext:poppler-utils zbarimg:zbar-tools fc-list:fontconfig
test-system-deps:
	@missing=""; for pair in $(TEST_DEBS); do command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	[ -f /usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf ] || missing="$$missing fonts-liberation"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "make: missing Debian packages:$$missing; only root can install them: run 'sudo apt-get install$$missing'." >&2; \
	    echo "make: without them some tests are skipped here (and fail in CI)." >&2; \
	  fi; \
	fi

## test: install the test dependencies and Chromium, check migrations and lint, run the whole suite
## (on PostgreSQL too when DATABASE_URL is set)
test: install-dev test-system-deps
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

## bench-system-deps: what the load benchmarks drive: wrk (HTTP load) and pgbench (the database baseline)
BENCH_DEBS := wrk:wrk pgbench:postgresql-client
bench-system-deps:
	@missing=""; for pair in $(BENCH_DEBS); do command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "make: missing Debian packages:$$missing; run 'sudo apt-get install$$missing'." >&2; exit 1; \
	  fi; \
	fi

## bench: the benchmarks that build their own data in minutes (PostgreSQL from BENCH_PG_URL); the two at
## 1,000,000 and 10,000,000 dossiers are run by hand (bench/README.md)
bench: install-dev bench-system-deps
	$(PY) bench/bench_workdays.py
	$(PY) bench/bench_catalog_search.py
	$(PY) bench/bench_tracking.py
	$(PY) bench/bench_intake.py
	$(PY) bench/bench_public_pages.py
	$(PY) bench/bench_reliability.py

clean:
	rm -rf $(VENV) var
