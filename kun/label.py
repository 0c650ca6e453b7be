"""Label (instruction back-translation): for each unique segment, write the instruction it answers.

Paper step: the label model Myx reads a response and predicts its instruction. Modes:
- `prompt`: the chat model, few-shot prompted with seed pairs shown backwards
  (seed output -> seed instruction); templates kun/prompts/label.*;
- `finetuned`: a backward model trained on reversed seed pairs (stage train_label), which
  sees the segment alone as the user turn.

Input: unique segments. Output: one row per (segment, candidate) in CANDIDATE_SCHEMA; replies
that yield no usable instruction are rejected with a reason, never dropped silently.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl

from kun import prompts
from kun.llm import LLM
from kun.llm.base import Conversation, SamplingParams
from kun.params import require
from kun.records import CANDIDATE_SCHEMA, SEGMENT_SCHEMA, require_columns
from kun.seed import choose_shots
from kun.text import content_id, split_sentences

_PREFIX = re.compile(r"^\s*(?:指令|问题|用户指令|instruction|question)\s*[:：]\s*", re.IGNORECASE)
_QUOTES = "\"'“”‘’「」『』《》<>"


@dataclass
class LabelParams:
    mode: Literal["prompt", "finetuned"] = "prompt"
    model: str = "models/base"  # prompt mode: the chat model; finetuned mode: models/label
    num_candidates: int = 1  # instructions sampled per segment
    num_shots: int = 3  # seed pairs shown (prompt mode)
    max_shot_chars: int = 200  # only seed outputs this short are used as shots
    max_segment_tokens: int = 512  # longer segments are cut at a sentence end
    temperature: float = 0.7
    top_p: float = 0.9
    max_new_tokens: int = 64
    repetition_penalty: float = 1.1
    seed: int = 0
    limit: int = 0  # label only the first N unique segments (0 = all)
    language: str = "zh"  # prompt template language

    def validate(self, section: str) -> None:
        require(self.num_candidates >= 1, f"{section}.num_candidates", "must be >= 1")
        require(self.num_candidates == 1 or self.temperature > 0, f"{section}.temperature", "must be > 0 when num_candidates > 1 (greedy decoding gives identical candidates)")
        require(self.max_segment_tokens >= 16, f"{section}.max_segment_tokens", "must be >= 16")


def truncate_to_tokens(text: str, max_tokens: int, count_tokens) -> str:
    """The longest prefix of whole sentences within `max_tokens` (at least the first sentence, cut by characters)."""
    if count_tokens(text) <= max_tokens:
        return text
    kept = ""
    for sentence in split_sentences(text):
        candidate = kept + sentence
        if count_tokens(candidate) > max_tokens:
            break
        kept = candidate
    if not kept:  # a single overlong sentence: shrink by characters
        kept = text
        while kept and count_tokens(kept) > max_tokens:
            kept = kept[: int(len(kept) * 0.8)]
    return kept.strip()


def build_messages(segment: str, params: LabelParams, shots: list[dict[str, str]]) -> Conversation:
    if params.mode == "finetuned":
        return [{"role": "user", "content": segment}]
    messages: Conversation = [{"role": "system", "content": prompts.render("label", "system", params.language)}]
    for shot in shots:
        messages.append({"role": "user", "content": prompts.render("label", "user", params.language, response=shot["output"])})
        messages.append({"role": "assistant", "content": shot["instruction"]})
    messages.append({"role": "user", "content": prompts.render("label", "user", params.language, response=segment)})
    return messages


def parse_instruction(reply: str) -> tuple[str | None, str | None]:
    """(instruction, None) or (None, reason). Takes the first non-empty line, minus prefixes and quotes."""
    lines = [line.strip() for line in (reply or "").splitlines() if line.strip()]
    if not lines:
        return None, "empty_reply"
    instruction = _PREFIX.sub("", lines[0]).strip().strip(_QUOTES).strip()
    if len(instruction) < 2:
        return None, "empty_instruction"
    return instruction, None


def label(segments: pl.DataFrame, params: LabelParams, llm: LLM, seed_pairs: list[dict[str, str]]) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """Return (candidates, rejected, metrics)."""
    started = time.perf_counter()
    require_columns(segments, SEGMENT_SCHEMA, "label input")
    if params.limit:
        segments = segments.head(params.limit)
    shots = choose_shots(seed_pairs, params.num_shots, params.max_shot_chars, params.seed) if params.mode == "prompt" else []
    version = prompts.prompt_version("label", params.language, {"mode": params.mode, "shots": shots})
    texts = [truncate_to_tokens(text, params.max_segment_tokens, llm.count_tokens) for text in segments.get_column("text").to_list()]
    conversations = [build_messages(text, params, shots) for text in texts]
    rows, rejected = [], []
    for index in range(params.num_candidates):
        sampling = SamplingParams(params.temperature, params.top_p, params.max_new_tokens, params.repetition_penalty, params.seed + index)
        replies = llm.generate(conversations, sampling, desc=f"label {index + 1}/{params.num_candidates}")
        for segment, text, reply in zip(segments.iter_rows(named=True), texts, replies):
            instruction, reason = parse_instruction(reply)
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
    reasons = rejected_frame.get_column("reason").value_counts(sort=True).rows() if rejected else []
    metrics = {
        "segments": segments.height,
        "candidates": candidates.height,
        "rejected": dict(sorted(reasons)),
        "mode": params.mode,
        "prompt_version": version,
        "model": llm.fingerprint,
        **llm.stats,
        "seconds": round(time.perf_counter() - started, 2),
    }
    return candidates, rejected_frame, metrics
