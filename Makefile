# Madadgar: `make run` to try the helpline, `make test` to run every test.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv/bin
export RASA_TELEMETRY_ENABLED := false
export OMP_NUM_THREADS := 1
export OMP_WAIT_POLICY := PASSIVE
export TF_CPP_MIN_LOG_LEVEL := 2

.PHONY: help install run test lint train setup validate lock

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

install: ## create .venv (Python 3.10) and install the pinned dependencies
	@scripts/bootstrap.sh

run: install ## set up the database, train if needed, start all services and chat
	@$(VENV)/madadgar run

setup: install ## create/upgrade the database with the demo registry and staff
	@$(VENV)/madadgar setup

train: install ## train the model if data, domain or config changed
	@$(VENV)/madadgar train

lint: install ## ruff check and format check
	@$(VENV)/ruff check bot actions tests bench
	@$(VENV)/ruff format --check bot actions tests bench

validate: install ## rasa data validate
	@$(VENV)/rasa data validate --fail-on-warnings --domain domain.yml --data data --config config.yml

test: install ## the whole test suite: lint, data validation, unit, model and conversation tests
	@scripts/test.sh

lock: ## re-resolve constraints.txt from pyproject.toml (then review the diff)
	@rm -rf /tmp/madadgar-lock && $$(scripts/find_python.sh) -m venv /tmp/madadgar-lock
	@/tmp/madadgar-lock/bin/pip install -q "pip==24.0" && /tmp/madadgar-lock/bin/pip install -q -e ".[dev]"
	@/tmp/madadgar-lock/bin/pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
