"""Perplexity gate: the second half of the paper's raw-text cleaning ("filtered by perplexity and length").

Reads unique segments (after dedup, so no duplicate pays for a forward pass), computes each
segment's perplexity under `perplexity.model` (default the base model) through the cached LLM
layer, and drops segments above `max` (garbled, mixed-script or machine-made text) or below
`min` (boilerplate and repetition that a model predicts too well). Perplexities are cached per
record, so `dvc exp run -S perplexity.max=...` recomputes nothing and does not even load the
model. Writes the kept segments with a `perplexity` column, the dropped ones with a reason
(`perplexity_too_high`, `perplexity_too_low`, `perplexity_unscorable` for texts under two
tokens), counts and a histogram on log-spaced bins for `dvc plots`.

The paper does not publish its threshold: pick one from the histogram of your corpus under your
model (docs/paper.md).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import polars as pl

from kun.core.metrics import key_figures
from kun.core.params import NonNegativeFloat, NonNegativeInt, require
from kun.core.records import require_columns
from kun.llm import LLM
from kun.rules import Rule, apply_rules

# Upper bin edges of the histogram (perplexity is spread over orders of magnitude).
BIN_EDGES = [2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000]


@dataclass
class PerplexityParams:
    model: str = "models/base"  # causal LM whose perplexity gates the raw text (default: the base model)
    max: NonNegativeFloat = 0.0  # drop segments with a higher perplexity; 0 = no upper bound
    min: NonNegativeFloat = 0.0  # drop segments with a lower perplexity; 0 = no lower bound
    limit: NonNegativeInt = (
        0  # gate only the first N segments and pass on only those (0 = all); the CPU demo keeps it small
    )

    def validate(self, section: str) -> None:
        require(not self.max or self.min < self.max, f"{section}.min", "must be below perplexity.max")


def histogram(values: list[float]) -> list[dict[str, Any]]:
    """Counts per log-spaced bin, as rows for a `dvc plots` bar chart."""
    edges = [1, *BIN_EDGES, math.inf]
    counts = [0] * (len(edges) - 1)
    for value in values:
        for index in range(len(counts)):
            if value < edges[index + 1]:
                counts[index] += 1
                break
    label = lambda low, high: f"{low:g}-{high:g}" if high != math.inf else f">={low:g}"  # noqa: E731
    return [
        {"bin": label(edges[index], edges[index + 1]), "count": counts[index]} for index in range(len(counts))
    ]


def perplexity_rules(params: PerplexityParams) -> list[Rule | None]:
    """A segment without a perplexity never passes; then the bounds that are set (0 = none)."""
    return [
        Rule("perplexity_unscorable", lambda row: row["perplexity"] is None, ("perplexity",)),
        Rule(
            "perplexity_too_high",
            lambda row: row["perplexity"] > params.max,
            ("perplexity",),
            "perplexity.max",
        )
        if params.max
        else None,
        Rule(
            "perplexity_too_low",
            lambda row: row["perplexity"] < params.min,
            ("perplexity",),
            "perplexity.min",
        )
        if params.min
        else None,
    ]


def perplexity_gate(
    segments: pl.DataFrame, params: PerplexityParams, llm: LLM
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """Return (kept segments + perplexity, rejected segments + perplexity + reason, metrics)."""
    started = time.perf_counter()
    require_columns(segments, {"id": None, "text": None}, "perplexity input")
    segments_in = segments.height
    if params.limit:
        segments = segments.head(params.limit)
    values = llm.perplexity(segments.get_column("text").to_list(), desc="perplexity")
    scored = segments.with_columns(
        pl.Series("perplexity", [None if math.isnan(v) else v for v in values], dtype=pl.Float64)
    )
    result = apply_rules(scored, perplexity_rules(params))
    kept, rejected = result.kept, result.rejected
    valid = [v for v in values if not math.isnan(v)]
    ordered = sorted(valid)
    metrics = {
        "segments_in": segments_in,
        "segments": segments.height,
        "kept": kept.height,
        "rejected": result.counts,
        "max": params.max,
        "min": params.min,
        "perplexity_median": round(ordered[len(ordered) // 2], 2) if ordered else None,
        "perplexity_p90": round(ordered[int(0.9 * (len(ordered) - 1))], 2) if ordered else None,
        "histogram": histogram(valid),
        "model": llm.fingerprint,
        **llm.stats,
        "seconds": round(time.perf_counter() - started, 2),
    }
    metrics["key_figures"] = key_figures(
        metrics, {"kept": "kept", "median": "perplexity_median", "max": "max"}, ledger=""
    )
    return kept, rejected, metrics
