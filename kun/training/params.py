"""Training params: one dataclass for every training stage, with the authors' epochs per stage.

Defaults are the paper's settings (full fine-tuning at lr 1e-5, effective batch 32, 2048
tokens); `configs/paper.yaml` spells them out and `docs/paper.md` cites them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field

from kun.core.params import NonNegativeFloat, NonNegativeInt, PositiveInt, Share, require


@dataclass
class TrainParams:
    """Defaults are the paper's settings (full fine-tuning at lr 1e-5, effective batch 32);
    the per-stage subclasses below set the authors' epochs."""

    method: Literal["lora", "full"] = "full"  # lora: train low-rank adapters; full: every weight (the paper)
    lora_r: PositiveInt = 16  # adapter rank
    lora_alpha: Annotated[int, Field(gt=0)] = 32  # adapter output is scaled by lora_alpha / lora_r
    lora_dropout: Annotated[float, Field(ge=0.0, lt=1.0)] = (
        0.05  # dropout on each adapter input (a mask per adapter: on CPU it costs more than LoRA saves, see benchmarks/bench_train.py)
    )
    target_modules: list[str] | None = (
        None  # linear layer names to adapt (e.g. [q_proj, v_proj]); None = every linear layer but lm_head
    )
    learning_rate: Annotated[float, Field(gt=0)] = (
        1e-5  # the paper's full fine-tuning rate; LoRA usually wants ~2e-4
    )
    lr_scheduler: Literal["cosine", "linear", "constant"] = "cosine"  # decay after a linear warmup
    warmup_ratio: Annotated[float, Field(ge=0.0, lt=1.0)] = (
        0.03  # fraction of the optimizer steps spent warming up from 0
    )
    epochs: float = 3.0  # passes over the data; fractions allowed
    max_steps: NonNegativeInt = 0  # optimizer steps to run; 0 = derive from epochs
    batch_size: PositiveInt = 4  # sequences per micro-batch per device
    gradient_accumulation_steps: PositiveInt = 8  # micro-batches per optimizer step
    weight_decay: NonNegativeFloat = 0.0  # AdamW decay on weight matrices (never on biases or norms)
    max_grad_norm: NonNegativeFloat = 1.0  # clip the global gradient norm; 0 = no clipping
    max_seq_len: Annotated[int, Field(ge=2)] = (
        2048  # tokens per sequence (a 512-token text, its question and a 1024-token answer fit); longer pairs are truncated, see build_examples
    )
    packing: bool = False  # concatenate examples into max_seq_len blocks (fewer pad tokens)
    seed: NonNegativeInt = 42  # LoRA init, dropout and data order
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = (
        "auto"  # compute precision; auto = bf16 on a GPU that has it, else float32
    )
    gradient_checkpointing: bool = False  # recompute activations in backward: less memory, ~30% slower
    save_steps: NonNegativeInt = 50  # checkpoint every N optimizer steps; 0 = never
    resume: bool = True  # continue from the newest matching checkpoint
    merge: bool = True  # lora: also save the adapter merged into full weights
    logging_steps: PositiveInt = 1  # log loss, learning rate and tokens/s every N optimizer steps
    mix_seed_ratio: Share = 0.0  # finetune stage only: fraction of seed pairs mixed into the data

    def validate(self, section: str) -> None:
        require(
            self.target_modules is None or len(self.target_modules) > 0,
            f"{section}.target_modules",
            "list at least one module name, or leave it null for every linear layer",
        )
        require(
            self.max_steps > 0 or self.epochs > 0,
            f"{section}.epochs",
            f"{self.epochs} must be > 0 when max_steps is 0",
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
    max_examples: NonNegativeInt = 0  # train on a fixed, seeded sample of this many Kun pairs (0 = all): the paper's dataset-size comparison

    def validate(self, section: str) -> None:
        super().validate(section)


# params.yaml section -> its dataclass (the stage and the `kun train --section` of the same name)
SECTIONS: dict[str, type[TrainParams]] = {
    "train_label": LabelTrainParams,
    "train_chat": ChatTrainParams,
    "finetune": FinetuneParams,
}
