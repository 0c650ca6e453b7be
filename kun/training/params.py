"""Training params: one dataclass for every training stage, with the authors' epochs per stage.

Defaults are the paper's settings (full fine-tuning at lr 1e-5, effective batch 32, 2048
tokens); `configs/paper.yaml` spells them out and `docs/paper.md` cites them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kun.core.params import require


@dataclass
class TrainParams:
    """Defaults are the paper's settings (full fine-tuning at lr 1e-5, effective batch 32);
    the per-stage subclasses below set the authors' epochs."""

    method: Literal["lora", "full"] = "full"  # lora: train low-rank adapters; full: every weight (the paper)
    lora_r: int = 16  # adapter rank
    lora_alpha: int = 32  # adapter output is scaled by lora_alpha / lora_r
    lora_dropout: float = 0.05  # dropout on each adapter input (a mask per adapter: on CPU it costs more than LoRA saves, see benchmarks/bench_train.py)
    target_modules: list[str] | None = (
        None  # linear layer names to adapt (e.g. [q_proj, v_proj]); None = every linear layer but lm_head
    )
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
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = (
        "auto"  # compute precision; auto = bf16 on a GPU that has it, else float32
    )
    gradient_checkpointing: bool = False  # recompute activations in backward: less memory, ~30% slower
    save_steps: int = 50  # checkpoint every N optimizer steps; 0 = never
    resume: bool = True  # continue from the newest matching checkpoint
    merge: bool = True  # lora: also save the adapter merged into full weights
    logging_steps: int = 1  # log loss, learning rate and tokens/s every N optimizer steps
    mix_seed_ratio: float = 0.0  # finetune stage only: fraction of seed pairs mixed into the data

    def validate(self, section: str) -> None:
        require(self.lora_r >= 1, f"{section}.lora_r", f"{self.lora_r} must be >= 1")
        require(self.lora_alpha > 0, f"{section}.lora_alpha", f"{self.lora_alpha} must be > 0")
        require(
            0.0 <= self.lora_dropout < 1.0,
            f"{section}.lora_dropout",
            f"{self.lora_dropout} must be in [0, 1)",
        )
        require(
            self.target_modules is None or len(self.target_modules) > 0,
            f"{section}.target_modules",
            "list at least one module name, or leave it null for every linear layer",
        )
        require(self.learning_rate > 0, f"{section}.learning_rate", f"{self.learning_rate} must be > 0")
        require(
            0.0 <= self.warmup_ratio < 1.0,
            f"{section}.warmup_ratio",
            f"{self.warmup_ratio} must be in [0, 1)",
        )
        require(
            self.max_steps >= 0, f"{section}.max_steps", f"{self.max_steps} must be >= 0 (0 = use epochs)"
        )
        require(
            self.max_steps > 0 or self.epochs > 0,
            f"{section}.epochs",
            f"{self.epochs} must be > 0 when max_steps is 0",
        )
        require(self.batch_size >= 1, f"{section}.batch_size", f"{self.batch_size} must be >= 1")
        require(
            self.gradient_accumulation_steps >= 1,
            f"{section}.gradient_accumulation_steps",
            f"{self.gradient_accumulation_steps} must be >= 1",
        )
        require(self.weight_decay >= 0, f"{section}.weight_decay", f"{self.weight_decay} must be >= 0")
        require(
            self.max_grad_norm >= 0,
            f"{section}.max_grad_norm",
            f"{self.max_grad_norm} must be >= 0 (0 = no clipping)",
        )
        require(self.max_seq_len >= 2, f"{section}.max_seq_len", f"{self.max_seq_len} must be >= 2")
        require(self.save_steps >= 0, f"{section}.save_steps", f"{self.save_steps} must be >= 0 (0 = never)")
        require(self.logging_steps >= 1, f"{section}.logging_steps", f"{self.logging_steps} must be >= 1")
        require(
            0.0 <= self.mix_seed_ratio <= 1.0,
            f"{section}.mix_seed_ratio",
            f"{self.mix_seed_ratio} must be between 0 and 1",
        )


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
        require(
            self.max_examples >= 0, f"{section}.max_examples", f"{self.max_examples} must be >= 0 (0 = all)"
        )


# params.yaml section -> its dataclass (the stage and the `kun train --section` of the same name)
SECTIONS: dict[str, type[TrainParams]] = {
    "train_label": LabelTrainParams,
    "train_chat": ChatTrainParams,
    "finetune": FinetuneParams,
}
