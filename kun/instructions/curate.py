"""Filter: apply the score threshold and Kun's rule filters to scored candidates.

Cheap by design: label and score computed every candidate's score, so changing
`filter.min_score` (`dvc exp run -S filter.min_score=0.7`) reruns only this stage and those after
it. Rules on the instruction (first failing rule names the reason):
unscorable (a null score: never kept), low_score, then the instruction gates (kun.instructions.gates):
instruction_too_short / _too_long, broken_encoding, unexpected_script, instruction_low_cjk,
refers_to_unseen_context (the authors' keyword list: 新闻, 材料, 图片, 链接, ...), not_a_request. Then, with
`best_per_segment`, only each segment's highest-scoring candidate stays (not_best_for_segment).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kun.instructions import gates
from kun.corpus.text import cjk_ratio
from kun.core.params import require
from kun.core.records import CANDIDATE_SCHEMA, SCORE_COLUMNS, require_columns

# Instructions mentioning these point at material the reader cannot see: the authors' list.
UNSEEN_CONTEXT_KEYWORDS = ["新闻", "材料", "图片", "链接", "网址", "根据", "简历", "简介", "文章", "摘要", "文本", "提取", "关键词", "网站"]
# kun's additions (an option: filter.unseen_context_keywords = the authors' list + these).
EXTRA_UNSEEN_CONTEXT_KEYWORDS = ["上文", "下文", "这段", "以下内容"]


@dataclass
class FilterParams:
    scores: str = ""  # pipeline wiring: the scores table the filter stage reads (params.yaml: score's, or the last iterate round's); unused by curate()
    min_score: float = 0.5  # keep candidates whose score (in [0, 1]) is at least this
    instruction_min_chars: int = 4
    instruction_max_chars: int = 300
    instruction_min_cjk_ratio: float = 0.3  # Chinese instructions only
    unseen_context_keywords: list[str] = field(default_factory=lambda: list(UNSEEN_CONTEXT_KEYWORDS))
    request_markers: list[str] = field(default_factory=lambda: list(gates.REQUEST_MARKERS))  # an instruction needs one of these (not_a_request); [] = off
    unexpected_scripts: list[str] = field(default_factory=lambda: list(gates.UNEXPECTED_SCRIPTS))  # scripts that drop an instruction (unexpected_script)
    best_per_segment: bool = True  # keep one candidate per segment, the best scored

    def validate(self, section: str) -> None:
        require(0.0 <= self.min_score <= 1.0, f"{section}.min_score", "must be between 0 and 1")
        require(0 <= self.instruction_min_chars <= self.instruction_max_chars, f"{section}.instruction_min_chars", "must be between 0 and instruction_max_chars")
        gates.require_known_scripts(self.unexpected_scripts, f"{section}.unexpected_scripts")


def instruction_gates(params: FilterParams) -> list[tuple[str, gates.Gate | None]]:
    """The rules on an instruction, in order (the first that fails names the reason)."""
    return [
        ("instruction_too_short", gates.on_instruction(lambda text: len(text.strip()) < params.instruction_min_chars, "instruction_too_short")),
        ("instruction_too_long", gates.on_instruction(lambda text: len(text) > params.instruction_max_chars, "instruction_too_long")),
        ("broken_encoding", gates.broken_encoding("instruction")),
        ("unexpected_script", gates.unexpected_script(params.unexpected_scripts, "instruction")),
        ("instruction_low_cjk", gates.on_instruction(lambda text: cjk_ratio(text) < params.instruction_min_cjk_ratio, "instruction_low_cjk")),
        ("refers_to_unseen_context", gates.contains_phrase(params.unseen_context_keywords, "refers_to_unseen_context", "instruction")),
        ("not_a_request", gates.not_a_request(params.request_markers)),
    ]


def curate(scored: pl.DataFrame, params: FilterParams) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """Return (kept, rejected with reasons, metrics)."""
    require_columns(scored, {**CANDIDATE_SCHEMA, **SCORE_COLUMNS}, "filter input")
    rejected_parts = []
    # A null score (no verdict, a reply without a rating, no verdict token among a server's top
    # log-probabilities) is never passing.
    unscorable = scored.filter(pl.col("score").is_null()).with_columns(pl.lit("unscorable").alias("reason"))
    low = scored.filter(pl.col("score") < params.min_score).with_columns(pl.lit("low_score").alias("reason"))
    rejected_parts += [unscorable, low]
    passing = scored.filter(pl.col("score") >= params.min_score)
    result = gates.apply_gates(passing, instruction_gates(params), answer=None)
    kept = result.kept
    rejected_parts.append(result.rejected)
    if params.best_per_segment and kept.height:
        ranked = kept.with_columns(pl.col("score").rank("ordinal", descending=True).over("segment_id").alias("_rank"))
        rejected_parts.append(ranked.filter(pl.col("_rank") > 1).drop("_rank").with_columns(pl.lit("not_best_for_segment").alias("reason")))
        kept = ranked.filter(pl.col("_rank") == 1).drop("_rank")
    rejected = pl.concat(rejected_parts, how="vertical")
    counts = {"unscorable": unscorable.height, "low_score": low.height, **result.dropped}
    if params.best_per_segment:
        counts["not_best_for_segment"] = rejected.height - sum(counts.values())
    counts = dict(sorted(counts.items()))
    metrics = {"candidates": scored.height, "kept": kept.height, "rejected": counts, "min_score": params.min_score}
    return kept, rejected, metrics
