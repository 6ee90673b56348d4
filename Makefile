# ckanext-angiang: two commands on a fresh Debian machine with Python 3.11.
#   make run    install what is missing, start services, load demo data, serve :5000
#   make test   the test suite against real PostgreSQL and Redis
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CKAN := $(BIN)/ckan
STAMP := $(VENV)/.installed
# The portal `make run` serves: its config, database (created by services.sh),
# address. Override for a second portal: make run CONFIG=my.ini PORTAL_DB=... PORTAL_PORT=...
CONFIG ?= ckan.ini
PORTAL_DB ?= angiang
PORTAL_HOST ?= 127.0.0.1
PORTAL_PORT ?= 5000
APT_PACKAGES := libpq-dev gcc libmagic1 xmlsec1 postgresql-client redis-tools gettext nodejs \
	fonts-dejavu-core
# The browser tests/security/test_browser_csp.py drives (Playwright, pinned in
# requirements.txt, talks to Debian's chromium; never `playwright install`)
BROWSER_PACKAGES := chromium fonts-noto-core

.PHONY: run test install browser-deps services db demo token i18n i18n-extract i18n-coverage serve clean-test
.PHONY: run test install services db demo token i18n i18n-extract i18n-coverage serve clean-test fuzz
.PHONY: lint test-fast

## install: virtualenv + pinned dependencies (requirements.txt) + this package
install: $(STAMP) i18n

$(STAMP): requirements.txt setup.py
	@scripts/apt-deps.sh $(APT_PACKAGES)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	$(BIN)/pip install -q -r requirements.txt
	$(BIN)/pip install -q --no-deps -e .
	@touch $(STAMP)

## i18n: compile the Vietnamese catalogues (.po -> .mo)
i18n: $(STAMP)
	@$(BIN)/python scripts/compile_catalogs.py >&2

## i18n-extract: regenerate ckanext-angiang.pot from the code (Python, templates,
## JS, scheming YAML) and merge it into the .po files, keeping every translation
i18n-extract: $(STAMP)
	@$(BIN)/python scripts/i18n_extract.py
	@$(BIN)/python scripts/compile_catalogs.py

## i18n-coverage: translated/total per domain and the untranslated msgids
i18n-coverage: $(STAMP)
	@$(BIN)/python scripts/i18n_coverage.py

services:
	@scripts/services.sh $(PORTAL_DB)

## db: create or upgrade the schema (CKAN core and every enabled plugin)
## (a service CKAN's config names that does not answer: one line saying how to start it)
db: install services
	@$(BIN)/python scripts/check_services.py $(CONFIG)
	@$(CKAN) -c $(CONFIG) db upgrade >/dev/null
	@$(CKAN) -c $(CONFIG) angiang ensure-sysadmin >&2

## demo: create or upgrade the schema, then load the demo agencies and datasets
## (idempotent; one CKAN process: the loader also creates the DIC sysadmin)
demo: install services
	@$(BIN)/python scripts/check_services.py $(CONFIG)
	@$(CKAN) -c $(CONFIG) angiang demo load --upgrade-db

## run: everything above, then serve http://127.0.0.1:5000; the harvest workers start
## once the portal answers (four CKAN start-ups at once would slow the first page)
run: demo
	@echo "Serving the portal on http://$(PORTAL_HOST):$(PORTAL_PORT) with the harvest workers (Ctrl+C stops both)"
	@export HARVEST_LOG_DIR=$${HARVEST_LOG_DIR:-var/log/harvest}; \
	( until (exec 3<>/dev/tcp/$(PORTAL_HOST)/$(PORTAL_PORT)) 2>/dev/null; do sleep 1; done; \
	  exec scripts/run-workers.sh $(CONFIG) ) & workers=$$!; \
	trap 'kill $$workers 2>/dev/null; wait $$workers 2>/dev/null' EXIT INT TERM; \
	$(CKAN) -c $(CONFIG) run --host $(PORTAL_HOST) --port $(PORTAL_PORT) --disable-reloader --threaded

## token: print a fresh API token for the demo sysadmin
token: db
	@$(CKAN) -c $(CONFIG) angiang token

## browser-deps: Debian's chromium and fonts for the browser tests (make test),
## and axe-core (the accessibility engine tests/browser injects into each page)
## from npm into var/npm (git-ignored; the portal never serves it)
AXE_CORE_VERSION := 4.14.1
AXE_CORE := var/npm/node_modules/axe-core/axe.min.js
browser-deps: $(AXE_CORE)
	@scripts/apt-deps.sh $(BROWSER_PACKAGES)

$(AXE_CORE): Makefile
	@command -v npm >/dev/null || scripts/apt-deps.sh nodejs npm
	@mkdir -p var/npm
	npm install --prefix var/npm --no-save --no-audit --no-fund --no-package-lock axe-core@$(AXE_CORE_VERSION)
	@touch $(AXE_CORE)

## lint: ruff (lint, then the format check) and mypy, with pyproject.toml's settings
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## test-fast: the suite without the tests marked slow (browsers, portal processes)
test-fast: install
	@scripts/services.sh angiang_test
	$(BIN)/pytest --ckan-ini=test.ini -m "not slow" $(PYTEST_ARGS)

## test: the suite, with CKAN's own pytest plugin, on a test database of its own
## (TEST_WORKERS processes, pytest-xdist, a test file at a time each; each
## worker its own databases angiang_test_gwN: see tests/angiang_testing/workers.py)
TEST_WORKERS ?= 2
test: install browser-deps
	@scripts/services.sh angiang_test $(foreach n,$(shell seq 1 $$(($(TEST_WORKERS)-1))),angiang_test_gw$(n))
	$(BIN)/pytest --ckan-ini=test.ini -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)
	@# the search tests again with the SQL statements alone (docsets off)
	$(BIN)/pytest --ckan-ini=tests/search/sql_only_test.ini -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS) tests/search
	@# CKAN core's own search tests, from the installed ckan package, against
	@# the PostgreSQL search backend (exclusions: tests/search/ckan_core_excluded.txt),
	@# with the docsets and with the SQL statements alone (side by side with
	@# two or more workers, the second on gw1's databases)
ifeq ($(TEST_WORKERS),1)
	$(BIN)/python tests/search/run_ckan_core.py $(PYTEST_ARGS)
	$(BIN)/python tests/search/run_ckan_core.py --ckan-ini=tests/search/ckan_core_sql_only_test.ini $(PYTEST_ARGS)
else
	$(BIN)/python tests/search/run_ckan_core.py --parallel $(PYTEST_ARGS)
endif

# --- production -----------------------------------------------------------------
.PHONY: serve-prod check-workers backup restore bench-load

## bench-load: locust, 50 visitors for 60 s, against the production server
## (gunicorn) at the demo catalogue and at 20,000 datasets, each in a database
## of its own (angiang_load_demo, angiang_load_20k, kept between runs);
## figures in var/load/ (README "Load")
BENCH_LOAD_ARGS ?=
bench-load: install
	$(BIN)/python benchmarks/load.py --size demo $(BENCH_LOAD_ARGS)
	$(BIN)/python benchmarks/load.py --size 20k $(BENCH_LOAD_ARGS)

## serve-prod: the portal as production serves it: gunicorn (WEB_CONCURRENCY
## workers, default 2 x cores) with docker/production.ini; CKAN_SECRET_KEY and
## CKAN_SITE_URL etc. from the environment (README "Deploying")
serve-prod: install
	@scripts/serve-prod.sh

## check-workers: start the production server with 2 workers on a database of
## its own and check, through HTTP, that each worker sees the others' writes
check-workers: install
	$(BIN)/python scripts/check_workers.py $(CHECK_WORKERS_ARGS)

## backup: dump the CKAN database (and the DataStore's, if configured) and the
## file storage into $(BACKUP_DIR)/<UTC time>/ with SHA-256 manifest; keeps the
## BACKUP_KEEP newest (0: all). Production: make backup CONFIG=docker/production.ini
BACKUP_DIR ?= var/backups
BACKUP_KEEP ?= 0
backup: install
	$(BIN)/python scripts/backup.py backup --config $(CONFIG) --dest $(BACKUP_DIR) --keep $(BACKUP_KEEP)

## restore: make restore BACKUP=var/backups/<time> RESTORE_DB_URL=postgresql://.../new_db
## [RESTORE_STORAGE=/empty/folder]: into a fresh (empty) database and storage folder
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=<backup dir> RESTORE_DB_URL=<empty database URL> [RESTORE_STORAGE=<empty folder>]" >&2; exit 2; }
	$(BIN)/python scripts/backup.py restore "$(BACKUP)" --config $(CONFIG) \
	  $(if $(RESTORE_DB_URL),--db-url "$(RESTORE_DB_URL)") $(if $(RESTORE_STORAGE),--storage "$(RESTORE_STORAGE)")
## fuzz: schemathesis against a portal started on 127.0.0.1:$(FUZZ_PORT) with the
## demo data in its own database ($(FUZZ_DB), dropped and loaded anew): every
## operation of /api/openapi.json, no 5xx, every response as documented
## (scripts/fuzz.sh; known CKAN core crashes: tests/fuzz/hooks.py)
FUZZ_DB ?= angiang_api_fuzz
FUZZ_PORT ?= 5900
fuzz: install
	@FUZZ_DB=$(FUZZ_DB) FUZZ_PORT=$(FUZZ_PORT) scripts/fuzz.sh
