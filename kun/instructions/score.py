"""Score: the primary chat model judges every candidate; no threshold is applied here.

- `focused` (Kun): the instruction alone is judged 【好】 or 【差】 with the prompt
  kun/prompts/score_focused.user.<lang>.j2: four criteria (clear intent, complete information,
  doable by a text assistant alone, fluent and sensible), worked examples of both verdicts and
  the instruction to give 好 strictly. Two ways to read the verdict (`verdict`):
  - `logprob`: one forward pass; score = P(【好】) / (P(【好】) + P(【差】)), in [0, 1];
  - `sampled` (the authors' scripts): sample a reply with the score sampling params; score 1.0
    when it contains 【好】 and not 【差】, 0.0 when it contains 【差】, null with
    score_error `no_verdict` when it has neither (filter never keeps it).
- `comprehensive` (Humpback): the (instruction, response) pair is rated 1-5 with a brief reason
  and a final `Score: N` line, parsed strictly; `score` = (N - 1) / 4. A reply without that line
  keeps its raw text and an error reason, and filter counts it as unparsable.

Prompts are one user turn without a system message: the chat model was trained that way.
Every row records the score mode (`focused-logprob`, `focused-sampled` or `comprehensive`) and
the prompt version.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal, Sequence

import numpy as np
import polars as pl

from kun import prompts
from kun.core.metrics import key_figures
from kun.core.params import require
from kun.core.records import CANDIDATE_SCHEMA, SCORE_COLUMNS, require_columns
from kun.llm import LLM
from kun.llm.base import (
    Conversation,
    MaxNewTokens,
    RepetitionPenalty,
    SamplingParams,
    Seed,
    Temperature,
    TopP,
)
from kun.rules import Rule
from kun.rules.engine import reasons_of

_SCORE_LINE = re.compile(
    r"^\s*\**\s*(?:score|分数|评分)\s*[:：]\s*\**\s*([1-5])\s*(?:/\s*5|分)?\s*\**\s*$", re.IGNORECASE
)


@dataclass
class ScoreParams:
    mode: Literal["focused", "comprehensive"] = "focused"
    verdict: Literal["logprob", "sampled"] = (
        "sampled"  # focused: P(好) from one pass, or the authors' sampled 【好】/【差】
    )
    model: str = "models/chat"  # the primary chat model
    good_answer: str = "好"  # focused: the verdict meaning good, shown as 【好】
    bad_answer: str = "差"  # focused: the verdict meaning bad
    temperature: Temperature = 0.5  # sampled verdicts and comprehensive ratings (the authors' sampling)
    top_p: TopP = 0.95
    repetition_penalty: RepetitionPenalty = 1.2
    max_new_tokens: MaxNewTokens = (
        128  # room for the verdict (sampled) or the reason and Score line (comprehensive)
    )
    seed: Seed = 0
    language: str = "zh"

    def validate(self, section: str) -> None:
        require(self.good_answer != self.bad_answer, f"{section}.bad_answer", "must differ from good_answer")


def verdict_text(answer: str) -> str:
    return f"【{answer}】"


def focused_messages(
    instruction: str, language: str = "zh", good: str = "好", bad: str = "差"
) -> Conversation:
    return [
        {
            "role": "user",
            "content": prompts.render(
                "score_focused", "user", language, instruction=instruction, good=good, bad=bad
            ),
        }
    ]


def comprehensive_messages(instruction: str, response: str, language: str = "zh") -> Conversation:
    return [
        {
            "role": "user",
            "content": prompts.render(
                "score_comprehensive", "user", language, instruction=instruction, response=response
            ),
        }
    ]


def parse_verdict(reply: str | None, good: str = "好", bad: str = "差") -> tuple[float | None, str | None]:
    """The authors' rule: 1.0 if the reply holds 【good】 and not 【bad】, 0.0 if it holds 【bad】,
    else (None, reason)."""
    if reply is None or not reply.strip():
        return None, "empty_reply"
    has_good, has_bad = verdict_text(good) in reply, verdict_text(bad) in reply
    if has_bad:
        return 0.0, "both_verdicts" if has_good else None
    if has_good:
        return 1.0, None
    return None, "no_verdict"


def parse_rating(reply: str | None) -> tuple[int | None, str | None]:
    """(rating, None) from the last non-empty line `Score: N`, or (None, reason)."""
    if reply is None or not reply.strip():
        return None, "empty_reply"
    last = [line for line in reply.splitlines() if line.strip()][-1]
    match = _SCORE_LINE.match(last)
    if not match:
        return None, "no_score_line"
    return int(match.group(1)), None


def _with_skipped(
    everything: pl.DataFrame,
    scored: pl.DataFrame,
    skipped: list[str | None],
    mode: str,
    model: str,
    version: str,
) -> pl.DataFrame:
    """All candidates in their input order: the scored ones, and the skipped ones with a null score."""
    if not any(skipped):
        return scored
    rows = everything.with_columns(pl.Series("_skip", skipped, dtype=pl.String)).with_row_index("_order")
    unscored = rows.filter(pl.col("_skip").is_not_null()).with_columns(
        pl.lit(None, dtype=pl.Float64).alias("score"),
        pl.lit(None, dtype=pl.Int8).alias("rating"),
        pl.lit(mode).alias("score_mode"),
        pl.lit(None, dtype=pl.String).alias("score_raw"),
        ("rule:" + pl.col("_skip")).alias("score_error"),
        pl.lit(model).alias("score_model"),
        pl.lit(version).alias("score_prompt_version"),
    )
    kept_order = rows.filter(pl.col("_skip").is_null()).get_column("_order")
    scored = scored.with_columns(pl.Series("_order", kept_order, dtype=unscored.schema["_order"]))
    columns = [*CANDIDATE_SCHEMA, *SCORE_COLUMNS]
    return (
        pl.concat(
            [scored.select("_order", *columns), unscored.select("_order", *columns)], how="vertical_relaxed"
        )
        .sort("_order")
        .drop("_order")
    )


def score(
    candidates: pl.DataFrame, params: ScoreParams, llm: LLM, rules: Sequence[Rule | None] = ()
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Return (scored candidates, metrics). A candidate that one of `rules` (the filter stage's
    instruction rules, which need no model) drops is not scored: its score stays null and its
    score_error is `rule:<reason>`; filter counts it under that rule."""
    started = time.perf_counter()
    require_columns(candidates, CANDIDATE_SCHEMA, "score input")
    skipped = reasons_of(candidates, rules)
    everything, candidates = (
        candidates,
        candidates.filter(pl.Series([reason is None for reason in skipped], dtype=pl.Boolean)),
    )
    instructions = candidates.get_column("instruction").to_list()
    version = prompts.prompt_version(
        f"score_{params.mode}",
        params.language,
        {"good": params.good_answer, "bad": params.bad_answer} if params.mode == "focused" else None,
    )
    mode = f"focused-{params.verdict}" if params.mode == "focused" else params.mode
    sampling = SamplingParams(
        params.temperature, params.top_p, params.max_new_tokens, params.repetition_penalty, params.seed
    )
    if params.mode == "focused":
        conversations = [
            focused_messages(i, params.language, params.good_answer, params.bad_answer) for i in instructions
        ]
        if params.verdict == "logprob":
            values = llm.choice_probability(
                conversations, verdict_text(params.good_answer), verdict_text(params.bad_answer), desc="score"
            )
            errors = [None if value is not None else "unscorable" for value in values]
            columns = {
                "score": values,
                "rating": [None] * len(values),
                "score_raw": [None] * len(values),
                "score_error": errors,
            }
        else:
            replies = llm.generate(conversations, sampling, desc="score")
            parsed = [parse_verdict(reply, params.good_answer, params.bad_answer) for reply in replies]
            columns = {
                "score": [value for value, _ in parsed],
                "rating": [None] * len(replies),
                "score_raw": replies,
                "score_error": [error for _, error in parsed],
            }
    else:
        conversations = [
            comprehensive_messages(i, r, params.language)
            for i, r in zip(instructions, candidates.get_column("segment").to_list())
        ]
        replies = llm.generate(conversations, sampling, desc="score")
        parsed = [parse_rating(reply) for reply in replies]
        columns = {
            "score": [None if rating is None else (rating - 1) / 4 for rating, _ in parsed],
            "rating": [rating for rating, _ in parsed],
            "score_raw": replies,
            "score_error": [error for _, error in parsed],
        }
    scored = candidates.with_columns(
        pl.Series("score", columns["score"], dtype=pl.Float64),
        pl.Series("rating", columns["rating"], dtype=pl.Int8),
        pl.lit(mode).alias("score_mode"),
        pl.Series("score_raw", columns["score_raw"], dtype=pl.String),
        pl.Series("score_error", columns["score_error"], dtype=pl.String),
        pl.lit(llm.fingerprint).alias("score_model"),
        pl.lit(version).alias("score_prompt_version"),
    ).select([*CANDIDATE_SCHEMA, *SCORE_COLUMNS])
    scored = _with_skipped(everything, scored, skipped, mode, llm.fingerprint, version)
    valid = np.array([v for v in columns["score"] if v is not None], dtype=float)
    histogram, edges = np.histogram(valid, bins=10, range=(0.0, 1.0))
    metrics = {
        "candidates": scored.height,
        "skipped_by_rules": dict(sorted(Counter(reason for reason in skipped if reason).items())),
        "mode": mode,
        "unparsable": int(scored.get_column("score").null_count()) - sum(1 for reason in skipped if reason),
        "errors": dict(sorted(Counter(error for error in columns["score_error"] if error).items())),
        "score_mean": round(float(valid.mean()), 4) if len(valid) else None,
        "score_median": round(float(np.median(valid)), 4) if len(valid) else None,
        "histogram": [
            {"bin": f"{edges[i]:.1f}-{edges[i + 1]:.1f}", "count": int(histogram[i])} for i in range(10)
        ],
        "prompt_version": version,
        "model": llm.fingerprint,
        **llm.stats,
        "seconds": round(time.perf_counter() - started, 2),
    }
    metrics["key_figures"] = key_figures(
        metrics, {"mean": "score_mean", "median": "score_median", "unparsable": "unparsable"}, ledger=""
    )
    return scored, metrics
