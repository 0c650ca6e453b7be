"""Polish (Answer Polishment): the chat model answers each kept instruction with the raw segment
given as known context, and that answer replaces the raw text as the response.

Paper: raw web text rarely reads like an assistant's answer; asking the chat model to answer the
instruction *given* the segment keeps its facts and fixes its form. Templates (`template`):
- `paper` (default): the method's user turn `已知：{raw},请回答:{instruction}`
  (kun/prompts/polish_paper.user.<lang>.j2);
- `guarded`: the segment delimited as <资料> ... </资料> with a preamble saying it is material,
  not instructions, so text inside it cannot redirect the model (prompt injection), and that the
  answer must not mention its source (kun/prompts/polish_guarded.user.<lang>.j2).
Both are one user turn without a system message, the format the chat model was trained on.
The segment is given whole: the raw-text gate already dropped texts over ingest.max_tokens.
Each answer keeps why it ended (`output_finish_reason`: stop, or length when it hit
max_new_tokens, which assemble drops as `truncated`) and its token count.
Sampling defaults are the authors' (temperature 0.5, top_p 0.95, repetition penalty 1.2,
1024 new tokens). The raw segment stays in the record.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from kun import prompts
from kun.core.errors import ParamsError
from kun.core.metrics import key_figures
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


@dataclass
class PolishParams:
    model: str = "models/chat"  # the primary chat model (the last iterate round's when iterating)
    template: Literal["paper", "guarded"] = (
        "paper"  # paper: 已知：{raw},请回答:{instruction}; guarded: delimited material
    )
    temperature: Temperature = 0.5  # the authors' sampling
    top_p: TopP = 0.95
    max_new_tokens: MaxNewTokens = 1024  # room for a real answer (paper: 1024)
    repetition_penalty: RepetitionPenalty = 1.2
    seed: Seed = 0
    language: str = "zh"
    same_model_as_scorer: bool = True  # refuse a model other than the one that scored the kept candidates (the paper uses one chat model)


def build_messages(
    segment: str, instruction: str, language: str = "zh", template: str = "paper"
) -> Conversation:
    # The material cannot close its delimiters or add a question (kun.prompts.guard).
    return [
        {
            "role": "user",
            "content": prompts.render(
                f"polish_{template}", "user", language, segment=segment, instruction=instruction
            ),
        }
    ]


def check_same_model(kept: pl.DataFrame, llm: LLM) -> None:
    """The paper polishes with the chat model that scored: refuse another one.

    Compares the fingerprints that score wrote per row with the polish model's; rows scored
    through another kind of backend (a served model) cannot be compared and pass.
    """
    if not kept.height or "score_model" not in kept.columns:
        return
    scorers = set(kept.get_column("score_model").drop_nulls().unique().to_list())
    backend = llm.fingerprint.split(":", 1)[0]
    comparable = {fingerprint for fingerprint in scorers if fingerprint.split(":", 1)[0] == backend}
    if comparable and llm.fingerprint not in comparable:
        raise ParamsError(
            "polish.model",
            "it is not the model that scored these candidates (their score_model); "
            "polish with the model that wrote the scores (score.model, or models/chat_iter_<k> for the scores of iterate round k), "
            "or set polish.same_model_as_scorer: false to polish with another model on purpose",
        )


def polish(kept: pl.DataFrame, params: PolishParams, llm: LLM) -> tuple[pl.DataFrame, dict[str, Any]]:
    started = time.perf_counter()
    require_columns(kept, {**CANDIDATE_SCHEMA, **SCORE_COLUMNS}, "polish input")
    if params.same_model_as_scorer:
        check_same_model(kept, llm)
    conversations = [
        build_messages(s, i, params.language, params.template)
        for s, i in zip(kept.get_column("segment").to_list(), kept.get_column("instruction").to_list())
    ]
    sampling = SamplingParams(
        params.temperature, params.top_p, params.max_new_tokens, params.repetition_penalty, params.seed
    )
    results = llm.generate_full(conversations, sampling, desc="polish")
    answers = [result["text"] for result in results]
    version = prompts.prompt_version(f"polish_{params.template}", params.language)
    polished = kept.with_columns(
        pl.Series("output", answers, dtype=pl.String),
        pl.Series("output_finish_reason", [result["finish_reason"] for result in results], dtype=pl.String),
        pl.Series("output_tokens", [result["tokens"] for result in results], dtype=pl.Int32),
        pl.lit(llm.fingerprint).alias("polish_model"),
        pl.lit(version).alias("polish_prompt_version"),
    )
    metrics = {
        "kept": kept.height,
        "polished": polished.height,
        "empty_answers": sum(1 for answer in answers if not answer.strip()),
        "truncated_answers": sum(1 for result in results if result["finish_reason"] == "length"),
        "mean_answer_chars": round(sum(map(len, answers)) / len(answers), 1) if answers else 0.0,
        "template": params.template,
        "prompt_version": version,
        "model": llm.fingerprint,
        **llm.stats,
        "seconds": round(time.perf_counter() - started, 2),
    }
    metrics["key_figures"] = key_figures(
        metrics, {"polished": "polished", "mean_answer_chars": "mean_answer_chars"}, ledger=""
    )
    return polished, metrics
