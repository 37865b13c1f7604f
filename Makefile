# Two commands set everything up on a fresh machine with Python 3.10+ and make:
#   make build   environment, pinned dependencies, validate, build the tables
#   make test    the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: build test lint format docs clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

build: $(STAMP)
	$(BIN)/privacy-labels validate data/raw
	$(BIN)/privacy-labels build --raw data/raw --out data/labeled

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

docs: $(STAMP)
	$(BIN)/privacy-labels docs

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
