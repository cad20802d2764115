# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1:8000

.PHONY: demo test lint check audit messages browser-deps serve worker beat bench clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "需要 Python 3.11（$(PYTHON)）"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Compiled translations: pybabel compiles the .po catalogues without GNU gettext on the machine.
messages: $(STAMP)
	$(VENV)/bin/pybabel compile -d locale -D django --statistics 2>&1 | grep -v '^$$' || true

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser), the
# Noto CJK fonts WeasyPrint embeds in the PDF files, and headless LibreOffice, which converts plan
# imports in .doc/.wps/.et (the worker runs it) and prints the test plans to PDF, and poppler's
# pdftoppm, which turns the generated PDF files into pictures to look at: any missing
# installs them all (the PDF reader itself, pdfplumber, needs nothing from the system).
SYSTEM_PACKAGES := chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libcairo2 \
  libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 \
	  || ! command -v pdftoppm >/dev/null 2>&1 \
	  || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES) >/dev/null; \
	  else echo "浏览器测试、PDF 和旧版 Office 文件导入需要：sudo apt-get install $(SYSTEM_PACKAGES)"; exit 1; fi; fi

# The demo runs without the system packages (as a non-root user, say), but then .doc/.wps plans
# cannot be imported and PDF files lack their Chinese fonts: it says so and goes on.
# The demo runs with DEBUG off, as in production: a missing page shows the portal's own 404
# page, not Django's English technical page; WhiteNoise serves the static files from the source
# tree and picks up edits (WHITENOISE_AUTOREFRESH).
demo: $(STAMP) messages
	@$(MAKE) --no-print-directory browser-deps || echo "（未安装系统软件包：.doc/.wps 方案导入和 PDF 中文字体不可用）"
	$(PY) manage.py migrate --no-input -v0
	$(PY) manage.py load_demo
	@echo ""
	@echo "打开 http://$(HOST)/ （Ctrl-C 停止）"
	WHITENOISE_AUTOREFRESH=1 $(PY) manage.py runserver $(HOST)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	# The apps' dependency direction (pyproject.toml's contracts; the README's graph).
	$(VENV)/bin/lint-imports --no-cache

check: $(STAMP) messages
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	# Production settings pass Django's deployment checklist with no warning.
	DEPLOYMENT=production ALLOWED_HOSTS=zlqs.example.gov.cn \
	  DATABASE_URL=$${DATABASE_URL:-postgres://localhost/qualitycity} REDIS_URL=$${REDIS_URL:-redis://localhost:6379/0} SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  $(PY) manage.py check --deploy --fail-level WARNING
	# No medium or high finding from bandit in the portal's code.
	$(VENV)/bin/bandit -q -r qualitycity responsibilities programmes targets plandocs reports dashboards assessment interfaces bench -x '*/tests/*,*/migrations/*' -ll

# Known vulnerabilities in the pinned dependencies (needs a vulnerability database online).
audit: $(STAMP)
	$(VENV)/bin/pip-audit --progress-spinner off

test: $(STAMP) messages browser-deps lint check
	$(PY) -m pytest

serve: $(STAMP)
	$(VENV)/bin/gunicorn qualitycity.wsgi -b $(HOST) -w 2

worker: $(STAMP)
	$(VENV)/bin/celery -A qualitycity worker -l info

beat: $(STAMP)
	$(VENV)/bin/celery -A qualitycity beat -l info

bench: $(STAMP)
	$(PY) manage.py seed_large
	$(PY) manage.py bench --json

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
