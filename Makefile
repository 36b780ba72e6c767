# Two commands for a newcomer: `make run` and `make test`. Both create .venv as needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## run: set up and start the app (a labelled demo vault when you have none)
run: $(STAMP)
	$(BIN)/sli-desktop --demo-if-no-vault

## test: set up, lint, type-check and run the whole suite
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check sli_desktop tests
	$(BIN)/ruff format --check sli_desktop tests

typecheck: $(STAMP)
	$(BIN)/mypy sli_desktop

# pytest exits 5 when it collected no tests: that is a failure here, not a pass.
unit: $(STAMP)
	@QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: no tests ran" >&2; exit 1; fi; exit $$rc

## bench: benchmarks (minutes; not part of make test)
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest tests/bench -p no:cacheprovider -s -o addopts="" --timeout=3600

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache
