"""The model being trained: load it (full weights, or with LoRA adapters), and save the result.

`save_model` writes, for `full`, the model + tokenizer; for `lora`, the adapter in
`output_dir/adapter` and, with `merge`, the merged model + tokenizer in `output_dir` itself, so
it loads with `AutoModelForCausalLM` (without `merge` it holds the adapter and the tokenizer
only). Written through kun.core.models.write_model_dir: complete or absent, never partial.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kun.core.errors import KunError, ParamsError
from kun.core.models import write_model_dir
from kun.training.params import TrainParams


def check_model_dir(model_path: str | Path) -> Path:
    path = Path(model_path)
    if not path.is_dir():
        raise KunError(
            f"{path}: model directory not found; run the stage that writes it (e.g. `dvc repro base_model`) or fix the path"
        )
    if not (path / "config.json").exists():
        raise KunError(
            f"{path}: not a transformers model directory (no config.json); give a directory written by save_pretrained"
        )
    return path


def linear_module_names(model: Any) -> list[str]:
    """Names (last path component) of the model's linear layers, without the output head."""
    import torch

    head = model.get_output_embeddings()
    return sorted(
        {
            name.rsplit(".", 1)[-1]
            for name, module in model.named_modules()
            if isinstance(module, torch.nn.Linear) and module is not head
        }
    )


def apply_lora(model: Any, params: TrainParams) -> Any:
    """Wrap `model` in a peft LoRA model on params.target_modules (None = every linear layer)."""
    from peft import LoraConfig, get_peft_model

    available = linear_module_names(model)
    targets = list(params.target_modules) if params.target_modules else available
    unknown = [name for name in targets if name not in available]
    if unknown:
        raise ParamsError(
            "target_modules",
            f"{', '.join(unknown)} not in the model; its linear layers are {', '.join(available)}",
        )
    config = LoraConfig(
        r=params.lora_r,
        lora_alpha=params.lora_alpha,
        lora_dropout=params.lora_dropout,
        target_modules=targets,
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, config)


def load_model(model_path: str | Path, params: TrainParams, dtype: Any = None) -> Any:
    """The model to train: base weights from `model_path` (in `dtype`, default float32), with
    LoRA adapters when params.method is lora. The adapters' random init is seeded from
    params.seed, so the same params give the same starting point."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(check_model_dir(model_path), dtype=dtype or torch.float32)
    if params.gradient_checkpointing:
        # Non-reentrant checkpointing also gives gradients to adapters of frozen layers.
        kwargs = {"use_reentrant": False}
        if hasattr(model, "activation_checkpointing_enable"):  # the name since transformers 5.x
            model.activation_checkpointing_enable(activation_checkpointing_kwargs=kwargs)
        else:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs=kwargs)
    if params.method == "lora":
        torch.manual_seed(params.seed)
        model = apply_lora(model, params)
    return model


def _sort_target_modules(config_path: Path) -> None:
    """peft writes target_modules from a set, in an order that changes between runs; sorted, the
    same adapter gives the same bytes (and DVC hash) every time."""
    config = json.loads(config_path.read_text(encoding="utf-8"))
    if isinstance(config.get("target_modules"), list):
        config["target_modules"] = sorted(config["target_modules"])
        config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def save_model(
    model: Any, tokenizer: Any, output_dir: str | Path, merge: bool = True, state_dict: dict | None = None
) -> Path:
    """Write the trained model to `output_dir` atomically (see the module docstring for the layout).

    `model` is unwrapped (no DDP). A peft model's adapter goes to `adapter/`; with `merge` the
    adapter is then folded into the weights in place (the peft wrapper is spent afterwards) and
    the merged model is saved. `state_dict` is the gathered full state under sharded training.
    """

    def write(staged: Path) -> None:
        if hasattr(model, "peft_config"):
            model.save_pretrained(staged / "adapter")
            _sort_target_modules(staged / "adapter" / "adapter_config.json")
            if merge:
                model.merge_and_unload().save_pretrained(staged)
        else:
            model.save_pretrained(staged, state_dict=state_dict)
        tokenizer.save_pretrained(staged)

    return write_model_dir(output_dir, write)


def environment(device: Any) -> dict[str, Any]:
    """What produced the weights: training is bit-identical when rerun on the same machine and
    software, not across CPUs (other SIMD kernels round differently), so each model records it."""
    import platform

    import torch
    import transformers

    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return {
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "device": str(device),
        "threads": torch.get_num_threads(),
        "cpu": cpu,
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "gpu": torch.cuda.get_device_name(device) if getattr(device, "type", "") == "cuda" else None,
    }
