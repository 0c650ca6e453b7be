"""Which pairs each training stage learns from.

- train_label: the seed pairs, reversed by the trainer (input = seed output, target = seed
  instruction): the backward label model of instruction back-translation.
- train_chat: the seed pairs as they are: the primary chat model that scores and polishes.
- finetune: the assembled Kun dataset, plus `mix_seed_ratio` x (number of seed pairs) seed
  pairs drawn with the training seed (0 = none, 1 = the whole seed set).
"""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl

from kun.errors import KunError
from kun.seed import read_seed

STAGES = {"train_label": ("models/label", True), "train_chat": ("models/chat", False), "finetune": ("models/final", False)}


def training_pairs(stage: str, seed_path: str | Path, dataset_path: str | Path, mix_seed_ratio: float, seed: int) -> list[dict[str, str]]:
    if stage not in STAGES:
        raise KunError(f"unknown training stage {stage!r}; use one of {', '.join(STAGES)}")
    seed_pairs = read_seed(seed_path)
    if stage != "finetune":
        return seed_pairs
    dataset = pl.read_ndjson(dataset_path) if Path(dataset_path).stat().st_size else pl.DataFrame()
    pairs = [{"instruction": row["instruction"], "output": row["output"]} for row in dataset.iter_rows(named=True)] if dataset.height else []
    mixed = round(mix_seed_ratio * len(seed_pairs))
    if mixed:
        pairs += random.Random(seed).sample(seed_pairs, min(mixed, len(seed_pairs)))
    if not pairs:
        raise KunError(f"{dataset_path}: the Kun dataset has zero rows after filtering and finetune.mix_seed_ratio is 0; lower filter.min_score / assemble thresholds, label more segments, or mix in seed pairs")
    return pairs
