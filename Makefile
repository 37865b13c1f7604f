# Two commands set everything up on a fresh machine with Python 3.11+ and make:
#   make build   environment, pinned dependencies, validate, build the tables, quality gate
#   make test    the test suite, including the tools that read a release
#   make test-fast  the unit, schema and data tiers, for the edit loop (under a minute)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# cffconvert pins jsonschema<4, so it lives in a venv of its own; so does Label Studio
# (a Django app with its own pins), used only by the test that runs a real server.
CFFCONVERT := $(VENV)/cffconvert/bin/cffconvert
LABEL_STUDIO := $(VENV)/label-studio/bin/label-studio
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: build check test test-fast test-tools bench lint format docs clean

# Test processes (pytest-xdist); each test file stays on one, so its fixtures are built once.
TEST_WORKERS ?= 2
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=15

$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "make needs Python 3.11+ for the quality gate and test tools (PYTHON=python3.11); the package alone installs on 3.10")'
	@echo "make: creating the environment in $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "make: installing the package and its pinned dependencies (about a minute the first time)"
	$(BIN)/python -m pip install --progress-bar off -e '.[check,dev,bench,baseline]'
	@touch $@

$(VENV)/.test-stamp: $(STAMP) constraints-cffconvert.txt
	@echo "make: installing the test dependencies"
	$(BIN)/python -m pip install --progress-bar off -e '.[check,dev,bench,baseline,test]'
	@echo "make: installing cffconvert in a venv of its own ($(VENV)/cffconvert)"
	$(PYTHON) -m venv $(VENV)/cffconvert
	PIP_CONSTRAINT=$(CURDIR)/constraints-cffconvert.txt \
		$(VENV)/cffconvert/bin/python -m pip install --progress-bar off cffconvert
	@touch $@

# build validates every input itself (and names every problem), so no separate validate.
build: $(STAMP)
	$(BIN)/privacy-labels build --raw data/raw --out data/labeled
	$(BIN)/privacy-labels check data/labeled

check: $(STAMP)
	$(BIN)/privacy-labels check data/labeled

# The scale benchmark (docs/performance.md): 1x, 10x and 100x OPP-115, then import app350
# and import mapp at the full corpora's size; about 25 minutes. Beside it, 5fc3e80's gate
# (issue 31): OLD_GATE=DIR reuses a checkout of it with its own .venv, else the run makes a
# git worktree of it (and its make build) and removes it after.
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(if $(SCALES),--scales $(SCALES)) $(if $(OLD_GATE),--old-gate $(OLD_GATE))

test: $(VENV)/.test-stamp
	CFFCONVERT=$(CFFCONVERT) LABEL_STUDIO=$(CURDIR)/$(LABEL_STUDIO) $(PYTEST)

test-fast: $(STAMP)
	$(PYTEST) tests/unit tests/schema tests/data benchmarks

# Optional tools the slow tests use when present (CI installs them; tests skip without):
# Label Studio in a venv of its own, and Debian's chromium for the report (needs root).
test-tools: $(LABEL_STUDIO)
	command -v chromium >/dev/null || apt-get install -y --no-install-recommends chromium \
		|| (apt-get update && apt-get install -y --no-install-recommends chromium)

$(LABEL_STUDIO): constraints-label-studio.txt
	@echo "make: installing Label Studio in a venv of its own ($(VENV)/label-studio; minutes)"
	$(PYTHON) -m venv $(VENV)/label-studio
	PIP_CONSTRAINT=$(CURDIR)/constraints-label-studio.txt \
		$(VENV)/label-studio/bin/python -m pip install --progress-bar off label-studio
	@touch $@

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

docs: $(STAMP)
	$(BIN)/privacy-labels docs

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache reports
