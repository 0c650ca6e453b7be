"""Polish (Answer Polishment): the chat model answers each kept instruction with the raw segment
given as reference material, and that answer replaces the raw text as the response.

Paper: raw web text rarely reads like an assistant's answer; asking the chat model to answer the
instruction *given* the segment keeps its facts and fixes its form. The segment is delimited
(<资料> ... </资料>) and the system prompt says it is material, not instructions, so text
inside it cannot redirect the model (prompt injection). The raw segment stays in the record.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import polars as pl

from kun import prompts
from kun.label import truncate_to_tokens
from kun.llm import LLM
from kun.llm.base import Conversation, SamplingParams
from kun.records import CANDIDATE_SCHEMA, SCORE_COLUMNS, require_columns


@dataclass
class PolishParams:
    model: str = "models/base"  # the primary chat model
    max_segment_tokens: int = 768  # reference material is cut at a sentence end beyond this
    temperature: float = 0.0
    top_p: float = 1.0
    max_new_tokens: int = 512
    repetition_penalty: float = 1.1
    seed: int = 0
    language: str = "zh"


def _neutralise(segment: str) -> str:
    # The material cannot close its own delimiter.
    return segment.replace("</资料>", "< /资料>").replace("<资料>", "< 资料>")


def build_messages(segment: str, instruction: str, language: str = "zh") -> Conversation:
    return [
        {"role": "system", "content": prompts.render("polish", "system", language)},
        {"role": "user", "content": prompts.render("polish", "user", language, segment=_neutralise(segment), instruction=instruction)},
    ]


def polish(kept: pl.DataFrame, params: PolishParams, llm: LLM) -> tuple[pl.DataFrame, dict[str, Any]]:
    started = time.perf_counter()
    require_columns(kept, {**CANDIDATE_SCHEMA, **SCORE_COLUMNS}, "polish input")
    segments = [truncate_to_tokens(text, params.max_segment_tokens, llm.count_tokens) for text in kept.get_column("segment").to_list()]
    conversations = [build_messages(s, i, params.language) for s, i in zip(segments, kept.get_column("instruction").to_list())]
    sampling = SamplingParams(params.temperature, params.top_p, params.max_new_tokens, params.repetition_penalty, params.seed)
    answers = llm.generate(conversations, sampling, desc="polish")
    version = prompts.prompt_version("polish", params.language)
    polished = kept.with_columns(
        pl.Series("output", answers, dtype=pl.String),
        pl.lit(llm.fingerprint).alias("polish_model"),
        pl.lit(version).alias("polish_prompt_version"),
    )
    metrics = {
        "kept": kept.height,
        "polished": polished.height,
        "empty_answers": sum(1 for answer in answers if not answer.strip()),
        "mean_answer_chars": round(sum(map(len, answers)) / len(answers), 1) if answers else 0.0,
        "prompt_version": version,
        "model": llm.fingerprint,
        **llm.stats,
        "seconds": round(time.perf_counter() - started, 2),
    }
    return polished, metrics

