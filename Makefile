# Quick start: `make demo` runs the scripted demo on seeds/, `make test` runs the tests.
# Both create .venv and install the project into it first; a second run installs nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint clean lock

install: $(STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Installs the exact versions in requirements.lock (constraints): see `lock` below.
$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/diplobot demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check bot summaries config tests bench
	$(BIN)/ruff format --check bot summaries config tests bench

clean:
	rm -rf $(VENV)

# Re-resolve the ranges in pyproject.toml to the newest versions and freeze them: run after
# changing a dependency, then `make clean test` and commit requirements.lock.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	{ sed -n '/^#/p' requirements.lock; .lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v -e '^pip==' -e '^-e' -e '^diplobot'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock
	rm -rf .lock-venv
