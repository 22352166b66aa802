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

.PHONY: install install-dev demo test lint bench clean

# Two stamps: what the product needs to run (make demo), and the test and lint tools on top
# (make test, make lint, make bench), so a first demo does not wait for the [dev] extras.
$(BIN)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.dev: $(BIN)/.runtime
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.runtime

install-dev: $(BIN)/.dev

# The main job end to end, as recorded runs (`undercut runs`): history in and gold built; the
# last race hindcast by a model trained only on the races before it (so the dashboard shows a
# prediction beside a result, labelled as a hindcast); a model trained on everything and the
# next race predicted (skipped when the calendar has no race left); a one-season backtest for
# the model page; then the API and dashboard on http://$(HOST):$(PORT)/
demo: install
	$(BIN)/undercut run --archive "$(UNDERCUT_ARCHIVE)" --step ingest --step build
	$(BIN)/undercut predict --last --train
	$(BIN)/undercut run --step train --step predict
	$(BIN)/undercut run --backtest $(DEMO_BACKTEST_SEASON)
	$(BIN)/undercut serve --host $(HOST) --port $(PORT)

test: install-dev
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: install-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy src

# Every benchmark, one after another; each prints its own figures and targets.
bench: install-dev
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/build.py
	$(BIN)/python benchmarks/cloud_lake.py
	$(BIN)/python benchmarks/backtest.py
	$(BIN)/python benchmarks/ergast_queries.py
	$(BIN)/python benchmarks/api_load.py
	$(BIN)/python benchmarks/telemetry.py
	$(BIN)/python benchmarks/dashboard.py --home $${UNDERCUT_HOME:-.undercut}

clean:
	rm -rf $(VENV) .undercut .pytest_cache test-artifacts
