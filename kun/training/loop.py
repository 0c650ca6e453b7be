"""Train: supervised fine-tuning of a causal LM on (instruction, output) pairs.

Paper step: Kun trains two models this way. The label model Myx is the base model fine-tuned on
*reversed* seed pairs (`reverse=True`: the user turn is a response text, the assistant turn is
its instruction), so it can write the instruction a corpus segment answers (stage train_label,
used by label mode `finetuned`). The final model is the base model fine-tuned forwards on the
Kun dataset, optionally mixed with seed pairs (stage finetune).

Reads: a local transformers model directory (config.json + weights + tokenizer with a chat
template) and a list of `{"instruction", "output"}` dicts.
Writes:
- `output_dir`: the trained model (layout in kun.training.model), complete or absent;
- checkpoints every `save_steps` optimizer steps (kun.training.checkpoints); a rerun with
  `resume` continues from the newest one made with the same params, data and base model, and
  the folder is deleted once `output_dir` is written;
- with `metrics_dir`, dvclive plots (loss, learning_rate, tokens_per_second, grad_norm per step)
  and `metrics.json` holding the run summary.

Loop: one plain PyTorch loop (nanoGPT style) driven by `accelerate.Accelerator`, so the same
code runs on CPU, one GPU, or under `accelerate launch` on several (data parallel): Accelerator
places the model and batches, shards the data, accumulates gradients and applies the mixed
precision chosen by `dtype`; only the main process writes files. The loss is on response tokens
only (prompt tokens are labelled -100), averaged per micro-batch as transformers does.

The optimizer loop stays one function (`_run_steps`, about 70 lines): it threads accelerate's
accumulation state, the log window and the checkpoint clock through each micro-batch, and reads
best in one piece.
"""

from __future__ import annotations

import math
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from kun.core import progress
from kun.core.chat_templates import apply_chat_template
from kun.core.errors import KunError, ParamsError
from kun.core.metrics import key_figures
from kun.training.checkpoints import (
    default_checkpoint_dir,
    latest_checkpoint,
    load_checkpoint,
    run_fingerprint,
    save_checkpoint,
    trainable_parameters,
)
from kun.training.examples import Examples, build_examples, collate, epoch_order, pack_examples
from kun.training.model import check_model_dir, environment, load_model, save_model
from kun.training.params import TrainParams


def _mixed_precision(dtype: str) -> str:
    import torch

    cuda = torch.cuda.is_available()
    if dtype == "float16" and not cuda:
        raise ParamsError("dtype", "float16 needs a CUDA GPU; use bfloat16 or float32 on CPU")
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


def _examples(
    model_path: Path, pairs: list[Mapping[str, Any]], params: TrainParams, reverse: bool, chat_template: str
) -> tuple[Any, Examples, list[dict[str, list[int]]], str]:
    """(tokenizer with its chat template, examples, rows to train on: the examples, packed when
    params.packing, the chat template used)."""
    from transformers import AutoConfig, AutoTokenizer

    config = AutoConfig.from_pretrained(model_path).get_text_config()
    limit = getattr(config, "max_position_embeddings", None)
    if limit is not None and params.max_seq_len > limit:
        raise ParamsError(
            "max_seq_len",
            f"{params.max_seq_len} is more than {model_path}'s max_position_embeddings {limit}; set max_seq_len <= {limit}",
        )
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    template = apply_chat_template(tokenizer, chat_template, "model.chat_template")  # saved with the model
    examples = build_examples(pairs, tokenizer, params.max_seq_len, reverse)
    if not examples.rows:
        dropped = sum(examples.dropped.values())
        reasons = (
            ", ".join(f"{reason}: {count}" for reason, count in sorted(examples.dropped.items()))
            or "no input"
        )
        raise KunError(
            f"train: dataset has zero rows after filtering ({len(pairs)} pairs in, {dropped} dropped: {reasons}); check the training file"
        )
    rows = pack_examples(examples.rows, params.max_seq_len, params.seed) if params.packing else examples.rows
    return tokenizer, examples, rows, template


def _accelerator(params: TrainParams) -> Any:
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState, GradientState
    from accelerate.utils import GradientAccumulationPlugin

    # accelerate keeps its settings in process-wide singletons: reset them (not the process
    # group) so a second train() in one process (tests, notebooks) gets its own precision.
    AcceleratorState._reset_state()
    GradientState._reset_state()
    # Explicit plugin and precision: params.yaml wins over any `accelerate config` defaults.
    accumulation = GradientAccumulationPlugin(
        num_steps=params.gradient_accumulation_steps, sync_with_dataloader=True
    )
    return Accelerator(
        gradient_accumulation_plugin=accumulation, mixed_precision=_mixed_precision(params.dtype)
    )


def _optimizer_and_schedule(
    trainable: list[Any], params: TrainParams, rows: int, processes: int
) -> tuple[Any, Any, int, int]:
    """(AdamW without decay on biases and norms, the lr schedule, steps per epoch, total steps)."""
    import torch
    from transformers import get_scheduler

    groups = [
        {"params": [p for p in trainable if p.ndim >= 2], "weight_decay": params.weight_decay},
        {"params": [p for p in trainable if p.ndim < 2], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW([group for group in groups if group["params"]], lr=params.learning_rate)
    micro_batches_per_epoch = math.ceil(rows / (params.batch_size * processes))
    steps_per_epoch = math.ceil(micro_batches_per_epoch / params.gradient_accumulation_steps)
    total_steps = params.max_steps or max(1, math.ceil(params.epochs * steps_per_epoch))
    scheduler_name = {"cosine": "cosine", "linear": "linear", "constant": "constant_with_warmup"}[
        params.lr_scheduler
    ]
    # The scheduler is stepped by hand once per optimizer step (not prepared: accelerate would
    # step it once per process).
    scheduler = get_scheduler(
        scheduler_name,
        optimizer,
        num_warmup_steps=math.ceil(params.warmup_ratio * total_steps),
        num_training_steps=total_steps,
    )
    return optimizer, scheduler, steps_per_epoch, total_steps


@dataclass
class _Run:
    """What the optimizer loop works with, and what it has done so far."""

    accelerator: Any
    model: Any
    optimizer: Any
    scheduler: Any
    trainable: list[Any]
    rows: list[dict[str, list[int]]]
    pad_token_id: int
    steps_per_epoch: int
    total_steps: int
    fingerprint: str
    checkpoint_dir: Path
    step: int = 0
    history: list[dict[str, float]] = field(default_factory=list)
    stepping_seconds: float = 0.0
    tokens: int = 0


def _resume(run: _Run, params: TrainParams) -> int:
    """Load the newest matching checkpoint into `run` (or clear stale ones); the step resumed from."""
    checkpoint = latest_checkpoint(run.checkpoint_dir, run.fingerprint) if params.resume else None
    if checkpoint is not None:
        state = load_checkpoint(run.accelerator, run.model, run.optimizer, run.scheduler, checkpoint)
        run.step, run.history = state["step"], state["history"]
    elif run.accelerator.is_main_process and run.checkpoint_dir.exists():
        shutil.rmtree(run.checkpoint_dir)
    run.accelerator.wait_for_everyone()
    return run.step


def _run_steps(run: _Run, params: TrainParams, on_log: Callable[[dict[str, float]], None], bar: Any) -> None:
    """Optimizer steps from run.step to run.total_steps: accumulate, clip, step, log, checkpoint."""
    import torch
    from torch.utils.data import DataLoader

    accelerator = run.accelerator
    device = accelerator.device
    accelerator.wait_for_everyone()  # start every process's throughput clock together
    window_loss, window_tokens, window_micro_batches = (
        torch.zeros((), device=device),
        torch.zeros((), device=device, dtype=torch.long),
        0,
    )
    grad_norm, learning_rate = torch.zeros((), device=device), 0.0
    window_start = time.perf_counter()
    epoch = run.step // run.steps_per_epoch
    skip_rows = (
        (run.step % run.steps_per_epoch)
        * params.gradient_accumulation_steps
        * params.batch_size
        * accelerator.num_processes
    )
    while run.step < run.total_steps:
        order = epoch_order(len(run.rows), params.seed, epoch)[skip_rows:]
        skip_rows = 0
        # An explicit generator keeps DataLoader from drawing on the global RNG, so dropout
        # draws are the same in a resumed run as in an uninterrupted one.
        loader = accelerator.prepare(
            DataLoader(
                run.rows,
                batch_size=params.batch_size,
                sampler=order,
                collate_fn=lambda batch: collate(batch, run.pad_token_id),
                generator=torch.Generator().manual_seed(params.seed),
            )
        )
        for batch in loader:
            with accelerator.accumulate(run.model):
                loss = run.model(**batch, use_cache=False).loss
                accelerator.backward(loss)
                if accelerator.sync_gradients:
                    grad_norm = accelerator.clip_grad_norm_(
                        run.trainable, params.max_grad_norm or float("inf")
                    )
                    learning_rate = run.optimizer.param_groups[0]["lr"]  # the rate this step uses
                run.optimizer.step()
                if accelerator.sync_gradients:
                    run.scheduler.step()
                run.optimizer.zero_grad(set_to_none=True)
            window_loss += loss.detach().float()
            window_tokens += batch["attention_mask"].sum()
            window_micro_batches += 1
            if not accelerator.sync_gradients:
                continue
            run.step += 1
            if run.step % params.logging_steps == 0 or run.step == run.total_steps:
                loss_value = accelerator.reduce(window_loss / window_micro_batches, "mean").item()
                tokens = int(accelerator.reduce(window_tokens, "sum").item())
                now = time.perf_counter()
                seconds, window_start = now - window_start, now
                run.stepping_seconds += seconds
                run.tokens += tokens
                record = {
                    "step": run.step,
                    "epoch": run.step / run.steps_per_epoch,
                    "loss": loss_value,
                    "learning_rate": learning_rate,
                    "tokens_per_second": tokens / max(seconds, 1e-9),
                    "grad_norm": float(grad_norm),
                }
                run.history.append(record)
                window_loss.zero_()
                window_tokens.zero_()
                window_micro_batches = 0
                if accelerator.is_main_process:
                    on_log(record)
            if bar is not None:
                bar.update(1)
            if params.save_steps and run.step % params.save_steps == 0:
                paused = time.perf_counter()
                save_checkpoint(
                    accelerator,
                    run.model,
                    run.optimizer,
                    run.scheduler,
                    run.checkpoint_dir,
                    {"step": run.step, "fingerprint": run.fingerprint, "history": run.history},
                )
                window_start += time.perf_counter() - paused  # checkpoint time is not training time
            if run.step >= run.total_steps:
                break
        loader.end()  # a loop left early (max_steps) must still leave accelerate's gradient state
        epoch += 1


def _summary(
    run: _Run,
    params: TrainParams,
    examples: Examples,
    resumed_from: int,
    total_parameters: int,
    started: float,
) -> dict[str, Any]:
    return {
        "method": params.method,
        "steps": run.step,
        "epochs": round(run.step / run.steps_per_epoch, 4),
        "seconds": round(time.perf_counter() - started, 3),
        "final_loss": run.history[-1]["loss"] if run.history else None,
        "trainable_parameters": sum(parameter.numel() for parameter in run.trainable),
        "total_parameters": total_parameters,
        "tokens_per_second": round(run.tokens / run.stepping_seconds, 1) if run.stepping_seconds else None,
        "examples": len(examples.rows),
        "sequences": len(run.rows),
        "dropped_examples": sum(examples.dropped.values()),
        "dropped": examples.dropped,
        "truncated_examples": examples.truncated,
        "resumed_from_step": resumed_from,
        "environment": environment(run.accelerator.device),
    }


def train(
    model_path: str | Path,
    pairs: Iterable[Mapping[str, Any]],
    output_dir: str | Path,
    params: TrainParams,
    reverse: bool = False,
    metrics_dir: str | Path | None = None,
    log: Callable[[dict[str, float]], None] | None = None,
    checkpoint_dir: str | Path | None = None,
    chat_template: str = "auto",
) -> dict[str, Any]:
    """Fine-tune the model in `model_path` on `pairs` and write it to `output_dir`.

    `reverse` trains the backward label model (see build_examples). `log` is called on the main
    process with each logged record {step, epoch, loss, learning_rate, tokens_per_second,
    grad_norm}. Returns the summary (also written to metrics_dir/metrics.json with dvclive):
    steps, epochs, seconds (wall time of this call), final_loss, trainable_parameters,
    total_parameters, tokens_per_second (non-pad tokens per second of optimizer stepping in this
    call), examples, sequences (rows after packing), dropped_examples, dropped (per reason),
    truncated_examples, resumed_from_step, method, chat_template (`chat_template` is the
    model.chat_template setting of the role: see kun.core.chat_templates).
    """
    import torch

    started = time.perf_counter()
    model_path = check_model_dir(model_path)
    output_dir = Path(output_dir)
    checkpoint_dir = (
        Path(checkpoint_dir) if checkpoint_dir is not None else default_checkpoint_dir(output_dir)
    )
    tokenizer, examples, rows, template = _examples(model_path, list(pairs), params, reverse, chat_template)
    accelerator = _accelerator(params)
    main = accelerator.is_main_process
    # LoRA keeps the frozen base in the compute precision (adapters stay float32 in peft); full
    # fine-tuning keeps float32 master weights and lets autocast run the matmuls in half precision.
    half = {"bf16": torch.bfloat16, "fp16": torch.float16}.get(accelerator.mixed_precision)
    torch.manual_seed(params.seed)
    random.seed(params.seed)
    model = load_model(model_path, params, half if params.method == "lora" and half else torch.float32)
    model.train()
    trainable = list(trainable_parameters(model).values())
    total_parameters = sum(parameter.numel() for parameter in model.parameters())
    optimizer, scheduler, steps_per_epoch, total_steps = _optimizer_and_schedule(
        trainable, params, len(rows), accelerator.num_processes
    )
    model, optimizer = accelerator.prepare(model, optimizer)
    fingerprint = run_fingerprint(model_path, params, rows, reverse, accelerator.num_processes)
    run = _Run(
        accelerator,
        model,
        optimizer,
        scheduler,
        trainable,
        rows,
        tokenizer.pad_token_id,
        steps_per_epoch,
        total_steps,
        fingerprint,
        checkpoint_dir,
    )
    resumed_from = _resume(run, params)

    live = _open_live(metrics_dir, run.history) if metrics_dir is not None and main else None
    bar = progress.bar(total_steps, "train", unit="step", initial=run.step) if main else None

    def on_log(record: dict[str, float]) -> None:
        if live is not None:
            _live_log(live, record)
        if bar is not None:
            bar.set_postfix(loss=f"{record['loss']:.4f}", lr=f"{record['learning_rate']:.2e}")
        if log is not None:
            log(record)

    try:
        _run_steps(run, params, on_log, bar)
    finally:
        if bar is not None:
            bar.close()

    accelerator.wait_for_everyone()
    state_dict = (
        accelerator.get_state_dict(model) if params.method == "full" else None
    )  # a collective under sharding
    if main:
        save_model(
            accelerator.unwrap_model(model), tokenizer, output_dir, merge=params.merge, state_dict=state_dict
        )
        shutil.rmtree(checkpoint_dir, ignore_errors=True)
    accelerator.wait_for_everyone()
    summary = _summary(run, params, examples, resumed_from, total_parameters, started)
    summary["chat_template"] = template
    if live is not None:
        live.summary.update(
            {key: value for key, value in summary.items() if key not in ("dropped", "environment")}
        )
        live.summary.update({f"dropped_{reason}": count for reason, count in examples.dropped.items()})
        live.end()
    summary["key_figures"] = key_figures(
        summary, {"final_loss": "final_loss", "steps": "steps", "tokens_per_second": "tokens_per_second"}
    )
    accelerator.free_memory()
    return summary
