"""Assemble: output rule filters, exact dedup of pairs, the final dataset and its card.

Rules on the polished answer (kun.instructions.gates; the first failing rule names the reason): truncated
(the answer hit polish.max_new_tokens), empty_answer, answer_too_short (< min_answer_chars, the
authors: 20), answer_too_long, broken_encoding (U+FFFD), unexpected_script, answer_low_cjk,
answer_refusal_or_meta (answers containing any of `answer_meta_keywords`; the authors' list
作为 / 根据 / 知识库 / 2023 / 抱歉 by default, NARROW_META_KEYWORDS for a list that only catches
AI self-reference and source talk), web_boilerplate, opens_with_repetition (the authors' rule),
repeated_list_items, repeated_sentences, catastrophic_repetition (share of repeated character
10-grams), then duplicate_pair (same instruction and output as an earlier row).
Writes the dataset as JSONL (instruction, output, id, source, score) and Parquet (plus
provenance: segment id, raw segment, models, prompt versions), a dataset card, and the funnel
segments -> unique -> candidates -> kept after score -> polished -> final in metrics/data.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import polars as pl

from kun.instructions import gates
from kun.core.hashing import content_id
from kun.core.params import require
from kun.core.records import DATASET_COLUMNS, require_columns

# The authors' output rule: answers containing any of these are dropped.
ANSWER_META_KEYWORDS = ["作为", "根据", "知识库", "2023", "抱歉"]
# A narrower list (kun before following the authors): AI self-reference, refusals and talk about the material.
NARROW_META_KEYWORDS = ["作为一个", "作为一名", "作为AI", "作为人工智能", "作为语言模型", "根据资料", "根据材料", "根据文章", "根据上文", "根据提供", "根据以上", "根据已知", "知识库", "抱歉", "对不起，我", "无法回答", "资料中", "<资料>", "</资料>"]


@dataclass
class AssembleParams:
    min_answer_chars: int = 20  # the authors drop answers under 20 characters
    short_answers_for_material: bool = True  # an instruction carrying its own material (lines after the task) may get an answer as short as that material
    max_answer_chars: int = 4000
    answer_meta_keywords: list[str] = field(default_factory=lambda: list(ANSWER_META_KEYWORDS))
    opening_repeat_min: int = 3  # drop answers opening with a unit repeated this many times (0 = off)
    max_repeated_item_ratio: float = 0.2  # most share of lines / list items repeating an earlier one once markers and numbers are stripped
    max_repeated_sentence_ratio: float = 0.2  # most share of sentences repeating an earlier one
    max_repeated_ngram_ratio: float = 0.5  # catastrophic repetition: share of repeated 10-grams
    answer_min_cjk_ratio: float = 0.5  # least share of CJK among the letters of an answer to a Chinese instruction (code excluded); 0 = off
    foreign_language_hints: list[str] = field(default_factory=lambda: list(gates.FOREIGN_LANGUAGE_HINTS))  # instructions mentioning these may be answered in another language or code
    unexpected_scripts: list[str] = field(default_factory=lambda: list(gates.UNEXPECTED_SCRIPTS))  # scripts that drop an answer
    boilerplate_phrases: list[str] = field(default_factory=lambda: list(gates.BOILERPLATE_PHRASES))  # web boilerplate that drops an answer
    truncated: Literal["drop", "keep"] = "drop"  # answers that hit polish.max_new_tokens (finish reason `length`)
    dataset_name: str = "kun"

    def validate(self, section: str) -> None:
        for key in ("max_repeated_item_ratio", "max_repeated_sentence_ratio", "answer_min_cjk_ratio"):
            require(0.0 <= getattr(self, key) <= 1.0, f"{section}.{key}", "must be between 0 and 1")
        gates.require_known_scripts(self.unexpected_scripts, f"{section}.unexpected_scripts")
        require(0 <= self.min_answer_chars <= self.max_answer_chars, f"{section}.min_answer_chars", "must be between 0 and max_answer_chars")
        require(0.0 < self.max_repeated_ngram_ratio <= 1.0, f"{section}.max_repeated_ngram_ratio", "must be in (0, 1]")
        require(self.opening_repeat_min == 0 or self.opening_repeat_min >= 2, f"{section}.opening_repeat_min", "must be 0 (off) or >= 2")


def pair_key(instruction: str, output: str) -> str:
    return content_id(f"{instruction.strip()}\x00{output.strip()}", size=16)


def answer_gates(params: AssembleParams, instruction_min_cjk_ratio: float = 0.3) -> list[tuple[str, gates.Gate | None]]:
    """The rules on an answer (some look at its instruction too), in order."""
    return [
        ("empty_answer", gates.on_answer(lambda text: not text.strip(), "empty_answer")),
        ("answer_too_short", gates.too_short(params.min_answer_chars, params.short_answers_for_material)),
        ("answer_too_long", gates.on_answer(lambda text: len(text) > params.max_answer_chars, "answer_too_long")),
        ("broken_encoding", gates.broken_encoding("output")),
        ("unexpected_script", gates.unexpected_script(params.unexpected_scripts, "output")),
        ("answer_low_cjk", gates.answer_low_cjk(params.answer_min_cjk_ratio, instruction_min_cjk_ratio, params.foreign_language_hints)),
        ("answer_refusal_or_meta", gates.contains_phrase(params.answer_meta_keywords, "answer_refusal_or_meta")),
        ("web_boilerplate", gates.contains_phrase(params.boilerplate_phrases, "web_boilerplate")),
        ("opens_with_repetition", gates.opens_with_repetition(params.opening_repeat_min)),
        ("repeated_list_items", gates.repeated_items(params.max_repeated_item_ratio)),
        ("repeated_sentences", gates.repeated_sentences(params.max_repeated_sentence_ratio)),
        ("catastrophic_repetition", gates.catastrophic_repetition(params.max_repeated_ngram_ratio)),
    ]


def gate_pairs(frame: pl.DataFrame, pair_gates: list[tuple[str, gates.Gate | None]], truncated: str, finish_column: str) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Drop truncated rows (`finish_column` says `length`, when `truncated` is drop), then the
    rows a gate rejects, then repeats of an earlier (instruction, output) pair. Returns (kept,
    rejected with `reason`, count per reason with every rule listed)."""
    cut = pl.lit(False)
    if truncated == "drop" and finish_column in frame.columns:
        cut = pl.col(finish_column).cast(pl.String).fill_null("") == "length"
    cut_rows = frame.filter(cut).with_columns(pl.lit("truncated").alias("reason"))
    result = gates.apply_gates(frame.filter(~cut), pair_gates)
    keys = pl.Series([pair_key(instruction, output) for instruction, output in zip(result.kept.get_column("instruction"), result.kept.get_column("output"))], dtype=pl.String)
    first = keys.is_first_distinct()
    duplicates = result.kept.filter(~first).with_columns(pl.lit("duplicate_pair").alias("reason"))
    rejected = pl.concat([cut_rows, result.rejected, duplicates], how="diagonal_relaxed")
    counts = {"truncated": cut_rows.height, **result.dropped, "duplicate_pair": duplicates.height}
    return result.kept.filter(first), rejected, dict(sorted(counts.items()))


ASSEMBLE_INPUT = ("instruction", "segment_id", "segment", "score", "output", "polish_model", "polish_prompt_version")


def assemble(polished: pl.DataFrame, params: AssembleParams) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Return (final dataset frame with provenance, rejected rows with reasons, drops per reason)."""
    require_columns(polished, dict.fromkeys(ASSEMBLE_INPUT), "assemble input")
    polished = polished.with_columns(pl.col("output").fill_null("").str.strip_chars())
    kept, rejected, drops = gate_pairs(polished, answer_gates(params), params.truncated, "output_finish_reason")
    final = kept.with_columns(pl.col("candidate_id").alias("id")).select(
        *DATASET_COLUMNS, "segment_id", pl.col("segment").alias("raw_segment"), "label_model", "label_prompt_version", "score_mode", "polish_model", "polish_prompt_version"
    )
    return final, rejected, drops
