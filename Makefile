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
# Tools in environments of their own under .tools/ (never on the project's PATH):
# - terraform (fmt) and checkov: the offline Terraform checks;
# - reladiff (the maintained fork of data-diff): the yardstick migrate verify is benchmarked against;
# - dash and superset: real dashboard applications the browser renderer's login tests capture;
# - azurite (npm): Azure Blob on loopback for migrate verify's tests; superset-sdk (npm): Superset's
#   embedding SDK for the same tests.
PY_TOOLS := $(foreach tool,terraform checkov reladiff dash superset,$(TOOLS)/$(tool)/.installed)
NPM_TOOLS := $(foreach tool,azurite superset-sdk,$(TOOLS)/$(tool)/node_modules/.installed)
AWS_SCHEMA := $(TOOLS)/aws-provider-schema.json
SCHEMA_WHEEL := $(TOOLS)/cache/cdktf_cdktf_provider_aws-21.22.1-py3-none-any.whl
LAMBDAS := build/lambdas.zip
ENVS := $(notdir $(wildcard terraform/environments/*))
TF_DIR = terraform/environments/$(ENV)

# ENV=local is dev's configuration applied to the sandbox's moto (make up or make moto): the
# sandbox's credentials and endpoint, never an AWS account's.
SANDBOX_ENDPOINT ?= http://127.0.0.1:5000
SANDBOX_PORT = $(lastword $(subst :, ,$(SANDBOX_ENDPOINT)))
ifeq ($(ENV),local)
export AWS_ACCESS_KEY_ID := sandbox
export AWS_SECRET_ACCESS_KEY := sandbox
export TF_VAR_sandbox_endpoint := $(SANDBOX_ENDPOINT)
endif
# A provider mirror directory (as `terraform providers mirror` lays it out) instead of the registry.
TF_MIRROR_RC := build/terraform-mirror.tfrc
ifdef TF_PROVIDER_MIRROR
export TF_CLI_CONFIG_FILE := $(abspath $(TF_MIRROR_RC))
endif

VERSION = $(shell $(PYTHON) -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')
WHEEL = dist/snapshot_engine-$(VERSION)-py3-none-any.whl
PACKER_MIN := 1.10.0


.PHONY: simulate
.PHONY: help setup demo up moto test unit check bench lint fmt lock clean tf-tools azurite lambdas generate schedules docs plan apply destroy providers-lock wheel ami

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

# Bytecode is compiled once here: where PYTHONDONTWRITEBYTECODE is set (CI images often do), every
# start would otherwise compile SQLAlchemy and the rest from source again (0.6 s a CLI run here).
$(SYNCED): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --all-extras --compile-bytecode
	@touch $@

setup: $(SYNCED) ## create .venv from uv.lock (uv itself lives in .tools/)

demo: setup ## run the platform in the sandbox, submit a mix of requests, check every outcome
	$(PY) -m sandbox demo

up: setup ## run the platform in the sandbox until Ctrl-C and print its endpoints
	$(PY) -m sandbox up --moto-port $(SANDBOX_PORT)

moto: setup ## run only the sandbox's moto (fixes and seeds, no platform) until Ctrl-C, for ENV=local
	$(PY) -m sandbox moto --port $(SANDBOX_PORT)

# These suites share nothing with the rest (each pytest has its own moto; only the rest uses the
# databases), so they run in a second pytest beside it: two cores kept busy. Their output follows.
# Chosen by the time-by-suite table so the two runs take about as long (tests/api moved to the rest
# when the beside run was the later by two minutes).
TESTS_BESIDE := tests/terraform tests/packer tests/browser tests/quicksight
BESIDE_LOG := out/tests-beside.log
# Each run prints its 25 slowest tests and writes its time by suite (tests/support/suite_timing.py).
TIMED := --durations=25 --suite-timing=out/test-timing

test: lint tf-tools lambdas wheel $(PY_TOOLS) $(NPM_TOOLS) ## every check and test (lint, unit, Lambdas, end to end, SQL servers, Terraform)
	@mkdir -p out; rm -f out/test-timing-*.json; started=$$(date +%s); \
	  $(PY) -m pytest -p no:cacheprovider $(TIMED)-beside.json $(TESTS_BESIDE) > $(BESIDE_LOG) 2>&1 & beside=$$!; \
	  rest=0; $(PY) -m pytest $(TIMED)-rest.json $(addprefix --ignore=,$(TESTS_BESIDE)) || rest=$$?; \
	  status=0; wait $$beside || status=$$?; \
	  echo "=== $(TESTS_BESIDE), run beside the rest ($(BESIDE_LOG)) ==="; cat $(BESIDE_LOG); \
	  echo "=== time by suite, both runs ($$(( $$(date +%s) - started )) s wall; out/test-timing.md) ==="; \
	  $(PY) -m tests.support.suite_timing out/test-timing-rest.json out/test-timing-beside.json | tee out/test-timing.md; \
	  echo "=== exit: the rest $$rest, beside $$status ==="; exit $$((rest ? rest : status))

simulate: setup ## replay job traces through the scaling policy; writes out/simulation.json and .png
	$(PY) -m simulator

bench: setup $(TOOLS)/reladiff/.installed ## measure the agent (and migrate verify against reladiff); writes out/bench.json
	$(PY) -m bench.run

unit: setup ## the fast tests only (no agents)
	$(PY) -m pytest tests/unit

# What needs no agent, database server, browser, Terraform, Packer root or Azurite: the
# markers tests/support/markers.py applies by suite, fixture and database parameter.
NO_SERVERS := not (e2e or agent or mysql or postgres or terraform or browser or packer or azurite)

# Split in two pytests side by side, as make test is: about the same time each.
CHECK_BESIDE := tests/api tests/bench tests/quicksight tests/loads

check: lint ## the edit-test loop: lint, mypy and every test that needs no server or tool (two cores, about 2 minutes)
	@mkdir -p out
	@$(PY) -m pytest -q -p no:cacheprovider -m "$(NO_SERVERS)" $(CHECK_BESIDE) > out/check-beside.log 2>&1 & beside=$$!; \
	  rest=0; $(PY) -m pytest -q -p no:cacheprovider -m "$(NO_SERVERS)" $(addprefix --ignore=,$(CHECK_BESIDE)) || rest=$$?; \
	  status=0; wait $$beside || status=$$?; \
	  echo "=== $(CHECK_BESIDE), run beside the rest ==="; tail -n 25 out/check-beside.log; \
	  exit $$((rest ? rest : status))

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
	rm -rf $(VENV) $(TOOLS) out build data/*.db .mypy_cache .pytest_cache .ruff_cache

# A Python tool in an environment of its own under .tools/<name>, from tools/<name>.txt (pinned
# with hashes by pip-compile from tools/<name>.in); .installed marks it done.
$(TOOLS)/%/.installed: tools/%.txt | $(UV)
	$(UV) venv -q --allow-existing -p $(PYTHON) $(TOOLS)/$*
	$(UV) pip install -q --python $(TOOLS)/$*/bin/python --require-hashes --compile-bytecode -r $<
	@touch $@

# An npm package under .tools/<name>, from tools/<name>/package-lock.json.
$(TOOLS)/%/node_modules/.installed: tools/%/package.json tools/%/package-lock.json
	mkdir -p $(TOOLS)/$*
	cp $^ $(TOOLS)/$*/
	cd $(TOOLS)/$* && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(SCHEMA_WHEEL): tools/aws-schema.txt | $(UV)
	$(TOOLS)/bin/pip download -q --no-deps --require-hashes -r $< -d $(TOOLS)/cache

$(AWS_SCHEMA): $(SCHEMA_WHEEL) tools/aws_schema.py | $(SYNCED)
	$(PY) tools/aws_schema.py $< $@

tf-tools: $(TOOLS)/terraform/.installed $(TOOLS)/checkov/.installed $(AWS_SCHEMA) ## terraform fmt, checkov and the AWS provider schema, for the offline checks

azurite: $(TOOLS)/azurite/node_modules/.installed ## Azurite (Azure Blob on loopback) for migrate verify's tests, from npm into .tools/

lambdas: setup ## zip the Lambdas reproducibly (build/lambdas.zip) for Terraform
	$(PY) tools/build_lambdas.py

generate: docs schedules ## write every generated file: each catalog's, the settings tables in docs/, contracts/openapi.json

docs: setup ## regenerate what is written from code: the agent's and the Lambdas' settings tables, contracts/openapi.json
	$(PY) -m tools.settings_table
	$(PY) -m contracts.openapi

schedules: setup ## write each catalog's generated files (sandbox/catalog, catalogs/<env>): schedules, event streams, grants, the entitlements seed (Terraform has no TOML reader)
	$(PY) -m contracts.generated

plan: lambdas ## terraform plan for ENV=dev|prod (needs terraform >= 1.6 and AWS credentials) or ENV=local (the sandbox)
	@$(MAKE) --no-print-directory tf-init ENV=$(ENV) GOAL=plan
	terraform -chdir=$(TF_DIR) plan -out=tfplan

apply: lambdas ## terraform apply ENV=dev|prod|local: the plan from make plan, or a fresh one
	@$(MAKE) --no-print-directory tf-init ENV=$(ENV) GOAL=apply
	if [ -f $(TF_DIR)/tfplan ]; then terraform -chdir=$(TF_DIR) apply tfplan && rm -f $(TF_DIR)/tfplan; \
	else terraform -chdir=$(TF_DIR) apply; fi

destroy: lambdas ## terraform destroy ENV=dev|prod|local (prod refuses while deletion protection is on)
	@$(MAKE) --no-print-directory tf-init ENV=$(ENV) GOAL=destroy
	terraform -chdir=$(TF_DIR) destroy

providers-lock: ## record provider hashes in ENV's lock file for linux and macOS (needs registry access)
	@$(MAKE) --no-print-directory tf-check ENV=$(ENV) GOAL=providers-lock
	terraform -chdir=$(TF_DIR) providers lock -platform=linux_amd64 -platform=linux_arm64 -platform=darwin_arm64 -platform=darwin_amd64

wheel: setup ## the agent wheel, its locked requirements and a wheelhouse for the AMI, in dist/
	rm -f dist/*.whl
	$(UV) build -q --wheel --out-dir dist
	$(UV) export -q --frozen --no-dev --no-emit-project --format requirements-txt -o dist/requirements.txt
	$(TOOLS)/bin/pip download -q --dest dist/wheelhouse --require-hashes --requirement dist/requirements.txt \
	  --only-binary=:all: --implementation cp --python-version 3.11 \
	  --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux_2_28_x86_64

ami: ## build the worker AMI with packer (needs packer >= 1.10, AWS credentials and AWS_REGION)
	@command -v packer >/dev/null || { echo "packer not found: install Packer >= $(PACKER_MIN) (https://developer.hashicorp.com/packer/install)" >&2; exit 2; }
	@have="$$(packer version | head -1 | sed -E 's/^Packer v([0-9.]+).*/\1/')"; \
	  if [ "$$(printf '%s\n' "$(PACKER_MIN)" "$$have" | sort -V | head -1)" != "$(PACKER_MIN)" ]; then \
	    echo "packer $$have is too old: make ami needs Packer >= $(PACKER_MIN)" >&2; exit 2; fi
	@if [ -z "$${AWS_REGION:-}" ]; then echo "AWS_REGION is required: the region the AMI is built in" >&2; exit 2; fi
	@$(MAKE) --no-print-directory wheel
	packer init packer
	packer build -var region=$${AWS_REGION} -var agent_version=$(VERSION) -var git_sha=$$(git rev-parse HEAD) \
	  -var wheel_path=$(abspath $(WHEEL)) -var wheelhouse_dir=$(abspath dist/wheelhouse) \
	  -var requirements_path=$(abspath dist/requirements.txt) packer

.PHONY: tf-check tf-init
tf-check:
	@if [ -z "$(ENV)" ]; then echo "ENV is required: make $(or $(GOAL),$(MAKECMDGOALS)) ENV=<$(subst $(eval) ,|,$(ENVS))>" >&2; exit 2; fi
	@if [ ! -d "$(TF_DIR)" ]; then echo "ENV=$(ENV) is not one of: $(ENVS)" >&2; exit 2; fi
	@command -v terraform >/dev/null || { echo "terraform not found: install Terraform >= 1.6 (https://developer.hashicorp.com/terraform/install)" >&2; exit 2; }

tf-init: tf-check
	@if [ -n "$(TF_PROVIDER_MIRROR)" ]; then \
	  test -d "$(TF_PROVIDER_MIRROR)" || { echo "TF_PROVIDER_MIRROR=$(TF_PROVIDER_MIRROR) is not a directory" >&2; exit 2; }; \
	  mkdir -p $(dir $(TF_MIRROR_RC)); \
	  printf 'provider_installation {\n  filesystem_mirror {\n    path = "%s"\n  }\n}\n' "$(abspath $(TF_PROVIDER_MIRROR))" > $(TF_MIRROR_RC); fi
	@if [ "$(ENV)" = local ]; then \
	  $(PYTHON) -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=3)' $(SANDBOX_ENDPOINT) 2>/dev/null \
	  || { echo "no sandbox at $(SANDBOX_ENDPOINT): start one with make moto (or make up) in another terminal" >&2; exit 2; }; \
	elif [ -z "$${AWS_PROFILE:-}$${AWS_ACCESS_KEY_ID:-}" ] && ! aws sts get-caller-identity >/dev/null 2>&1; then \
	  echo "no AWS credentials: set AWS_PROFILE (or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) for the $(ENV) account" >&2; exit 2; fi
	terraform -chdir=$(TF_DIR) init -input=false -backend-config=backend.hcl

