# Two commands do everything on a fresh machine with Python 3.11+ and make:
#   make run   - install, migrate, seed the demo clinic, start web + worker + beat
#   make test  - install, lint, check migrations, run the suite on PostgreSQL+Redis and on SQLite,
#                then the smoke run of the production configuration

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The test run on real servers; override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/smpclinic
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
# The smoke run's own database (created and dropped), Redis database (emptied) and ports
# (gunicorn on SMOKE_PORT, then the local S3, the email stand-in and one kept spare).
SMOKE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/smpclinic_smoke
SMOKE_REDIS_URL ?= redis://127.0.0.1:6379/14
SMOKE_PORT ?= 8710
SMOKE_ARGS ?=

.PHONY: install gettext-deps messages run test test-fast test-clock lint format deploy-check pytest-postgres pytest-sqlite smoke browser-deps bench bench-deps clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@echo "Installing the Python packages into $(VENV)/ (a few minutes the first time)..."
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check --progress-bar off -r requirements-dev.txt
	touch $@

# The translations: locale/<language>/LC_MESSAGES/django.po (pages, emails, Python) and
# djangojs.po (our scripts' texts, smpclinic.js_catalog) compiled to .mo (needs gettext).
MESSAGES_PO := $(wildcard locale/*/LC_MESSAGES/*.po)
MESSAGES_MO := $(MESSAGES_PO:.po=.mo)

install: $(VENV)/.installed $(MESSAGES_MO)

$(MESSAGES_MO): %.mo: %.po $(VENV)/.installed | gettext-deps
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var --ignore=node_modules -v 0

# Debian's gettext compiles the translations.
gettext-deps:
	@if ! command -v msgfmt >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; \
	  else \
	    echo "Compiling the translations needs gettext: sudo apt-get install gettext"; exit 1; \
	  fi; \
	fi

# After editing templates, Python or our scripts: refresh the Spanish catalogues (django and
# djangojs), then translate what is new.
messages: install
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=var --ignore=tmp --ignore=patches --add-location=file --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l es --ignore=.venv --ignore=var --ignore=tmp --ignore=patches --ignore=node_modules --ignore=static/vendor --add-location=file --no-obsolete

# `make run PORT=8123` serves on another port (links in emails follow unless SITE_URL is set).
PORT ?= 8000
OUTBOX := var/outbox

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo ""
	@echo "Starting the clinic on http://127.0.0.1:$(PORT) (web, worker and beat). Ctrl-C stops all three."
	@echo "Emails and text messages it sends are written to $(OUTBOX)/email/ and $(OUTBOX)/sms/."
	WEB_PORT=$(PORT) LOCAL_OUTBOX_DIR=$(OUTBOX) $(VENV)/bin/honcho -f Procfile.dev start

# Debian's Chromium drives the browser tests; Playwright's own browser download
# cannot be used here.
# The benchmarks (benchmarks/README.md): the large clinic is built in PostgreSQL on the
# first run (a few minutes), then every benchmark measures; the pages' load run needs wrk.
bench-deps:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	  else \
	    echo "The load run needs wrk: sudo apt-get install wrk"; exit 1; \
	  fi; \
	fi

bench: install bench-deps
	$(PY) benchmarks/clients_search.py
	$(PY) benchmarks/scheduling.py
	$(PY) benchmarks/pages.py --wrk
	$(PY) benchmarks/reminders.py
	$(PY) benchmarks/progress.py
	$(PY) benchmarks/photos.py

browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Browser tests need Chromium: sudo apt-get install chromium"; exit 1; \
	  fi; \
	fi

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The two runs go side by side, one a core, each with its own var/ folder; each prints
# its whole output when it ends.
test: install lint browser-deps deploy-check
	$(PY) manage.py makemigrations --check --dry-run
	@echo "Running the PostgreSQL + Redis and the SQLite suites side by side (each prints when it ends)..."
	$(MAKE) --no-print-directory -j2 --output-sync=target \
	  pytest-postgres pytest-sqlite \
	  POSTGRES_VAR_DIR=$(CURDIR)/var/test-postgres SQLITE_VAR_DIR=$(CURDIR)/var/test-sqlite
	$(MAKE) --no-print-directory smoke

# Django's deployment checks with production settings: any warning fails the run.
# The secrets here are made-up test values, used for nothing else.
deploy-check: install
	env -u DEBUG -u DATABASE_URL DJANGO_ENV=production ALLOWED_HOSTS=clinic.example.com \
	  SECRET_KEY=ci-deploy-check-Vb7rQ2xK9mZp4LwT8sYd3NcF6hJ1gA5eU0iOq7RtXz \
	  FIELD_ENCRYPTION_KEYS=6a1f0c9e4b7d2a8f3e6c1b9d4a7f2e8c5b0d3a6f9e2c7b4d1a8f5e0c3b6d9a2f \
	  $(PY) manage.py check --deploy --fail-level WARNING

# The whole suite on PostgreSQL and Redis.
POSTGRES_VAR_DIR ?= $(CURDIR)/var
pytest-postgres: install
	VAR_DIR=$(POSTGRES_VAR_DIR) PYTEST_DB_SUFFIX=postgres \
	  DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_BROKER_URL=$(TEST_REDIS_URL) \
	  $(PY) -m pytest -m "not sqlite_only" $(PYTEST_ARGS)

# The embedded default: SQLite and the file broker. Tests of PostgreSQL- or
# Redis-only behaviour are deselected (not skipped) here, and so are the browser
# tests: what they check does not depend on the database, and the PostgreSQL run
# has them.
SQLITE_VAR_DIR ?= $(CURDIR)/var
pytest-sqlite: install
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL VAR_DIR=$(SQLITE_VAR_DIR) PYTEST_DB_SUFFIX=sqlite \
	  $(PY) -m pytest -m "not needs_redis and not needs_postgres and not browser" $(PYTEST_ARGS)

# The production configuration as deployed (tests/smoke, 30 to 40 s): compilemessages, migrate,
# collectstatic, check --deploy and create_clinic with DJANGO_ENV=production, then gunicorn
# (deploy/gunicorn.conf.py, two workers), the Celery worker and beat with their systemd
# units' commands, on PostgreSQL, Redis, a local S3 and an email provider's stand-in; a
# booking through the API and one on the booking page in Spanish, their confirmation emails,
# a photo, /metrics and the health probes over HTTP.
# Everything it starts is stopped at the end, failed or not; it prints what it saw.
smoke: install
	SMOKE_DATABASE_URL=$(SMOKE_DATABASE_URL) SMOKE_REDIS_URL=$(SMOKE_REDIS_URL) SMOKE_PORT=$(SMOKE_PORT) \
	  $(PY) -m pytest -m smoke tests/smoke $(SMOKE_ARGS)

# The inner loop: lint and the SQLite run without the browser and real-worker tests.
test-fast: install lint
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL \
	  $(PY) -m pytest -m "not needs_redis and not needs_postgres and not browser and not worker" $(PYTEST_ARGS)

# The suite does not depend on today's date: the SQLite run with the process clock
# moved to just after the tests' first year begins, and years ahead (Debian's faketime).
test-clock: install browser-deps
	@if ! command -v faketime >/dev/null; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; \
	  else \
	    echo "This check needs faketime: sudo apt-get install faketime"; exit 1; \
	  fi; \
	fi
	for moment in "2027-03-02 10:00:00" "2030-07-01 10:00:00"; do \
	  echo "== the clock at $$moment"; \
	  env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL PYTEST_DB_SUFFIX=clock \
	    faketime "$$moment" $(PY) -m pytest -m "not needs_redis and not needs_postgres" -q $(PYTEST_ARGS) || exit 1; \
	done

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
