"""Humpback-style iteration: retrain the chat model on seed + curated pairs, then re-score.

Round k takes the scores of round k-1 (round 0 is the `score` stage), keeps each segment's best
candidate with score >= `iterate.min_score` as a curated (instruction, segment) pair, trains a
chat model from the base model on the seed pairs plus those (train_chat's training params), and
re-scores every candidate with it. Each round is its own DVC stage (`iterate@k`, a `foreach` over
`iterate.rounds`), so every round is cached; `filter.scores` names the scores the filter uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kun.errors import KunError
from kun.params import require


@dataclass
class RoundParams:
    previous: str  # scores this round starts from (data/interim/scored.parquet for round 1)


@dataclass
class IterateParams:
    rounds: dict[str, Any] = field(default_factory=dict)  # "k": {previous: scores of round k-1}; {} = no iteration (Kun)
    min_score: float = 0.5  # curated pairs: best candidate per segment with at least this score
    max_curated: int = 0  # keep at most N curated pairs, highest scores first (0 = all)

    def validate(self, section: str) -> None:
        require(0.0 <= self.min_score <= 1.0, f"{section}.min_score", "must be between 0 and 1")
        for name, round_params in self.rounds.items():
            require(isinstance(round_params, dict) and isinstance(round_params.get("previous"), str), f"{section}.rounds.{name}", "needs `previous: <scores parquet of the round before>`")


def curated_pairs(scored: pl.DataFrame, min_score: float, max_curated: int = 0) -> list[dict[str, str]]:
    """Each segment's best candidate scoring at least `min_score`, as (instruction, output=segment)."""
    if "score" not in scored.columns:
        raise KunError("iterate: the previous scores have no `score` column; point iterate.rounds.<k>.previous at a scored parquet")
    best = (
        scored.filter(pl.col("score") >= min_score)
        .sort(["score", "candidate_id"], descending=[True, False])
        .unique("segment_id", keep="first", maintain_order=True)
    )
    if max_curated:
        best = best.head(max_curated)
    return [{"instruction": row["instruction"], "output": row["segment"]} for row in best.iter_rows(named=True)]
