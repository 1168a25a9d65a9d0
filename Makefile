# Crux: `make run` serves the app on http://127.0.0.1:8000, `make test` runs the whole suite.

VENV := .venv
PY := $(VENV)/bin/python
PYENV_ROOT := $(shell pyenv root 2>/dev/null || echo $(HOME)/.pyenv)
# The first interpreter that actually runs: pyenv shims exist but fail unless activated.
PYTHON_CANDIDATES := python3.13 $(wildcard $(PYENV_ROOT)/versions/3.13.*/bin/python3.13) \
	python3.12 $(wildcard $(PYENV_ROOT)/versions/3.12.*/bin/python3.12)
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint format install install-dev browser seed migrate clean system-deps

$(PY):
	@base=""; for c in $(PYTHON_CANDIDATES); do \
		if $$c -c 'import sys' >/dev/null 2>&1; then base=$$c; break; fi; \
	done; \
	if [ -z "$$base" ]; then \
		echo "Crux needs Python 3.13 or 3.12, and neither runs here. Install one (e.g. apt-get install python3.13)." >&2; \
		exit 1; \
	fi; \
	echo "Creating $(VENV) with $$base"; \
	$$base -m venv $(VENV) && $(PY) -m pip install --quiet --upgrade pip

# PyICU (look-alike display names) builds against the system's ICU: Debian's libicu-dev.
system-deps:
	@if ! pkg-config --exists icu-i18n 2>/dev/null; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
				apt-get install -y -qq libicu-dev pkg-config g++ >/dev/null; \
		else \
			echo "Crux needs ICU's headers to build PyICU: run 'sudo apt-get install -y libicu-dev pkg-config g++'." >&2; \
			exit 1; \
		fi; \
	fi

$(VENV)/.installed: $(PY) requirements.txt
	@$(MAKE) --no-print-directory system-deps
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable

seed: migrate
	$(PY) manage.py seed_karabakh

# Served as in production (config/serving.py: gunicorn, uvicorn workers, so live updates stream),
# with one worker that restarts when a Python file changes (DEBUG's per-process cache would
# let a second worker see a session ended by the first). Beside it, the worker that runs
# background tasks (issue 19's analysis; django-tasks-db): Ctrl-C stops both.
run: seed
	@$(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; \
	$(VENV)/bin/gunicorn -c python:config.serving --workers 1 --reload

# The browser tests drive Debian's Chromium; Playwright's own browser download cannot work here.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "The browser tests need $(CHROMIUM): run 'sudo apt-get install -y chromium'." >&2; exit 1; \
		fi; \
	fi

# axe-core, which the browser tests inject to check accessibility, and @argdown/cli, which a test
# runs on Crux's Argdown export (package-lock.json pins both).
node_modules/axe-core/axe.min.js: package-lock.json
	@command -v npm >/dev/null || { echo "The accessibility tests need npm: run 'sudo apt-get install -y npm'." >&2; exit 1; }
	npm ci --no-audit --no-fund
	@touch $@

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# One worker per core (pytest-xdist): on these 2-core machines the suite takes about 70% of the
# time it takes in one process.
test: lint browser node_modules/axe-core/axe.min.js
	$(PY) -m pytest -n auto

clean:
	rm -rf $(VENV) var staticfiles test-artifacts .pytest_cache .ruff_cache

# Benchmarks (bench/README.md): on demand only, never part of `test`. PostgreSQL on 127.0.0.1;
# each creates and migrates the bench database, serves the app with DEBUG off and stops it after.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/crux_bench
BENCH_ARGS ?=

.PHONY: bench bench-live bench-profile soak
bench: install
	$(PY) -m bench.load --database-url $(BENCH_DATABASE_URL) --record $(BENCH_ARGS)

bench-live: install
	$(PY) -m bench.sse_latency --database-url $(BENCH_DATABASE_URL) --clients 100,500,1000 \
		--record $(BENCH_ARGS)

bench-profile: install
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) -m bench.profile_page --database-url $(BENCH_DATABASE_URL) --explain $(BENCH_ARGS)

# The standing guard of issue 15: 30 minutes of mixed load with a database restart and a worker
# kill. It starts (and removes) a throwaway PostgreSQL cluster of its own, never the one above.
soak: install
	$(PY) -m bench.soak $(BENCH_ARGS)
