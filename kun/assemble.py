"""Assemble: output rule filters, exact dedup of pairs, the final dataset and its card.

Rules on the polished answer, by default the authors' (first failing rule names the reason):
empty_answer, answer_too_short (< min_answer_chars, paper: 20), answer_too_long,
answer_refusal_or_meta (answers containing any of `answer_meta_keywords`; the authors' list
作为 / 根据 / 知识库 / 2023 / 抱歉 by default, NARROW_META_KEYWORDS for a list that only catches
AI self-reference and source talk), opens_with_repetition (the answer opens with a unit repeated
`opening_repeat_min` times), catastrophic_repetition (share of repeated character 10-grams),
then duplicate_pair (same instruction and output as an earlier row).
Writes the dataset as JSONL (instruction, output, id, source, score) and Parquet (plus
provenance: segment id, raw segment, models, prompt versions), a dataset card, and the funnel
segments -> unique -> candidates -> kept after score -> polished -> final in metrics/data.json.
"""

from __future__ import annotations

import hashlib
import statistics
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kun import filters
from kun.params import require
from kun.records import DATASET_COLUMNS, POLISH_COLUMNS, require_columns

# The authors' output rule: answers containing any of these are dropped.
ANSWER_META_KEYWORDS = ["作为", "根据", "知识库", "2023", "抱歉"]
# A narrower list (kun before following the authors): AI self-reference, refusals and talk about the material.
NARROW_META_KEYWORDS = ["作为一个", "作为一名", "作为AI", "作为人工智能", "作为语言模型", "根据资料", "根据材料", "根据文章", "根据上文", "根据提供", "根据以上", "根据已知", "知识库", "抱歉", "对不起，我", "无法回答", "资料中", "<资料>", "</资料>"]


@dataclass
class AssembleParams:
    min_answer_chars: int = 20  # the authors drop answers under 20 characters
    max_answer_chars: int = 4000
    answer_meta_keywords: list[str] = field(default_factory=lambda: list(ANSWER_META_KEYWORDS))
    opening_repeat_min: int = 3  # drop answers opening with a unit repeated this many times (0 = off)
    max_repeated_ngram_ratio: float = 0.5  # catastrophic repetition: share of repeated 10-grams
    dataset_name: str = "kun"

    def validate(self, section: str) -> None:
        require(0 <= self.min_answer_chars <= self.max_answer_chars, f"{section}.min_answer_chars", "must be between 0 and max_answer_chars")
        require(0.0 < self.max_repeated_ngram_ratio <= 1.0, f"{section}.max_repeated_ngram_ratio", "must be in (0, 1]")
        require(self.opening_repeat_min == 0 or self.opening_repeat_min >= 2, f"{section}.opening_repeat_min", "must be 0 (off) or >= 2")


def _pair_key(instruction: str, output: str) -> str:
    return hashlib.blake2b(f"{instruction.strip()}\x00{output.strip()}".encode(), digest_size=16).hexdigest()


def assemble(polished: pl.DataFrame, params: AssembleParams) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Return (final dataset frame with provenance, rejected rows with reasons, drops per reason)."""
    require_columns(polished, {"instruction": None, "segment_id": None, "segment": None, "score": None, **POLISH_COLUMNS}, "assemble input")
    polished = polished.with_columns(pl.col("output").fill_null("").str.strip_chars())
    result = filters.apply_filters(
        polished,
        "output",
        [
            filters.min_chars(1, "empty_answer"),
            filters.min_chars(params.min_answer_chars, "answer_too_short"),
            filters.max_chars(params.max_answer_chars, "answer_too_long"),
            filters.contains_any(params.answer_meta_keywords, "answer_refusal_or_meta"),
            filters.opens_with_repetition(params.opening_repeat_min),
            filters.max_repeated_ngram_ratio(params.max_repeated_ngram_ratio),
        ],
    )
    rejected = result.rejected.with_columns(
        pl.when(pl.col("reason") == "repeated_ngrams").then(pl.lit("catastrophic_repetition")).otherwise(pl.col("reason")).alias("reason")
    )
    kept = result.kept.with_columns(
        pl.struct("instruction", "output").map_elements(lambda row: _pair_key(row["instruction"], row["output"]), return_dtype=pl.String).alias("_pair")
    )
    is_first = kept.get_column("_pair").is_first_distinct()
    duplicates = kept.filter(~is_first).drop("_pair").with_columns(pl.lit("duplicate_pair").alias("reason"))
    final = kept.filter(is_first).drop("_pair")
    final = final.with_columns(pl.col("candidate_id").alias("id")).select(
        *DATASET_COLUMNS, "segment_id", pl.col("segment").alias("raw_segment"), "label_model", "label_prompt_version", "score_mode", "polish_model", "polish_prompt_version"
    )
    rejected = pl.concat([rejected, duplicates], how="vertical")
    drops = dict(sorted(rejected.get_column("reason").value_counts().rows())) if rejected.height else {}
    return final, rejected, drops


def length_stats(values: list[int]) -> dict[str, float]:
    if not values:
        return {"min": 0, "median": 0, "mean": 0, "max": 0}
    return {"min": min(values), "median": statistics.median(values), "mean": round(statistics.fmean(values), 1), "max": max(values)}


def dataset_card(final: pl.DataFrame, funnel: dict[str, int], drops: dict[str, dict[str, int]], params_used: dict[str, Any], name: str) -> str:
    """A Markdown dataset card: sizes, sources, params, length statistics."""
    sources = dict(sorted(final.get_column("source").value_counts().rows())) if final.height else {}
    instruction_lengths = length_stats(final.get_column("instruction").str.len_chars().to_list())
    output_lengths = length_stats(final.get_column("output").str.len_chars().to_list())
    lines = [
        f"# {name}",
        "",
        "Chinese instruction-tuning data made by kun: instruction back-translation of raw text, focused",
        "scoring of the instructions, and answer polishment (arXiv 2401.06477).",
        "",
        f"- rows: {final.height}",
        "- files: `kun.jsonl` (instruction, output, id, source, score), `kun.parquet` (plus provenance)",
        "",
        "## Sources",
        "",
        "| source | rows |",
        "|---|---|",
        *[f"| {source} | {count} |" for source, count in sources.items()],
        "",
        "## Funnel",
        "",
        "| step | rows |",
        "|---|---|",
        *[f"| {step} | {count} |" for step, count in funnel.items()],
        "",
        "## Drops by reason",
        "",
        "| stage | reason | rows |",
        "|---|---|---|",
        *[f"| {stage} | {reason} | {count} |" for stage, reasons in drops.items() for reason, count in reasons.items()],
        "",
        "## Length (characters)",
        "",
        "| field | min | median | mean | max |",
        "|---|---|---|---|---|",
        f"| instruction | {instruction_lengths['min']} | {instruction_lengths['median']} | {instruction_lengths['mean']} | {instruction_lengths['max']} |",
        f"| output | {output_lengths['min']} | {output_lengths['median']} | {output_lengths['mean']} | {output_lengths['max']} |",
        "",
        "## Params",
        "",
        "```yaml",
        *[f"{key}: {value}" for key, value in params_used.items()],
        "```",
        "",
    ]
    return "\n".join(lines)
