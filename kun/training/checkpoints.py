"""Training checkpoints: save, find and restore the state a resumed run continues from.

A checkpoint (every `save_steps` optimizer steps, in `.<name>-checkpoints/` beside the output
directory) holds the trainable weights, optimizer, scheduler, step, RNG states (one file per
process) and the log history. It is resumed only by a run with the same fingerprint: base
model, data, world size and every param that changes the trajectory. Only the newest is kept.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kun.core.metrics import write_json
from kun.core.models import model_fingerprint
from kun.training.params import TrainParams


def default_checkpoint_dir(output_dir: str | Path) -> Path:
    output_dir = Path(output_dir)
    return output_dir.parent / f".{output_dir.name}-checkpoints"


def _rng_state() -> dict[str, Any]:
    import torch

    state = {"python": random.getstate(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict[str, Any]) -> None:
    import torch

    random.setstate(state["python"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def trainable_parameters(model: Any) -> dict[str, Any]:
    return {name: parameter for name, parameter in model.named_parameters() if parameter.requires_grad}


def latest_checkpoint(checkpoint_dir: Path, fingerprint: str) -> Path | None:
    """Newest complete checkpoint made by this run (same fingerprint); stale ones are reported."""
    candidates = []
    for path in checkpoint_dir.glob("step-*"):
        state_file = path / "state.json"
        if state_file.exists():  # written last: its presence means the checkpoint is complete
            state = json.loads(state_file.read_text(encoding="utf-8"))
            candidates.append((state["step"], path, state.get("fingerprint")))
    if not candidates:
        return None
    step, path, found = max(candidates)
    if found != fingerprint:
        print(
            f"train: ignoring checkpoint {path} (made with other params, data or base model); starting from step 0",
            file=sys.stderr,
        )
        return None
    return path


def save_checkpoint(
    accelerator: Any, model: Any, optimizer: Any, scheduler: Any, checkpoint_dir: Path, state: dict[str, Any]
) -> None:
    import torch
    from safetensors.torch import save_file

    final = checkpoint_dir / f"step-{state['step']:08d}"
    staging = checkpoint_dir / f".step-{state['step']:08d}.tmp"
    if accelerator.is_main_process:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
    accelerator.wait_for_everyone()
    torch.save(
        _rng_state(), staging / f"rng-{accelerator.process_index}.pt"
    )  # dropout streams differ per process
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        weights = {
            name: parameter.detach().cpu().contiguous()
            for name, parameter in trainable_parameters(accelerator.unwrap_model(model)).items()
        }
        save_file(weights, staging / "trainable.safetensors")
        torch.save(optimizer.state_dict(), staging / "optimizer.pt")
        torch.save(scheduler.state_dict(), staging / "scheduler.pt")
        write_json(staging / "state.json", state)
        shutil.rmtree(final, ignore_errors=True)
        staging.rename(final)
        for old in checkpoint_dir.glob("step-*"):
            if old != final:
                shutil.rmtree(old, ignore_errors=True)
    accelerator.wait_for_everyone()


def load_checkpoint(
    accelerator: Any, model: Any, optimizer: Any, scheduler: Any, path: Path
) -> dict[str, Any]:
    import torch
    from safetensors.torch import load_file

    weights = load_file(path / "trainable.safetensors")
    trainable = trainable_parameters(accelerator.unwrap_model(model))
    if set(weights) != set(trainable):
        raise RuntimeError(f"{path}: checkpoint tensors do not match the trainable parameters")
    with torch.no_grad():
        for name, tensor in weights.items():
            trainable[name].copy_(tensor)
    optimizer.load_state_dict(torch.load(path / "optimizer.pt", map_location="cpu", weights_only=True))
    scheduler.load_state_dict(torch.load(path / "scheduler.pt", map_location="cpu", weights_only=True))
    rng_file = path / f"rng-{accelerator.process_index}.pt"
    if rng_file.exists():
        _set_rng_state(
            torch.load(rng_file, weights_only=True)
        )  # tensors, ints and tuples only: no code runs on load
    return json.loads((path / "state.json").read_text(encoding="utf-8"))


def run_fingerprint(
    model_path: Path, params: TrainParams, rows: list[dict[str, list[int]]], reverse: bool, num_processes: int
) -> str:
    """What a checkpoint must match to be resumed: base model, data, world size and every param
    that changes the trajectory (not the logging, saving or resume switches)."""
    import numpy as np

    settings = {
        key: value
        for key, value in asdict(params).items()
        if key not in {"save_steps", "logging_steps", "resume", "merge", "mix_seed_ratio"}
    }
    digest = hashlib.sha256(
        json.dumps(
            {
                "params": settings,
                "reverse": reverse,
                "processes": num_processes,
                "model": model_fingerprint(model_path),
            },
            sort_keys=True,
        ).encode()
    )
    for row in rows:
        digest.update(np.asarray(row["input_ids"], dtype=np.int64).tobytes())
        digest.update(np.asarray(row["labels"], dtype=np.int64).tobytes())
        digest.update(b"|")
    return digest.hexdigest()[:16]
