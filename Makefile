# undercut — `make demo` for the main job, `make test` for the whole suite.
# Both work on a fresh machine: they create .venv and install the project first.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
UNDERCUT_ARCHIVE ?= https://github.com/TracingInsights/RaceData/releases/latest/download/data.zip
UNDERCUT_TEST_DATA ?= $(abspath ../shared/data)
HOST ?= 127.0.0.1
PORT ?= 8000
export UNDERCUT_ARCHIVE UNDERCUT_TEST_DATA

.PHONY: install demo test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/undercut ingest archive --source "$(UNDERCUT_ARCHIVE)"
	$(BIN)/undercut build

test: install
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: install
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) .undercut .pytest_cache test-artifacts
