# Entry points for people and CI: `make demo` runs the project, `make test` checks it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SITE_OUT ?= build/site
HOST ?= 127.0.0.1
PORT ?= 8000
# SITE_PORT=8001: the site on its own origin, the server on PORT, as in production.
SITE_PORT ?=
SITE_ENDPOINT := $(if $(SITE_PORT),http://$(HOST):$(PORT)/api/v1,/api/v1)

AXE := build/axe/node_modules/axe-core/axe.min.js

.PHONY: setup demo test lint site chromium axe bench screenshots clean

setup: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $@

site: setup
	MKDOCS_CONSENT_ENDPOINT=$(SITE_ENDPOINT) $(BIN)/mkdocs build --strict -f site/mkdocs.yml -d $(abspath $(SITE_OUT))

demo: site
	$(BIN)/consent-server demo --site-dir $(SITE_OUT) --host $(HOST) --port $(PORT) $(if $(SITE_PORT),--site-port $(SITE_PORT))

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed: browser tests will skip (apt-get install chromium)"; fi; }

# axe-core checks the banner's accessibility in the browser tests.
axe: $(AXE)

$(AXE):
	@command -v npm >/dev/null 2>&1 && npm install --silent --no-save --no-audit --no-fund --prefix build/axe axe-core@4 \
	  || echo "npm not available: accessibility tests will skip"

test: setup chromium axe
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The documentation's and the README's pictures, taken on this project's own site and dashboard.
screenshots: setup chromium
	CONSENT_SCREENSHOTS=$(abspath site/docs/img) $(BIN)/python -m pytest -q tests/browser/test_screenshots.py

# Every benchmark runs, one at a time, even when one fails; figures and goals: bench/README.md.
bench: setup chromium
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk not installed: bench_post_ratio.py will fail (apt-get install wrk)"; fi; }
	@failed=""; for script in bench/bench_*.py; do \
	  echo "== $$script"; $(BIN)/python $$script || failed="$$failed $$script"; \
	done; if [ -n "$$failed" ]; then echo "benchmarks that failed:$$failed"; exit 1; fi

clean:
	rm -rf $(VENV) build dist *.egg-info
