# Frontline: `make run` serves the course; `make test` runs every test. Nothing else is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
TEST_WORKERS ?= 2
PYTEST_ARGS ?=
HOST ?= 127.0.0.1
export FLASK_APP := wsgi
# Debian packages the tests read PDFs and drive a browser with; PostgreSQL 15 for the test cluster.
SYSTEM_PACKAGES := chromium poppler-utils zbar-tools postgresql-15 wrk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test gate-types gate-tests install install-test system-deps translations i18n migrate typecheck lock lock-upgrade bench bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Serving needs only requirements/serve.txt; the tests add requirements/test.txt (pytest,
# Playwright, mypy, ...). Both are lock files with hashes, made by `make lock` (uv).
$(VENV)/.installed: pyproject.toml requirements/serve.txt | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/serve.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements/test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.txt
	touch $@

install: $(VENV)/.installed translations

install-test: install $(VENV)/.installed-test

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d course/translations

migrate: install
	$(BIN)/flask db upgrade

# QR codes and links follow the port served on, unless BASE_URL is set (behind a proxy, say).
run: export BASE_URL ?= http://$(HOST):$(PORT)
run: install migrate
	$(BIN)/flask content check || echo "Some content has problems (listed above); the rest of the course is served."
	$(BIN)/flask content seed || echo "The course files were not made release 1 (problems above); they are served as they load."
	$(BIN)/gunicorn -c python:course.serving --bind $(HOST):$(PORT) --workers 2 --access-logfile - wsgi:app

system-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	command -v zbarimg >/dev/null || missing="$$missing zbar-tools"; \
	[ -x /usr/lib/postgresql/15/bin/initdb ] || missing="$$missing postgresql-15"; \
	command -v wrk >/dev/null || missing="$$missing wrk"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The gate: lint, formatting, then types beside every test (in parallel, with branch coverage).
# Bytecode is cached even where the environment asks Python not to (PYTHONDONTWRITEBYTECODE):
# otherwise each worker and each process the tests start (the CLI, gunicorn, `make run`)
# compiles course/ again, and pytest rewrites every test module again on every run.
# mypy runs next to pytest, not before it: a cold mypy needs 7 s of one core, which then
# overlaps pytest's start-up and the moments its tests wait on browsers, servers and
# PostgreSQL instead of adding to the wall time. Either failing fails `make test`; -Oline
# keeps their lines whole.
test: export PYTHONDONTWRITEBYTECODE =
test: system-deps install-test
	$(BIN)/ruff check course tests bench
	$(BIN)/ruff format --check course tests bench
	$(MAKE) --no-print-directory -j2 -Oline gate-types gate-tests

# Parts of `make test`, without its installing steps (they run first, once).
gate-types:
	$(BIN)/mypy

gate-tests:
	$(BIN)/pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist worksteal --cov --cov-report=term:skip-covered $(PYTEST_ARGS)

typecheck: install-test
	$(BIN)/mypy

# Rebuild the lock files after changing dependencies in pyproject.toml: pins stay where they
# still fit. `make lock-upgrade` moves every pin to the newest release the floors allow.
UV_VERSION ?= 0.13.9
LOCK := $(BIN)/uv pip compile --quiet --universal --python-version 3.11 --generate-hashes pyproject.toml

lock: | $(BIN)/python
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(LOCK) $(LOCK_FLAGS) -o requirements/serve.txt
	$(LOCK) $(LOCK_FLAGS) --extra test -c requirements/serve.txt -o requirements/test.txt

lock-upgrade:
	$(MAKE) lock LOCK_FLAGS=--upgrade

# Refresh the message catalogs after adding or changing user-visible strings.
i18n: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o course/translations/messages.pot .
	$(BIN)/pybabel -q update --no-fuzzy-matching -i course/translations/messages.pot -d course/translations
	$(BIN)/pybabel -q compile -d course/translations

bench: system-deps install-test
	$(BIN)/python -m bench

# REL-2(d) load scenario: locust in its own venv, because it pins Flask-family packages (docs/security.md).
LOAD_VENV := .venv-load
LOCUST_VERSION ?= 2.47.0

$(LOAD_VENV)/bin/locust:
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install --quiet --upgrade pip
	$(LOAD_VENV)/bin/pip install --quiet locust==$(LOCUST_VERSION)

bench-load: system-deps install-test $(LOAD_VENV)/bin/locust
	$(BIN)/python -m bench load

clean:
	rm -rf $(VENV) $(LOAD_VENV) *.egg-info .pytest_cache
