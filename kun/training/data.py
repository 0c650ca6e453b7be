"""Which pairs each kind of training learns from.

- backward (the label model, stage train_label): the seed pairs reversed: the user turn is the backward question followed by the
  seed output (kun.instructions.label.backward_user_turn, exactly what the label stage sends at inference),
  the target is the seed instruction: the backward label model of instruction back-translation.
- forward (the chat model, stage train_chat): the seed pairs as they are: the primary chat model that scores and polishes.
- dataset (the final model, stage finetune): the assembled Kun dataset, or with `max_examples` a fixed seeded sample of it
  (samples of different sizes are nested: the first N of one seeded permutation), plus
  `mix_seed_ratio` x (number of seed pairs) seed pairs drawn with the training seed.
"""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl

from kun.core.errors import KunError
from kun.instructions.chat_format import backward_user_turn
from kun.instructions.seed import read_seed

KINDS = ("backward", "forward", "dataset")


def backward_pairs(pairs: list[dict[str, str]], language: str = "zh") -> list[dict[str, str]]:
    """Seed pairs as the label model learns them: user turn = question + output, target = instruction."""
    return [
        {"instruction": backward_user_turn(pair["output"], language), "output": pair["instruction"]}
        for pair in pairs
    ]


def sample_pairs(pairs: list[dict[str, str]], max_examples: int, seed: int) -> list[dict[str, str]]:
    """The first `max_examples` of a permutation seeded by `seed` (0 = all, in file order)."""
    if not max_examples or max_examples >= len(pairs):
        return pairs
    order = random.Random(seed).sample(range(len(pairs)), len(pairs))
    return [pairs[index] for index in order[:max_examples]]


def training_pairs(
    kind: str,
    seed_path: str | Path | None,
    dataset_path: str | Path | None = None,
    mix_seed_ratio: float = 0.0,
    seed: int = 42,
    max_examples: int = 0,
) -> list[dict[str, str]]:
    """The pairs of one kind of training (see the module docstring)."""
    if kind not in KINDS:
        raise KunError(f"unknown training kind {kind!r}; use one of {', '.join(KINDS)}")
    if seed_path is None and kind != "dataset":
        raise KunError(f"training kind `{kind}` learns from seed pairs: give their file")
    seed_pairs = read_seed(seed_path) if seed_path is not None else []
    if kind == "backward":
        return backward_pairs(seed_pairs)
    if kind == "forward":
        return seed_pairs
    if dataset_path is None:
        raise KunError("training kind `dataset` needs the Kun dataset (data/processed/kun.jsonl)")
    if not Path(dataset_path).is_file():
        raise KunError(
            f"{dataset_path}: not found; run the assemble stage (dvc repro assemble) or check the path"
        )
    dataset = pl.read_ndjson(dataset_path) if Path(dataset_path).stat().st_size else pl.DataFrame()
    pairs = (
        [
            {"instruction": row["instruction"], "output": row["output"]}
            for row in dataset.iter_rows(named=True)
        ]
        if dataset.height
        else []
    )
    pairs = sample_pairs(pairs, max_examples, seed)
    mixed = round(mix_seed_ratio * len(seed_pairs))
    if mixed:
        pairs += random.Random(seed).sample(seed_pairs, min(mixed, len(seed_pairs)))
    if not pairs:
        raise KunError(
            f"{dataset_path}: the Kun dataset has zero rows after filtering and finetune.mix_seed_ratio is 0; "
            "lower filter.min_score / assemble thresholds, label more segments, or mix in seed pairs"
        )
    return pairs
