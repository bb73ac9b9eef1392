PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench lint install install-test clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install -q -e .

install-test: $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'

run: install
	$(BIN)/python main.py serve --demo

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/mypy

test: install-test lint
	$(BIN)/python -m pytest

bench: install-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
