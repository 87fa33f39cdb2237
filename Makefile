# The two commands of the README. Each sets up everything it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# PyTorch first, pinned: a loose range would pull gigabytes of CUDA wheels.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev,ray]"
	touch $(STAMP)

demo: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/barometer demo

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	HF_HUB_OFFLINE=1 $(BIN)/pytest

bench: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python bench/ingest_bench.py --posts 20000 --db sqlite
	HF_HUB_OFFLINE=1 $(BIN)/python bench/score_bench.py --posts 5000

clean:
	rm -rf $(VENV) barometer-data .pytest_cache .ruff_cache
