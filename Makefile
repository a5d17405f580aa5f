# Entry points for people and CI: `make demo` runs the project, `make test` checks it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SITE_OUT ?= build/site
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo test lint site chromium bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $@

site: setup
	$(BIN)/mkdocs build --strict -f site/mkdocs.yml -d $(abspath $(SITE_OUT))

demo: site
	$(BIN)/consent-server demo --site-dir $(SITE_OUT) --host $(HOST) --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed: browser tests will skip (apt-get install chromium)"; fi; }

test: setup chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

bench: setup
	for script in bench/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) build dist *.egg-info
