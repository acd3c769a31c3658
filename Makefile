# Two entry points on a fresh machine: `make demo` and `make test`. Both build .venv from pins.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo.db

.PHONY: demo test clean

$(BIN)/storyline-deps: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(BIN)/storyline-dev: $(BIN)/storyline-deps requirements-dev.lock
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.lock
	touch $@

## Ingest the bundled example articles into a fresh demo store and print the story.
demo: $(BIN)/storyline-deps
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/storyline ingest examples/ --db $(DEMO_DB) --quiet
	@for id in $$($(BIN)/python -c "from storyline.store import SQLiteStore; \
	    print(' '.join(r.id for r in SQLiteStore('$(DEMO_DB)').stories()))"); do \
	    echo; $(BIN)/storyline show $$id --db $(DEMO_DB); done

## Run the whole test suite (lint and types first: they are part of the contract).
test: $(BIN)/storyline-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	@# the browser tests drive Debian's Chromium (never `playwright install`)
	command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	@# a throwaway PostgreSQL cluster on a loopback port for the PostgreSQL store tests
	$(BIN)/python tests/pgcluster.py $(BIN)/pytest -q

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_DB).lock .pytest_cache .mypy_cache .ruff_cache
