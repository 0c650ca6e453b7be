"""Train: supervised fine-tuning of a causal LM on (instruction, output) pairs.

Paper step: Kun trains two models this way. The label model Myx is the base model fine-tuned on
*reversed* seed pairs (`reverse=True`: the user turn is a response text, the assistant turn is
its instruction), so it can write the instruction a corpus segment answers (stage train_label,
used by label mode `finetuned`). The final model is the base model fine-tuned forwards on the
Kun dataset, optionally mixed with seed pairs (stage finetune).

Reads: a local transformers model directory (config.json + weights + tokenizer with a chat
template) and a list of `{"instruction", "output"}` dicts.
Writes:
- `output_dir`: for `full`, the model + tokenizer; for `lora`, the adapter in `output_dir/adapter`
  and, with `merge`, the merged model + tokenizer in `output_dir` itself, so it loads with
  `AutoModelForCausalLM` (without `merge` it holds the adapter and the tokenizer only). It is
  written into a temporary directory beside it and renamed: complete or absent, never partial.
- checkpoints every `save_steps` optimizer steps in `.<name>-checkpoints/` beside `output_dir`
  (trainable weights, optimizer, scheduler, step, RNG states and the log history); a rerun with
  `resume` continues from the newest one made with the same params, data and base model. Only
  the newest checkpoint is kept, and the folder is deleted once `output_dir` is written.
- with `metrics_dir`, dvclive plots (loss, learning_rate, tokens_per_second, grad_norm per step)
  and `metrics.json` holding the run summary.

Loop: one plain PyTorch loop (nanoGPT style) driven by `accelerate.Accelerator`, so the same
code runs on CPU, one GPU, or under `accelerate launch` on several (data parallel): Accelerator
places the model and batches, shards the data, accumulates gradients and applies the mixed
precision chosen by `dtype`; only the main process writes files. The loss is on response tokens
only (prompt tokens are labelled -100), averaged per micro-batch as transformers does.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Mapping

from kun import progress
from kun.errors import KunError
from kun.metrics import write_json
from kun.params import require

IGNORE_INDEX = -100  # label of tokens that carry no loss (prompt and padding)


@dataclass
class TrainParams:
    """Defaults are the paper's settings (full fine-tuning at lr 1e-5, effective batch 32);
    the per-stage subclasses below set the authors' epochs."""

    method: Literal["lora", "full"] = "full"  # lora: train low-rank adapters; full: every weight (the paper)
    lora_r: int = 16  # adapter rank
    lora_alpha: int = 32  # adapter output is scaled by lora_alpha / lora_r
    lora_dropout: float = 0.05  # dropout on each adapter input (a mask per adapter: on CPU it costs more than LoRA saves, see benchmarks/bench_train.py)
    target_modules: list[str] | None = None  # linear layer names to adapt (e.g. [q_proj, v_proj]); None = every linear layer but lm_head
    learning_rate: float = 1e-5  # the paper's full fine-tuning rate; LoRA usually wants ~2e-4
    lr_scheduler: Literal["cosine", "linear", "constant"] = "cosine"  # decay after a linear warmup
    warmup_ratio: float = 0.03  # fraction of the optimizer steps spent warming up from 0
    epochs: float = 3.0  # passes over the data; fractions allowed
    max_steps: int = 0  # optimizer steps to run; 0 = derive from epochs
    batch_size: int = 4  # sequences per micro-batch per device
    gradient_accumulation_steps: int = 8  # micro-batches per optimizer step
    weight_decay: float = 0.0  # AdamW decay on weight matrices (never on biases or norms)
    max_grad_norm: float = 1.0  # clip the global gradient norm; 0 = no clipping
    max_seq_len: int = 2048  # tokens per sequence (a 512-token text, its question and a 1024-token answer fit); longer pairs are truncated, see build_examples
    packing: bool = False  # concatenate examples into max_seq_len blocks (fewer pad tokens)
    seed: int = 42  # LoRA init, dropout and data order
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"  # compute precision; auto = bf16 on a GPU that has it, else float32
    gradient_checkpointing: bool = False  # recompute activations in backward: less memory, ~30% slower
    save_steps: int = 50  # checkpoint every N optimizer steps; 0 = never
    resume: bool = True  # continue from the newest matching checkpoint
    merge: bool = True  # lora: also save the adapter merged into full weights
    logging_steps: int = 1  # log loss, learning rate and tokens/s every N optimizer steps
    mix_seed_ratio: float = 0.0  # finetune stage only: fraction of seed pairs mixed into the data

    def validate(self, section: str) -> None:
        require(self.lora_r >= 1, f"{section}.lora_r", f"{self.lora_r} must be >= 1")
        require(self.lora_alpha > 0, f"{section}.lora_alpha", f"{self.lora_alpha} must be > 0")
        require(0.0 <= self.lora_dropout < 1.0, f"{section}.lora_dropout", f"{self.lora_dropout} must be in [0, 1)")
        require(self.target_modules is None or len(self.target_modules) > 0, f"{section}.target_modules", "list at least one module name, or leave it null for every linear layer")
        require(self.learning_rate > 0, f"{section}.learning_rate", f"{self.learning_rate} must be > 0")
        require(0.0 <= self.warmup_ratio < 1.0, f"{section}.warmup_ratio", f"{self.warmup_ratio} must be in [0, 1)")
        require(self.max_steps >= 0, f"{section}.max_steps", f"{self.max_steps} must be >= 0 (0 = use epochs)")
        require(self.max_steps > 0 or self.epochs > 0, f"{section}.epochs", f"{self.epochs} must be > 0 when max_steps is 0")
        require(self.batch_size >= 1, f"{section}.batch_size", f"{self.batch_size} must be >= 1")
        require(self.gradient_accumulation_steps >= 1, f"{section}.gradient_accumulation_steps", f"{self.gradient_accumulation_steps} must be >= 1")
        require(self.weight_decay >= 0, f"{section}.weight_decay", f"{self.weight_decay} must be >= 0")
        require(self.max_grad_norm >= 0, f"{section}.max_grad_norm", f"{self.max_grad_norm} must be >= 0 (0 = no clipping)")
        require(self.max_seq_len >= 2, f"{section}.max_seq_len", f"{self.max_seq_len} must be >= 2")
        require(self.save_steps >= 0, f"{section}.save_steps", f"{self.save_steps} must be >= 0 (0 = never)")
        require(self.logging_steps >= 1, f"{section}.logging_steps", f"{self.logging_steps} must be >= 1")
        require(0.0 <= self.mix_seed_ratio <= 1.0, f"{section}.mix_seed_ratio", f"{self.mix_seed_ratio} must be between 0 and 1")


@dataclass
class LabelTrainParams(TrainParams):
    epochs: float = 6.0  # the authors: 6 epochs for the label model


@dataclass
class ChatTrainParams(TrainParams):
    epochs: float = 4.0  # the authors: 4 epochs for the primary chat model


@dataclass
class FinetuneParams(TrainParams):
    epochs: float = 3.0  # not published for the final model; 3 is kun's choice (docs/paper.md)
    max_examples: int = 0  # train on a fixed, seeded sample of this many Kun pairs (0 = all): the paper's dataset-size comparison

    def validate(self, section: str) -> None:
        super().validate(section)
        require(self.max_examples >= 0, f"{section}.max_examples", f"{self.max_examples} must be >= 0 (0 = all)")


STAGE_PARAMS = {"train_label": LabelTrainParams, "train_chat": ChatTrainParams, "finetune": FinetuneParams}


# -- data -------------------------------------------------------------------------------------


@dataclass
class Examples:
    rows: list[dict[str, list[int]]]  # input_ids and labels of equal length; labels are IGNORE_INDEX on the prompt
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> pairs dropped
    truncated: int = 0  # rows cut to max_seq_len


def _truncate(prompt: list[int], target: list[int], max_seq_len: int) -> tuple[list[int], list[int]]:
    """Fit prompt + target into max_seq_len.

    The response keeps up to half the window; the prompt is cut from the left (its end, the
    instruction's last words and the open assistant turn, survives, as at inference in
    kun.llm); then the response is cut from the right (losing its eos) to fill what is left.
    """
    if len(prompt) + len(target) <= max_seq_len:
        return prompt, target
    prompt_budget = max_seq_len - min(len(target), max(1, max_seq_len // 2))
    prompt = prompt[len(prompt) - prompt_budget :] if len(prompt) > prompt_budget else prompt
    return prompt, target[: max_seq_len - len(prompt)]


def build_examples(pairs: Iterable[Mapping[str, Any]], tokenizer: Any, max_seq_len: int, reverse: bool = False) -> Examples:
    """Tokenize pairs as one-turn chats with the tokenizer's chat template.

    prompt = chat template of [user] with the generation prompt; full = prompt + target + eos,
    with labels IGNORE_INDEX on every prompt token so the loss is on the response only. Forwards
    the user turn is the instruction and the target the output; with `reverse` (the backward
    label model) the user turn is the output and the target the instruction. Prompt and target
    are tokenized separately, exactly as the model sees them when it generates after the prompt.
    Pairs with a missing or blank side are dropped and counted per reason.
    """
    if not getattr(tokenizer, "chat_template", None):
        raise KunError(f"{getattr(tokenizer, 'name_or_path', 'tokenizer')}: the tokenizer has no chat template; train from a chat model or add a template")
    eos = tokenizer.eos_token_id
    if eos is None:
        raise KunError(f"{getattr(tokenizer, 'name_or_path', 'tokenizer')}: the tokenizer has no eos token; the model could not learn to stop")
    dropped: Counter[str] = Counter()
    users, targets = [], []
    for pair in pairs:
        instruction, output = pair.get("instruction"), pair.get("output")
        if not isinstance(instruction, str) or not instruction.strip():
            dropped["empty_instruction"] += 1
            continue
        if not isinstance(output, str) or not output.strip():
            dropped["empty_output"] += 1
            continue
        users.append(output if reverse else instruction)
        targets.append(instruction if reverse else output)
    if not users:
        return Examples([], dict(dropped))
    prompts = [tokenizer.apply_chat_template([{"role": "user", "content": text}], tokenize=False, add_generation_prompt=True) for text in users]
    prompt_ids = tokenizer(prompts, add_special_tokens=False)["input_ids"]
    target_ids = tokenizer(targets, add_special_tokens=False)["input_ids"]
    rows, truncated = [], 0
    for prompt, target in zip(prompt_ids, target_ids):
        full_length = len(prompt) + len(target) + 1
        prompt, target = _truncate(list(prompt), list(target) + [eos], max_seq_len)
        truncated += len(prompt) + len(target) < full_length
        if not target:
            dropped["no_response_tokens"] += 1
            continue
        rows.append({"input_ids": prompt + target, "labels": [IGNORE_INDEX] * len(prompt) + target})
    return Examples(rows, dict(dropped), truncated)


def _permutation(size: int, seed: int, salt: int) -> list[int]:
    import torch

    generator = torch.Generator().manual_seed((seed * 1_000_003 + salt) % (1 << 63))
    return torch.randperm(size, generator=generator).tolist()


def epoch_order(num_rows: int, seed: int, epoch: int) -> list[int]:
    """Row order of one epoch: a permutation drawn from (seed, epoch) only, so a resumed run
    replays exactly the order the interrupted run would have used."""
    return _permutation(num_rows, seed, epoch + 1)


def pack_examples(rows: list[dict[str, list[int]]], max_seq_len: int, seed: int) -> list[dict[str, list[int]]]:
    """Concatenate whole examples (in a seeded order) into blocks of at most max_seq_len tokens.

    Each example keeps its own labels, so the loss is still on responses only. Attention is not
    masked between examples of one block and position ids run on across them: the usual cheap
    packing, a little cross-example leakage in exchange for far fewer pad tokens.
    """
    blocks: list[dict[str, list[int]]] = []
    current: dict[str, list[int]] = {"input_ids": [], "labels": []}
    for index in _permutation(len(rows), seed, 0):
        row = rows[index]
        if current["input_ids"] and len(current["input_ids"]) + len(row["input_ids"]) > max_seq_len:
            blocks.append(current)
            current = {"input_ids": [], "labels": []}
        current["input_ids"] += row["input_ids"]
        current["labels"] += row["labels"]
    if current["input_ids"]:
        blocks.append(current)
    return blocks


def collate(rows: list[dict[str, list[int]]], pad_token_id: int) -> dict[str, Any]:
    """Right-pad a micro-batch to its longest row."""
    import torch

    width = max(len(row["input_ids"]) for row in rows)
    input_ids = torch.full((len(rows), width), pad_token_id, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE_INDEX, dtype=torch.long)
    attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
    for index, row in enumerate(rows):
        length = len(row["input_ids"])
        input_ids[index, :length] = torch.tensor(row["input_ids"])
        labels[index, :length] = torch.tensor(row["labels"])
        attention_mask[index, :length] = 1
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}


# -- model ------------------------------------------------------------------------------------


def check_model_dir(model_path: str | Path) -> Path:
    path = Path(model_path)
    if not path.is_dir():
        raise KunError(f"{path}: model directory not found; run the stage that writes it (e.g. `dvc repro base_model`) or fix the path")
    if not (path / "config.json").exists():
        raise KunError(f"{path}: not a transformers model directory (no config.json); give a directory written by save_pretrained")
    return path


def linear_module_names(model: Any) -> list[str]:
    """Names (last path component) of the model's linear layers, without the output head."""
    import torch

    head = model.get_output_embeddings()
    return sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules() if isinstance(module, torch.nn.Linear) and module is not head})


def apply_lora(model: Any, params: TrainParams) -> Any:
    """Wrap `model` in a peft LoRA model on params.target_modules (None = every linear layer)."""
    from peft import LoraConfig, get_peft_model

    available = linear_module_names(model)
    targets = list(params.target_modules) if params.target_modules else available
    unknown = [name for name in targets if name not in available]
    if unknown:
        raise KunError(f"params.yaml: target_modules: {', '.join(unknown)} not in the model; its linear layers are {', '.join(available)}")
    config = LoraConfig(r=params.lora_r, lora_alpha=params.lora_alpha, lora_dropout=params.lora_dropout, target_modules=targets, task_type="CAUSAL_LM")
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


def save_model(model: Any, tokenizer: Any, output_dir: str | Path, merge: bool = True, state_dict: dict | None = None) -> Path:
    """Write the trained model to `output_dir` atomically (see the module docstring for the layout).

    `model` is unwrapped (no DDP). A peft model's adapter goes to `adapter/`; with `merge` the
    adapter is then folded into the weights in place (the peft wrapper is spent afterwards) and
    the merged model is saved. `state_dict` is the gathered full state under sharded training.
    """
    output_dir = Path(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output_dir.parent, prefix=f".{output_dir.name}-") as scratch:
        staged = Path(scratch) / "model"
        if hasattr(model, "peft_config"):
            model.save_pretrained(staged / "adapter")
            if merge:
                model.merge_and_unload().save_pretrained(staged)
        else:
            model.save_pretrained(staged, state_dict=state_dict)
        tokenizer.save_pretrained(staged)
        if output_dir.exists():
            shutil.rmtree(output_dir)
        staged.rename(output_dir)
    return output_dir


# -- checkpoints ------------------------------------------------------------------------------


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


def _trainable(model: Any) -> dict[str, Any]:
    return {name: parameter for name, parameter in model.named_parameters() if parameter.requires_grad}


def _latest_checkpoint(checkpoint_dir: Path, fingerprint: str) -> Path | None:
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
        print(f"train: ignoring checkpoint {path} (made with other params, data or base model); starting from step 0", file=sys.stderr)
        return None
    return path


def _save_checkpoint(accelerator: Any, model: Any, optimizer: Any, scheduler: Any, checkpoint_dir: Path, state: dict[str, Any]) -> None:
    import torch
    from safetensors.torch import save_file

    final = checkpoint_dir / f"step-{state['step']:08d}"
    staging = checkpoint_dir / f".step-{state['step']:08d}.tmp"
    if accelerator.is_main_process:
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
    accelerator.wait_for_everyone()
    torch.save(_rng_state(), staging / f"rng-{accelerator.process_index}.pt")  # dropout streams differ per process
    accelerator.wait_for_everyone()
    if accelerator.is_main_process:
        weights = {name: parameter.detach().cpu().contiguous() for name, parameter in _trainable(accelerator.unwrap_model(model)).items()}
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


def _load_checkpoint(accelerator: Any, model: Any, optimizer: Any, scheduler: Any, path: Path) -> dict[str, Any]:
    import torch
    from safetensors.torch import load_file

    weights = load_file(path / "trainable.safetensors")
    trainable = _trainable(accelerator.unwrap_model(model))
    if set(weights) != set(trainable):
        raise RuntimeError(f"{path}: checkpoint tensors do not match the trainable parameters")
    with torch.no_grad():
        for name, tensor in weights.items():
            trainable[name].copy_(tensor)
    optimizer.load_state_dict(torch.load(path / "optimizer.pt", map_location="cpu", weights_only=True))
    scheduler.load_state_dict(torch.load(path / "scheduler.pt", map_location="cpu", weights_only=True))
    rng_file = path / f"rng-{accelerator.process_index}.pt"
    if rng_file.exists():
        _set_rng_state(torch.load(rng_file, weights_only=False))
    return json.loads((path / "state.json").read_text(encoding="utf-8"))


def _fingerprint(model_path: Path, params: TrainParams, rows: list[dict[str, list[int]]], reverse: bool, num_processes: int) -> str:
    """What a checkpoint must match to be resumed: base model, data, world size and every param
    that changes the trajectory (not the logging, saving or resume switches)."""
    import numpy as np

    from kun.models import model_fingerprint

    settings = {key: value for key, value in asdict(params).items() if key not in {"save_steps", "logging_steps", "resume", "merge", "mix_seed_ratio"}}
    digest = hashlib.sha256(json.dumps({"params": settings, "reverse": reverse, "processes": num_processes, "model": model_fingerprint(model_path)}, sort_keys=True).encode())
    for row in rows:
        digest.update(np.asarray(row["input_ids"], dtype=np.int64).tobytes())
        digest.update(np.asarray(row["labels"], dtype=np.int64).tobytes())
        digest.update(b"|")
    return digest.hexdigest()[:16]


# -- training ---------------------------------------------------------------------------------


def _mixed_precision(dtype: str) -> str:
    import torch

    cuda = torch.cuda.is_available()
    if dtype == "float16" and not cuda:
        raise KunError("params.yaml: dtype: float16 needs a CUDA GPU; use bfloat16 or float32 on CPU")
    if dtype == "auto":
        return ("bf16" if torch.cuda.is_bf16_supported() else "fp16") if cuda else "no"
    return {"float32": "no", "bfloat16": "bf16", "float16": "fp16"}[dtype]


def _open_live(metrics_dir: str | Path, history: list[dict[str, float]]) -> Any:
    """A fresh dvclive logger in metrics_dir, replaying the steps logged before a resume so the
    plots hold each step exactly once."""
    import dvclive.live
    from dvclive import Live

    try:
        live = Live(dir=str(metrics_dir), save_dvc_exp=False, dvcyaml=None, report=None)
    except Exception as error:
        # dvclive 3.x asks git for HEAD before checking that the repository has a commit, and
        # fails in a fresh `git init`. We log plots only, so run it without the DVC/git link.
        if "Empty git repo" not in str(error):
            raise
        find_repo = dvclive.live.get_dvc_repo
        dvclive.live.get_dvc_repo = lambda: None
        try:
            live = Live(dir=str(metrics_dir), save_dvc_exp=False, dvcyaml=None, report=None)
        finally:
            dvclive.live.get_dvc_repo = find_repo
    for record in history:
        _live_log(live, record)
    return live


def _live_log(live: Any, record: dict[str, float]) -> None:
    live.step = int(record["step"])
    for name, value in record.items():
        if name != "step":
            live.log_metric(name, value)
    live.make_summary()


def train(
    model_path: str | Path,
    pairs: Iterable[Mapping[str, Any]],
    output_dir: str | Path,
    params: TrainParams,
    reverse: bool = False,
    metrics_dir: str | Path | None = None,
    log: Callable[[dict[str, float]], None] | None = None,
    checkpoint_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Fine-tune the model in `model_path` on `pairs` and write it to `output_dir`.

    `reverse` trains the backward label model (see build_examples). `log` is called on the main
    process with each logged record {step, epoch, loss, learning_rate, tokens_per_second,
    grad_norm}. Returns the summary (also written to metrics_dir/metrics.json with dvclive):
    steps, epochs, seconds (wall time of this call), final_loss, trainable_parameters,
    total_parameters, tokens_per_second (non-pad tokens per second of optimizer stepping in this
    call), examples, sequences (rows after packing), dropped_examples, dropped (per reason),
    truncated_examples, resumed_from_step, method.
    """
    import torch
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState, GradientState
    from accelerate.utils import GradientAccumulationPlugin
    from torch.utils.data import DataLoader
    from transformers import AutoConfig, AutoTokenizer, get_scheduler

    started = time.perf_counter()
    model_path = check_model_dir(model_path)
    output_dir = Path(output_dir)
    checkpoint_dir = Path(checkpoint_dir) if checkpoint_dir is not None else default_checkpoint_dir(output_dir)

    config = AutoConfig.from_pretrained(model_path).get_text_config()
    limit = getattr(config, "max_position_embeddings", None)
    if limit is not None and params.max_seq_len > limit:
        raise KunError(f"params.yaml: max_seq_len {params.max_seq_len} is more than {model_path}'s max_position_embeddings {limit}; set max_seq_len <= {limit}")
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    pairs = list(pairs)
    examples = build_examples(pairs, tokenizer, params.max_seq_len, reverse)
    dropped_total = sum(examples.dropped.values())
    if not examples.rows:
        reasons = ", ".join(f"{reason}: {count}" for reason, count in sorted(examples.dropped.items())) or "no input"
        raise KunError(f"train: dataset has zero rows after filtering ({len(pairs)} pairs in, {dropped_total} dropped: {reasons}); check the training file")
    rows = pack_examples(examples.rows, params.max_seq_len, params.seed) if params.packing else examples.rows

    # accelerate keeps its settings in process-wide singletons: reset them (not the process
    # group) so a second train() in one process (tests, notebooks) gets its own precision.
    AcceleratorState._reset_state()
    GradientState._reset_state()
    # Explicit plugin and precision: params.yaml wins over any `accelerate config` defaults.
    accumulation = GradientAccumulationPlugin(num_steps=params.gradient_accumulation_steps, sync_with_dataloader=True)
    accelerator = Accelerator(gradient_accumulation_plugin=accumulation, mixed_precision=_mixed_precision(params.dtype))
    main = accelerator.is_main_process
    # LoRA keeps the frozen base in the compute precision (adapters stay float32 in peft); full
    # fine-tuning keeps float32 master weights and lets autocast run the matmuls in half precision.
    half = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(accelerator.mixed_precision)
    torch.manual_seed(params.seed)
    random.seed(params.seed)
    model = load_model(model_path, params, half if params.method == "lora" and half else torch.float32)
    model.train()
    trainable = list(_trainable(model).values())
    trainable_count = sum(parameter.numel() for parameter in trainable)
    total_count = sum(parameter.numel() for parameter in model.parameters())

    groups = [
        {"params": [p for p in trainable if p.ndim >= 2], "weight_decay": params.weight_decay},
        {"params": [p for p in trainable if p.ndim < 2], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW([group for group in groups if group["params"]], lr=params.learning_rate)
    processes = accelerator.num_processes
    micro_batches_per_epoch = math.ceil(len(rows) / (params.batch_size * processes))
    steps_per_epoch = math.ceil(micro_batches_per_epoch / params.gradient_accumulation_steps)
    total_steps = params.max_steps or max(1, math.ceil(params.epochs * steps_per_epoch))
    scheduler_name = {"cosine": "cosine", "linear": "linear", "constant": "constant_with_warmup"}[params.lr_scheduler]
    # The scheduler is stepped by hand once per optimizer step (not prepared: accelerate would
    # step it once per process).
    scheduler = get_scheduler(scheduler_name, optimizer, num_warmup_steps=math.ceil(params.warmup_ratio * total_steps), num_training_steps=total_steps)
    model, optimizer = accelerator.prepare(model, optimizer)

    fingerprint = _fingerprint(model_path, params, rows, reverse, processes)
    step, history, resumed_from = 0, [], 0
    checkpoint = _latest_checkpoint(checkpoint_dir, fingerprint) if params.resume else None
    if checkpoint is not None:
        state = _load_checkpoint(accelerator, model, optimizer, scheduler, checkpoint)
        step = resumed_from = state["step"]
        history = state["history"]
    elif main and checkpoint_dir.exists():
        shutil.rmtree(checkpoint_dir)
    accelerator.wait_for_everyone()

    live = _open_live(metrics_dir, history) if metrics_dir is not None and main else None
    bar = progress.bar(total_steps, "train", unit="step", initial=step) if main else None
    accelerator.wait_for_everyone()  # start every process's throughput clock together
    device = accelerator.device
    window_loss = torch.zeros((), device=device)
    window_tokens = torch.zeros((), device=device, dtype=torch.long)
    window_micro_batches = 0
    grad_norm = torch.zeros((), device=device)
    window_start = time.perf_counter()
    stepping_seconds, run_tokens = 0.0, 0
    epoch = step // steps_per_epoch
    skip_rows = (step % steps_per_epoch) * params.gradient_accumulation_steps * params.batch_size * processes
    try:
        while step < total_steps:
            order = epoch_order(len(rows), params.seed, epoch)[skip_rows:]
            skip_rows = 0
            # An explicit generator keeps DataLoader from drawing on the global RNG, so dropout
            # draws are the same in a resumed run as in an uninterrupted one.
            loader = accelerator.prepare(DataLoader(rows, batch_size=params.batch_size, sampler=order, collate_fn=lambda batch: collate(batch, tokenizer.pad_token_id), generator=torch.Generator().manual_seed(params.seed)))
            for batch in loader:
                with accelerator.accumulate(model):
                    loss = model(**batch, use_cache=False).loss
                    accelerator.backward(loss)
                    if accelerator.sync_gradients:
                        grad_norm = accelerator.clip_grad_norm_(trainable, params.max_grad_norm or float("inf"))
                        learning_rate = optimizer.param_groups[0]["lr"]  # the rate this step uses
                    optimizer.step()
                    if accelerator.sync_gradients:
                        scheduler.step()
                    optimizer.zero_grad(set_to_none=True)
                window_loss += loss.detach().float()
                window_tokens += batch["attention_mask"].sum()
                window_micro_batches += 1
                if not accelerator.sync_gradients:
                    continue
                step += 1
                if step % params.logging_steps == 0 or step == total_steps:
                    loss_value = accelerator.reduce(window_loss / window_micro_batches, "mean").item()
                    tokens = int(accelerator.reduce(window_tokens, "sum").item())
                    now = time.perf_counter()
                    seconds, window_start = now - window_start, now
                    stepping_seconds += seconds
                    run_tokens += tokens
                    record = {"step": step, "epoch": step / steps_per_epoch, "loss": loss_value, "learning_rate": learning_rate, "tokens_per_second": tokens / max(seconds, 1e-9), "grad_norm": float(grad_norm)}
                    history.append(record)
                    window_loss.zero_()
                    window_tokens.zero_()
                    window_micro_batches = 0
                    if main:
                        if live is not None:
                            _live_log(live, record)
                        if bar is not None:
                            bar.set_postfix(loss=f"{loss_value:.4f}", lr=f"{learning_rate:.2e}")
                        if log is not None:
                            log(record)
                if bar is not None:
                    bar.update(1)
                if params.save_steps and step % params.save_steps == 0:
                    paused = time.perf_counter()
                    _save_checkpoint(accelerator, model, optimizer, scheduler, checkpoint_dir, {"step": step, "fingerprint": fingerprint, "history": history})
                    window_start += time.perf_counter() - paused  # checkpoint time is not training time
                if step >= total_steps:
                    break
            loader.end()  # a loop left early (max_steps) must still leave accelerate's gradient state
            epoch += 1
    finally:
        if bar is not None:
            bar.close()

    accelerator.wait_for_everyone()
    unwrapped = accelerator.unwrap_model(model)
    state_dict = accelerator.get_state_dict(model) if params.method == "full" else None  # a collective under sharding
    if main:
        save_model(unwrapped, tokenizer, output_dir, merge=params.merge, state_dict=state_dict)
        shutil.rmtree(checkpoint_dir, ignore_errors=True)
    accelerator.wait_for_everyone()

    summary = {
        "method": params.method,
        "steps": step,
        "epochs": round(step / steps_per_epoch, 4),
        "seconds": round(time.perf_counter() - started, 3),
        "final_loss": history[-1]["loss"] if history else None,
        "trainable_parameters": trainable_count,
        "total_parameters": total_count,
        "tokens_per_second": round(run_tokens / stepping_seconds, 1) if stepping_seconds else None,
        "examples": len(examples.rows),
        "sequences": len(rows),
        "dropped_examples": dropped_total,
        "dropped": examples.dropped,
        "truncated_examples": examples.truncated,
        "resumed_from_step": resumed_from,
    }
    if live is not None:
        live.summary.update({key: value for key, value in summary.items() if key != "dropped"})
        live.summary.update({f"dropped_{reason}": count for reason, count in examples.dropped.items()})
        live.end()
    accelerator.free_memory()
    return summary
