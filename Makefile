# Frontline: `make run` serves the course; `make test` runs every test. Nothing else is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
export FLASK_APP := wsgi
# Debian packages the tests read PDFs and drive a browser with; PostgreSQL 15 for the test cluster.
SYSTEM_PACKAGES := chromium poppler-utils zbar-tools postgresql-15 wrk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test install system-deps translations i18n migrate lint bench bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d course/translations

migrate: install
	$(BIN)/flask db upgrade

# QR codes and links follow the port served on, unless BASE_URL is set (behind a proxy, say).
run: export BASE_URL ?= http://$(HOST):$(PORT)
run: install migrate
	$(BIN)/flask content check || echo "Some content has problems (listed above); the rest of the course is served."
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

test: system-deps install
	$(BIN)/ruff check course tests bench
	$(BIN)/pytest -q -p no:cacheprovider

# Refresh the message catalogs after adding or changing user-visible strings.
i18n: $(VENV)/.installed
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k N_ --no-location --sort-output -o course/translations/messages.pot .
	$(BIN)/pybabel -q update --no-fuzzy-matching -i course/translations/messages.pot -d course/translations
	$(BIN)/pybabel -q compile -d course/translations

bench: system-deps install
	$(BIN)/python -m bench

# REL-2(d) load scenario: locust in its own venv, because it pins Flask-family packages (SECURITY.md).
LOAD_VENV := .venv-load
LOCUST_VERSION ?= 2.47.0

$(LOAD_VENV)/bin/locust:
	$(PYTHON) -m venv $(LOAD_VENV)
	$(LOAD_VENV)/bin/pip install --quiet --upgrade pip
	$(LOAD_VENV)/bin/pip install --quiet locust==$(LOCUST_VERSION)

bench-load: system-deps install $(LOAD_VENV)/bin/locust
	$(BIN)/python -m bench load

clean:
	rm -rf $(VENV) $(LOAD_VENV) *.egg-info .pytest_cache
