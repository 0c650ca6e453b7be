"""Score: the primary chat model judges every candidate; no threshold is applied here.

- `focused` (Kun): the instruction alone is judged 好 or 差 (clear, complete, feasible, logical
  vs vague, needs unseen context, private, multimodal). The score is P(好) / (P(好) + P(差))
  from the log-probabilities of the two answers, a number in [0, 1] for every row: nothing to
  parse, so no row is ever unparsable.
- `comprehensive` (Humpback): the (instruction, response) pair is rated 1-5 with a brief reason
  and a final `Score: N` line, parsed strictly; `score` = (N - 1) / 4. A reply without that line
  keeps its raw text and an error reason, and filter counts it as unparsable.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl

from kun import prompts
from kun.llm import LLM
from kun.llm.base import Conversation, SamplingParams
from kun.records import CANDIDATE_SCHEMA, SCORE_COLUMNS, require_columns

_SCORE_LINE = re.compile(r"^\s*\**\s*(?:score|分数|评分)\s*[:：]\s*\**\s*([1-5])\s*(?:/\s*5|分)?\s*\**\s*$", re.IGNORECASE)


@dataclass
class ScoreParams:
    mode: Literal["focused", "comprehensive"] = "focused"
    model: str = "models/base"  # the primary chat model
    good_answer: str = "好"  # focused: the answer meaning good
    bad_answer: str = "差"  # focused: the answer meaning bad
    max_new_tokens: int = 128  # comprehensive: room for the reason and the Score line
    seed: int = 0
    language: str = "zh"


def focused_messages(instruction: str, language: str = "zh") -> Conversation:
    return [
        {"role": "system", "content": prompts.render("score_focused", "system", language)},
        {"role": "user", "content": prompts.render("score_focused", "user", language, instruction=instruction)},
    ]


def comprehensive_messages(instruction: str, response: str, language: str = "zh") -> Conversation:
    return [
        {"role": "system", "content": prompts.render("score_comprehensive", "system", language)},
        {"role": "user", "content": prompts.render("score_comprehensive", "user", language, instruction=instruction, response=response)},
    ]


def parse_rating(reply: str | None) -> tuple[int | None, str | None]:
    """(rating, None) from the last non-empty line `Score: N`, or (None, reason)."""
    if reply is None or not reply.strip():
        return None, "empty_reply"
    last = [line for line in reply.splitlines() if line.strip()][-1]
    match = _SCORE_LINE.match(last)
    if not match:
        return None, "no_score_line"
    return int(match.group(1)), None


def score(candidates: pl.DataFrame, params: ScoreParams, llm: LLM) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Return (scored candidates, metrics)."""
    started = time.perf_counter()
    require_columns(candidates, CANDIDATE_SCHEMA, "score input")
    instructions = candidates.get_column("instruction").to_list()
    version = prompts.prompt_version(f"score_{params.mode}", params.language, {"good": params.good_answer, "bad": params.bad_answer} if params.mode == "focused" else None)
    if params.mode == "focused":
        values = llm.choice_probability([focused_messages(i, params.language) for i in instructions], params.good_answer, params.bad_answer, desc="score")
        columns = {"score": values, "rating": [None] * len(values), "score_raw": [None] * len(values), "score_error": [None] * len(values)}
    else:
        conversations = [comprehensive_messages(i, r, params.language) for i, r in zip(instructions, candidates.get_column("segment").to_list())]
        replies = llm.generate(conversations, SamplingParams(temperature=0.0, max_new_tokens=params.max_new_tokens, seed=params.seed), desc="score")
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
        pl.lit(params.mode).alias("score_mode"),
        pl.Series("score_raw", columns["score_raw"], dtype=pl.String),
        pl.Series("score_error", columns["score_error"], dtype=pl.String),
        pl.lit(llm.fingerprint).alias("score_model"),
        pl.lit(version).alias("score_prompt_version"),
    ).select([*CANDIDATE_SCHEMA, *SCORE_COLUMNS])
    valid = np.array([v for v in columns["score"] if v is not None], dtype=float)
    histogram, edges = np.histogram(valid, bins=10, range=(0.0, 1.0))
    metrics = {
        "candidates": scored.height,
        "mode": params.mode,
        "unparsable": int(scored.get_column("score").null_count()),
        "score_mean": round(float(valid.mean()), 4) if len(valid) else None,
        "score_median": round(float(np.median(valid)), 4) if len(valid) else None,
        "histogram": [{"bin": f"{edges[i]:.1f}-{edges[i + 1]:.1f}", "count": int(histogram[i])} for i in range(10)],
        "prompt_version": version,
        "model": llm.fingerprint,
        **llm.stats,
        "seconds": round(time.perf_counter() - started, 2),
    }
    return scored, metrics
