# cxgov: `make demo` serves the product with demo data; `make test` proves it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BOOT ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.8
UV := .tools/bin/uv
PY := .venv/bin/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/cxgov
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
# Python keeps compiled modules (in __pycache__, ignored by git): without them every test run
# and every process a test starts compiled the whole dependency tree again (16 s each).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help setup demo test test-sqlite test-postgres check format messages clean

help:
	@echo "make demo    set up, load demo data, serve http://127.0.0.1:8000/"
	@echo "make test    set up, then lint, types, migrations check and the whole suite"
	@echo "make check   lint, types, layer contracts, security lint and the dependency audit"
	@echo "make format  format the code with ruff"

$(UV):
	$(PYTHON_BOOT) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

.venv/.synced: pyproject.toml uv.lock $(UV)
	$(UV) sync --frozen --quiet
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# USWDS is copied from npm into static/ so pages never load anything from a CDN.
static/vendor/uswds/.copied: node_modules/.installed
	rm -rf static/vendor/uswds && mkdir -p static/vendor/uswds
	cp -r node_modules/@uswds/uswds/dist/{css,js,fonts,img} static/vendor/uswds/
	touch $@

# System packages the project needs: gettext to compile translations, Pango for WeasyPrint's PDFs,
# poppler-utils to check them, xmlsec1 for pysaml2 to check SAML signatures, Debian's Chromium for tests,
# and a font with Chinese and Korean glyphs so those pages' PDFs and screenshots show text, not boxes.
.system-packages:
	@command -v msgfmt >/dev/null || scripts/apt-install gettext
	@command -v pdfinfo >/dev/null || scripts/apt-install poppler-utils
	@command -v xmlsec1 >/dev/null || scripts/apt-install xmlsec1
	@python3 -c "import ctypes.util as u, sys; sys.exit(not u.find_library('pangoft2-1.0'))" || scripts/apt-install libpango-1.0-0 libpangoft2-1.0-0
	@fc-list :lang=zh | grep -q . || scripts/apt-install fonts-wqy-microhei
	touch $@

.browser:
	@test -x /usr/bin/chromium || scripts/apt-install chromium
	touch $@

# Every catalogue under locale/ (one per language of settings.LANGUAGES but English) compiles to
# the .mo beside it, only when its .po changed; msgfmt checks the format strings as it goes.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po .system-packages
	msgfmt --check-format -o $@ $<

setup: .venv/.synced static/vendor/uswds/.copied $(MO_FILES)

demo: setup
	DEBUG=$${DEBUG:-true} .venv/bin/cxgov demo

check: .venv/.synced
	.venv/bin/ruff format --check .
	.venv/bin/ruff check .
	DEBUG=true .venv/bin/mypy
	.venv/bin/lint-imports
	.venv/bin/bandit --quiet --recursive cxgov config --exclude '*/tests/*,*/testing/*' --severity-level medium
	scripts/audit_dependencies.sh

format: .venv/.synced
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

# Regenerate every catalogue after changing user-facing strings, then translate the new entries
# (Spanish completely; the other languages at least the public pages' entries, docs/i18n.md).
messages: .venv/.synced .system-packages
	DEBUG=true $(PY) manage.py makemessages --all --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'static/*' --no-location --no-obsolete

test: setup .browser check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/check_translations.py
	scripts/test_databases.sh

test-sqlite: setup
	@echo "== tests on SQLite"
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 .venv/bin/pytest $(PYTEST_ARGS)

test-postgres: setup
	@echo "== tests on PostgreSQL"
	DATABASE_URL=$${TEST_DATABASE_URL:-$(PG_URL)} .venv/bin/pytest $(PYTEST_ARGS)

clean:
	rm -rf .venv .tools node_modules static/vendor var .system-packages .browser .mypy_cache .ruff_cache .pytest_cache
