# Snapshot Engine. `make help` lists the targets.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
UV_VERSION := 0.9.30
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
SYNCED := $(VENV)/.synced

.PHONY: help setup demo up test unit bench lint fmt lock clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-extras
	@touch $@

setup: $(SYNCED) ## create .venv from uv.lock (uv itself lives in .tools/)

demo: setup ## run the platform in the sandbox, submit a mix of requests, check every outcome
	$(PY) -m sandbox demo

up: setup ## run the platform in the sandbox until Ctrl-C and print its endpoints
	$(PY) -m sandbox up

test: lint ## every check and test (lint, unit, Lambdas, end to end, SQL servers)
	$(PY) -m pytest

bench: setup ## measure the agent against a local instant AWS endpoint; writes out/bench.json
	$(PY) -m bench.run

unit: setup ## the fast tests only (no agents)
	$(PY) -m pytest tests/unit

lint: setup ## ruff (lint and format) and mypy --strict
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

fmt: setup ## format and autofix
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

lock: | $(UV) ## refresh uv.lock after editing pyproject.toml
	$(UV) lock

clean: ## remove the environments and outputs
	rm -rf $(VENV) $(TOOLS) out data/*.db .mypy_cache .pytest_cache .ruff_cache
