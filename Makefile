# undercut — `make demo` for the main job, `make test` for the whole suite.
# Both work on a fresh machine: they create .venv and install the project first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UNDERCUT_ARCHIVE ?= https://github.com/TracingInsights/RaceData/releases/latest/download/data.zip
UNDERCUT_TEST_DATA ?= $(abspath ../shared/data)
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_BACKTEST_SEASON ?= 2025
export UNDERCUT_ARCHIVE UNDERCUT_TEST_DATA

.PHONY: install demo test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# The main job end to end, as recorded runs (`undercut runs`): history in, gold built, a
# model trained, the next race predicted (skipped when the calendar has no race left), a
# one-season backtest for the model page, then the API and dashboard on http://$(HOST):$(PORT)/
demo: install
	$(BIN)/undercut run --archive "$(UNDERCUT_ARCHIVE)" --step ingest --step build --step train --step predict
	$(BIN)/undercut run --backtest $(DEMO_BACKTEST_SEASON)
	$(BIN)/undercut serve --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

# Every benchmark, one after another; each prints its own figures and targets.
bench: install
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/build.py
	$(BIN)/python benchmarks/backtest.py
	$(BIN)/python benchmarks/ergast_queries.py
	$(BIN)/python benchmarks/api_load.py
	$(BIN)/python benchmarks/dashboard.py --home $${UNDERCUT_HOME:-.undercut}

clean:
	rm -rf $(VENV) .undercut .pytest_cache test-artifacts
