PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test awkward-dates bench lint install install-test clean

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

# A fast subset again with the clock at 29 February, New Year's Eve 23:30 and a minute before the spring clock
# change (TRACKER_TEST_TODAY, honoured by tests/conftest.py with time-machine); SQLite only, to stay quick.
AWKWARD_MOMENTS := 2028-02-29T12:00:00+00:00 2026-12-31T23:30:00+00:00 2027-03-28T00:59:00+00:00
AWKWARD_TESTS := tests/test_test_clock.py tests/test_compliance.py tests/test_population.py tests/test_team_views.py \
	tests/test_reports.py tests/test_reports_person.py tests/test_calendar.py tests/test_jobs_reminders.py \
	tests/test_jobs_digest.py tests/test_exports.py tests/test_retention.py

awkward-dates: install-test
	for moment in $(AWKWARD_MOMENTS); do \
		TRACKER_TEST_TODAY=$$moment TRACKER_TEST_POSTGRES_URL= $(BIN)/python -m pytest -p no:cacheprovider $(AWKWARD_TESTS) || exit 1; \
	done

bench: install-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
