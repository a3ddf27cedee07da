# Infostrada — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install demo test test-pg test-browser test-served crawl lint format bench messages config-doc clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

install: $(STAMP)

demo: install
	$(BIN)/infostrada migrate --noinput
	$(BIN)/infostrada collectstatic --noinput -v0
	PORT=$(PORT) $(BIN)/infostrada seed-demo
	PORT=$(PORT) $(BIN)/infostrada serve

test: install
	$(BIN)/pytest -m "not browser and not served" $(PYTEST_ARGS)

# The same suite on PostgreSQL (a server on 127.0.0.1:5432 by default).
test-pg: install
	INFOSTRADA_DATABASE_URL=$${INFOSTRADA_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/infostrada} \
		$(BIN)/pytest -m "not browser and not served" $(PYTEST_ARGS)

# Tests that run `infostrada` in processes of their own (serve: a worker killed
# mid-burst, memory under a huge upload; backup then restore): minutes, so a
# step of their own. The database is the suite's (INFOSTRADA_DATABASE_URL).
test-served: install
	$(BIN)/pytest -m served -p no:xdist -s $(PYTEST_ARGS)

# Browser tests: Debian's chromium driven by Playwright, with axe-core.
test-browser: install
	$(BIN)/pip install -q -e '.[dev,browser]'
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

# The demo served as `make demo` serves it (a fresh data directory, a free port),
# crawled as every role in both languages, before and after the main forms.
crawl: install
	$(BIN)/python -m infostrada.testing_crawl

lint: install
	$(BIN)/ruff check src bench
	$(BIN)/ruff format --check src bench

format: install
	$(BIN)/ruff format src bench
	$(BIN)/ruff check --fix src bench

bench: install
	$(BIN)/python bench/run.py

messages: install
	cd src/infostrada && ../../$(BIN)/infostrada makemessages -l pl --no-obsolete --ignore 'tests/*' && ../../$(BIN)/infostrada compilemessages -l pl

config-doc: install
	$(BIN)/infostrada config-doc > docs/configuration.md

clean:
	rm -rf $(VENV) var
