"""Label (instruction back-translation): for each unique segment, write the instruction it answers.

Paper step: the label model Myx reads a response and predicts its instruction. Modes:
- `finetuned` (the paper): a backward model trained on reversed seed pairs (stage train_label).
  Its user turn, in training and at inference alike, is the authors' form: a fixed question
  asking which instruction most likely produced the reply, followed by the raw text
  (kun/prompts/label_backward.user.<lang>.j2, rendered by `backward_user_turn`);
- `prompt`: an untrained chat model, few-shot prompted with seed pairs shown backwards
  (seed output -> seed instruction); templates kun/prompts/label.*.

The segment is given whole: the raw-text gate (ingest.max_tokens) already dropped long texts.
Sampling defaults are the authors' (temperature 0.5, top_p 0.95, repetition penalty 1.2, up to
1024 new tokens). Replies are cleaned as the authors' scripts do: cut at a run of five or more
whitespace characters, repeated lines dropped; multi-line instructions (a task line followed by
its material) are kept whole.

Input: unique segments. Output: one row per (segment, candidate) in CANDIDATE_SCHEMA; replies
that yield no usable instruction are rejected with a reason, never dropped silently: empty_reply,
empty_instruction, truncated (the reply hit max_new_tokens: a cut instruction is not one).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from kun import prompts
from kun.core.hashing import content_id
from kun.core.metrics import key_figures
from kun.core.params import NonNegativeInt, PositiveInt, require
from kun.core.records import CANDIDATE_SCHEMA, require_columns
from kun.instructions.chat_format import backward_user_turn
from kun.instructions.seed import choose_shots
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

_PREFIX = re.compile(r"^\s*(?:指令|问题|用户指令|instruction|question)\s*[:：]\s*", re.IGNORECASE)
_QUOTES = "\"'“”‘’「」『』"
_WHITESPACE_RUN = re.compile(r"\s{5,}")


LABEL_INPUT = ("id", "source", "text")  # columns label reads from the segments


@dataclass
class LabelParams:
    mode: Literal["prompt", "finetuned"] = "finetuned"
    model: str = "models/label"  # finetuned mode: models/label; prompt mode: a chat model such as models/base
    num_candidates: PositiveInt = 1  # instructions sampled per segment
    num_shots: NonNegativeInt = 3  # seed pairs shown (prompt mode)
    max_shot_chars: PositiveInt = 200  # only seed outputs this short are used as shots
    temperature: Temperature = 0.5  # the authors' label sampling
    top_p: TopP = 0.95
    max_new_tokens: MaxNewTokens = 1024
    repetition_penalty: RepetitionPenalty = 1.2
    seed: Seed = 0
    limit: NonNegativeInt = 0  # label only the first N unique segments (0 = all)
    truncated: Literal["drop", "keep"] = "drop"  # replies that hit max_new_tokens (finish reason `length`)
    language: str = "zh"  # prompt template language

    def validate(self, section: str) -> None:
        require(
            self.num_candidates == 1 or self.temperature > 0,
            f"{section}.temperature",
            "must be > 0 when num_candidates > 1 (greedy decoding gives identical candidates)",
        )


def build_messages(segment: str, params: LabelParams, shots: list[dict[str, str]]) -> Conversation:
    if params.mode == "finetuned":
        return [{"role": "user", "content": backward_user_turn(segment, params.language)}]
    messages: Conversation = [
        {"role": "system", "content": prompts.render("label", "system", params.language)}
    ]
    for shot in shots:
        messages.append(
            {
                "role": "user",
                "content": prompts.render("label", "user", params.language, response=shot["output"]),
            }
        )
        messages.append({"role": "assistant", "content": shot["instruction"]})
    messages.append(
        {"role": "user", "content": prompts.render("label", "user", params.language, response=segment)}
    )
    return messages


def clean_instruction(reply: str) -> str:
    """The authors' clean-up: cut at a run of 5+ whitespace characters, drop repeated lines,
    drop a leading `指令：`-style prefix and quotes around the whole; keep every other line."""
    text = _WHITESPACE_RUN.split((reply or "").strip(), maxsplit=1)[0]
    lines, seen = [], set()
    for line in text.splitlines():
        line = line.rstrip()
        if line.strip() and line.strip() in seen:
            continue
        seen.add(line.strip())
        lines.append(line)
    text = "\n".join(lines).strip()
    text = _PREFIX.sub("", text, count=1).strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text


def parse_instruction(reply: str | None) -> tuple[str | None, str | None]:
    """(instruction, None) or (None, reason): the cleaned reply, whole (see clean_instruction)."""
    if reply is None or not reply.strip():
        return None, "empty_reply"
    instruction = clean_instruction(reply)
    if len(instruction) < 2:
        return None, "empty_instruction"
    return instruction, None


def label(
    segments: pl.DataFrame, params: LabelParams, llm: LLM, seed_pairs: list[dict[str, str]]
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """Return (candidates, rejected, metrics)."""
    started = time.perf_counter()
    require_columns(segments, dict.fromkeys(LABEL_INPUT), "label input")
    if params.limit:
        segments = segments.head(params.limit)
    shots = (
        choose_shots(seed_pairs, params.num_shots, params.max_shot_chars, params.seed)
        if params.mode == "prompt"
        else []
    )
    template = "label_backward" if params.mode == "finetuned" else "label"
    version = prompts.prompt_version(template, params.language, {"mode": params.mode, "shots": shots})
    texts = segments.get_column("text").to_list()
    conversations = [build_messages(text, params, shots) for text in texts]
    rows, rejected = [], []
    for index in range(params.num_candidates):
        sampling = SamplingParams(
            params.temperature,
            params.top_p,
            params.max_new_tokens,
            params.repetition_penalty,
            params.seed + index,
        )
        replies = llm.generate_full(
            conversations, sampling, desc=f"label {index + 1}/{params.num_candidates}"
        )
        for segment, text, result in zip(segments.iter_rows(named=True), texts, replies):
            reply = result["text"]
            instruction, reason = parse_instruction(reply)
            if result["finish_reason"] == "length" and params.truncated == "drop":
                instruction, reason = None, "truncated"
            row = {
                "candidate_id": content_id(f"{segment['id']}:{index}"),
                "segment_id": segment["id"],
                "source": segment["source"],
                "candidate_index": index,
                "segment": text,
                "instruction": instruction,
                "label_model": llm.fingerprint,
                "label_prompt_version": version,
            }
            if reason:
                rejected.append({**row, "instruction": reply, "reason": reason})
            else:
                rows.append(row)
    candidates = pl.DataFrame(rows, schema=CANDIDATE_SCHEMA)
    rejected_frame = pl.DataFrame(rejected, schema={**CANDIDATE_SCHEMA, "reason": pl.String})
    reasons = {"empty_reply": 0, "empty_instruction": 0, "truncated": 0}
    reasons.update(rejected_frame.get_column("reason").value_counts(sort=True).rows() if rejected else [])
    metrics = {
        "segments": segments.height,
        "candidates": candidates.height,
        "rejected": dict(sorted(reasons.items())),
        "mode": params.mode,
        "prompt_version": version,
        "model": llm.fingerprint,
        **llm.stats,
        "seconds": round(time.perf_counter() - started, 2),
    }
    metrics["key_figures"] = key_figures(metrics, {"candidates": "candidates"}, ledger="")
    return candidates, rejected_frame, metrics
