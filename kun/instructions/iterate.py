"""Iteration (the paper's self-improving chat model; Humpback's M0 -> M1 rounds).

Round k starts from round k-1: its scores (round 0 is the `score` stage) and the chat model
that wrote them. Each segment's best candidate that passes the filter rules with a score of at
least `iterate.min_score` is polished by that model, the polished answers go through the
assemble rules, and the surviving (instruction, polished answer) pairs, at most `max_curated`
of them, best scores first, join the seed pairs to train a new chat model from
the directory dvc.yaml passes (`model.chat_base`; train_chat's training params). That model re-scores every candidate. Each
round is its own DVC stage (`iterate@k`, a `foreach` over `iterate.rounds`), so every round is
cached. The last round's scores (dvc.yaml's `scores`, the filter stage's input) and model (`polish.model`) make the dataset;
the polish stage refuses a polish.model that did not write the scores it polishes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kun.core.errors import KunError, ParamsError
from kun.core.params import NonNegativeInt, Share, from_mapping, require, section
from kun.instructions.assemble import AssembleParams, assemble
from kun.instructions.curate import FilterParams, curate
from kun.instructions.polish import PolishParams, polish
from kun.instructions.score import ScoreParams
from kun.llm import LLM, LLMParams


@dataclass
class RoundParams:
    previous: str  # scores this round starts from (data/interim/scored.parquet for round 1)
    previous_model: str  # the chat model that wrote them (score.model for round 1)


@dataclass
class IterateParams:
    rounds: dict[str, Any] = field(
        default_factory=dict
    )  # "k": {previous, previous_model}; {} = no iteration (the authors' script)
    min_score: Share = 0.5  # curated pairs: best candidate per segment with at least this score
    max_curated: NonNegativeInt = 0  # keep at most N curated pairs, highest scores first (0 = all)

    def validate(self, section: str) -> None:
        for name, round_params in self.rounds.items():
            require(
                isinstance(round_params, dict)
                and all(isinstance(round_params.get(key), str) for key in ("previous", "previous_model")),
                f"{section}.rounds.{name}",
                "needs `previous: <scores parquet of the round before>` and `previous_model: <the chat model that wrote them>`",
            )


@dataclass
class RoundPlan:
    """Every setting one round uses, resolved from the params file."""

    name: str
    previous: str
    previous_model: str
    min_score: float
    max_curated: int
    llm: LLMParams
    filter: FilterParams
    polish: PolishParams  # model = previous_model
    assemble: AssembleParams
    score: ScoreParams  # model = the round's new chat model, set by score_with()

    def score_with(self, model_dir: str) -> ScoreParams:
        return dataclasses.replace(self.score, model=model_dir)


def plan_round(raw: dict[str, Any], name: str) -> RoundPlan:
    """Resolve round `name` of iterate.rounds (a KunError if it is not defined)."""
    params = section(IterateParams, raw, "iterate")
    if name not in params.rounds:
        raise ParamsError(
            f"iterate.rounds.{name}", f"not defined; rounds are {', '.join(params.rounds) or 'none'}"
        )
    this_round = from_mapping(RoundParams, params.rounds[name], f"iterate.rounds.{name}")
    return RoundPlan(
        name=name,
        previous=this_round.previous,
        previous_model=this_round.previous_model,
        min_score=params.min_score,
        max_curated=params.max_curated,
        llm=section(LLMParams, raw, "llm"),
        filter=section(FilterParams, raw, "filter"),
        polish=dataclasses.replace(section(PolishParams, raw, "polish"), model=this_round.previous_model),
        assemble=section(AssembleParams, raw, "assemble"),
        score=section(ScoreParams, raw, "score"),
    )


def curated_pairs(
    scored: pl.DataFrame,
    min_score: float,
    max_curated: int,
    llm: LLM,
    filter_params: FilterParams,
    polish_params: PolishParams,
    assemble_params: AssembleParams,
) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """(instruction, polished output) pairs curated from one round's scores, and their counts."""
    if "score" not in scored.columns:
        raise KunError(
            "iterate: the previous scores have no `score` column; point iterate.rounds.<k>.previous at a scored parquet"
        )
    kept, _, filter_metrics = curate(
        scored, dataclasses.replace(filter_params, min_score=min_score, best_per_segment=True)
    )
    kept = kept.sort(["score", "candidate_id"], descending=[True, False])
    polished, polish_metrics = polish(kept, polish_params, llm)
    final, _, drops = assemble(polished, assemble_params)
    final = final.sort(["score", "id"], descending=[True, False])
    if max_curated:
        final = final.head(max_curated)
    pairs = [
        {"instruction": row["instruction"], "output": row["output"]} for row in final.iter_rows(named=True)
    ]
    counts = {
        "kept_after_score": kept.height,
        "polished": polished.height,
        "assemble_dropped": drops,
        "curated_pairs": len(pairs),
        "polish_backend_calls": polish_metrics["backend_calls"],
    }
    return pairs, counts
