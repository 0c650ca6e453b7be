"""Filter: apply Kun's instruction rules and the score threshold to scored candidates.

Cheap by design: label and score computed every candidate's score, so changing
`filter.min_score` (`dvc exp run -S filter.min_score=0.7`) reruns only this stage and those after
it. The instruction rules (kun.instructions.gates; the first failing rule names the reason):
instruction_too_short / _too_long, broken_encoding, mojibake, template_leak, unexpected_script,
instruction_low_cjk, refers_to_unseen_context (patterns, and/or the authors' keyword list 新闻,
材料, 图片, 链接, ... in configs/paper.yaml), instruction_fragment, gibberish, not_a_request; then
unscorable (a null score: never kept) and low_score. With `best_per_segment`, only each
segment's highest-scoring candidate stays (not_best_for_segment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from kun.core.metrics import key_figures
from kun.core.params import NonNegativeInt, Share, require
from kun.core.records import CANDIDATE_SCHEMA, SCORE_COLUMNS, require_columns
from kun.instructions import gates
from kun.rules import Rule, apply_rules, patterns
from kun.rules.engine import merge_counts
from kun.rules.language import mojibake
from kun.rules.stats import cjk_word_share

# Instructions mentioning these point at material the reader cannot see: the authors' list
# (configs/paper.yaml). The default profile matches the same idea as patterns instead
# (unseen_context_patterns), which spare 根据勾股定理 and carried material.
# A request to translate may be written in the other language (Translate into Chinese: ...).
_TRANSLATION = re.compile(r"翻译|译成|译为|中文|汉语|\btranslat|\bChinese\b", re.IGNORECASE)
UNSEEN_CONTEXT_KEYWORDS = [
    "新闻",
    "材料",
    "图片",
    "链接",
    "网址",
    "根据",
    "简历",
    "简介",
    "文章",
    "摘要",
    "文本",
    "提取",
    "关键词",
    "网站",
]


@dataclass
class FilterParams:
    min_score: Share = 0.5  # keep candidates whose score (in [0, 1]) is at least this
    instruction_min_chars: NonNegativeInt = 4
    instruction_max_chars: int = 300
    instruction_min_cjk_ratio: Share = (
        0.3  # Chinese instructions only: CJK characters / (CJK characters + other words)
    )
    unseen_context_keywords: list[str] = field(
        default_factory=list
    )  # plain substrings that drop an instruction (the authors' list in configs/paper.yaml)
    unseen_context_patterns: bool = (
        True  # 这首诗, 上文, 以下内容, 附件, 图中... when the instruction carries no material
    )
    fragments: bool = (
        True  # instructions cut before their object or with an empty slot (instruction_fragment)
    )
    min_word_coverage: Share = (
        0.4  # random characters: least share of CJK characters in dictionary words (gibberish); 0 = off
    )
    request_markers: list[str] = field(
        default_factory=lambda: list(gates.REQUEST_MARKERS)
    )  # an instruction needs one of these (not_a_request); [] = off
    imperatives: bool = True  # an instruction opening with a verb and its object is a request too (逆转一个字符串), by jieba's tags
    unexpected_scripts: list[str] = field(
        default_factory=lambda: list(gates.UNEXPECTED_SCRIPTS)
    )  # scripts that drop an instruction (unexpected_script)
    best_per_segment: bool = True  # keep one candidate per segment, the best scored

    def validate(self, section: str) -> None:
        require(
            self.instruction_min_chars <= self.instruction_max_chars,
            f"{section}.instruction_min_chars",
            "must be at most instruction_max_chars",
        )
        gates.require_known_scripts(self.unexpected_scripts, f"{section}.unexpected_scripts")


# jieba's dictionary count above which a single character is a word of its own (的, 是, 哪, 最).
_FREQUENT_SINGLE = 10000


def _gibberish(min_coverage: float):
    if min_coverage <= 0:
        return None
    from kun.rules.words import word_coverage

    def check(text: str) -> bool:
        """Few characters in words, even counting frequent single-character words (的, 是, 哪):
        a short question of one-character words (最有名的画是哪幅？) is still Chinese."""
        coverage = word_coverage(text)
        if coverage is None or coverage >= min_coverage:
            return False
        with_singles = word_coverage(text, single_min_frequency=_FREQUENT_SINGLE)
        return with_singles is not None and with_singles < min(1.0, min_coverage * 1.5)

    return check


def instruction_rules(params: FilterParams) -> list[Rule | None]:
    """The rules on an instruction, in order (the first that fails names the reason). They need
    no model, so `score` runs them first and never scores what they drop."""
    keywords = gates.phrase_check(params.unseen_context_keywords)
    unseen = [
        check
        for check in (keywords, patterns.refers_to_unseen_context if params.unseen_context_patterns else None)
        if check
    ]
    markers, imperatives = params.request_markers, params.imperatives
    min_chars, max_chars, min_cjk = (
        params.instruction_min_chars,
        params.instruction_max_chars,
        params.instruction_min_cjk_ratio,
    )
    return [
        gates.on_instruction(
            "instruction_too_short",
            lambda text: len(text.strip()) < min_chars,
            "filter.instruction_min_chars",
        ),
        gates.on_instruction(
            "instruction_too_long", lambda text: len(text) > max_chars, "filter.instruction_max_chars"
        ),
        gates.on_instruction("broken_encoding", gates.broken_encoding),
        gates.on_instruction("mojibake", mojibake),
        gates.on_instruction("template_leak", patterns.template_leak),
        gates.on_instruction(
            "unexpected_script", gates.script_check(params.unexpected_scripts), "filter.unexpected_scripts"
        ),
        gates.on_instruction(
            "instruction_low_cjk",
            lambda text: cjk_word_share(text) < min_cjk and not _TRANSLATION.search(text),
            "filter.instruction_min_cjk_ratio",
        ),
        gates.on_instruction(
            "refers_to_unseen_context",
            (lambda text: any(check(text) for check in unseen)) if unseen else None,
            "filter.unseen_context_patterns",
        ),
        gates.on_instruction(
            "instruction_fragment",
            patterns.instruction_fragment if params.fragments else None,
            "filter.fragments",
        ),
        gates.on_instruction("gibberish", _gibberish(params.min_word_coverage), "filter.min_word_coverage"),
        gates.on_instruction(
            "not_a_request",
            (
                lambda text: (
                    patterns.is_record(text, markers)
                    or not (
                        patterns.has_request_marker(text, markers)
                        or (imperatives and patterns.opens_with_verb(text))
                        or patterns.has_options(text)
                    )
                )
            )
            if markers
            else None,
            "filter.request_markers",
        ),
    ]


def score_rules(min_score: float) -> list[Rule]:
    """A null score (no verdict, a reply without a rating, no verdict token among a server's top
    log-probabilities, or a candidate an instruction rule dropped before scoring) never passes."""
    return [
        Rule("unscorable", lambda row: row["score"] is None, ("score",), "score.mode"),
        Rule("low_score", lambda row: row["score"] < min_score, ("score",), "filter.min_score"),
    ]


def curate(scored: pl.DataFrame, params: FilterParams) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """Return (kept, rejected with reasons, metrics). Instruction rules come first, so a candidate
    `score` skipped for a rule is counted under that rule, not as unscorable."""
    require_columns(scored, {**CANDIDATE_SCHEMA, **SCORE_COLUMNS}, "filter input")
    result = apply_rules(scored, [*instruction_rules(params), *score_rules(params.min_score)])
    kept, rejected_parts, counts = result.kept, [result.rejected], result.counts
    if params.best_per_segment:
        ranked = kept.with_columns(
            pl.col("score").rank("ordinal", descending=True).over("segment_id").alias("_rank")
        )
        not_best = (
            ranked.filter(pl.col("_rank") > 1)
            .drop("_rank")
            .with_columns(pl.lit("not_best_for_segment").alias("reason"))
        )
        rejected_parts.append(not_best)
        kept = ranked.filter(pl.col("_rank") == 1).drop("_rank")
        counts = merge_counts(counts, {"not_best_for_segment": not_best.height})
    rejected = pl.concat(rejected_parts, how="vertical")
    metrics = {
        "candidates": scored.height,
        "kept": kept.height,
        "rejected": counts,
        "min_score": params.min_score,
    }
    metrics["key_figures"] = key_figures(metrics, {"kept": "kept", "min_score": "min_score"})
    return kept, rejected, metrics
