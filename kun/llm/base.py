"""The one LLM interface every stage uses, and its sampling parameters.

A backend turns a batch of chat conversations plus sampling params into generated texts, a
batch of (prompt, continuation) pairs into summed log-probabilities of the continuation, and a
batch of plain texts into their perplexities (exp of the mean negative log-likelihood per token).
A prompt is either a conversation (a list of {"role", "content"} messages, rendered with the
model's chat template and the assistant turn opened) or a plain string (used as is, e.g. for
multiple-choice evaluation). Stages never import a backend module directly: they call
`kun.llm.load_llm`, which wraps the backend in the per-record cache (kun.llm.cache).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Optional, Protocol, Union, runtime_checkable

from pydantic import Field

from kun.core.models import model_fingerprint
from kun.core.params import OpenShare, PositiveInt

Message = dict[str, str]
Conversation = list[Message]
Prompt = Union[str, Conversation]
# A backend method may take `on_result`, called with (position in the call's list, result) as each
# result finishes, before the call returns: kun.llm.cached commits it early (llm.commit_every_s).
OnResult = Optional[Callable[[int, Any], None]]


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 0.0  # 0 = greedy
    top_p: float = 1.0
    max_new_tokens: int = 256
    repetition_penalty: float = 1.0
    seed: int = 0
    stop: tuple[str, ...] = field(default_factory=tuple)
    top_k: int = 0  # 0 = off (not the model's generation_config: every backend samples alike)
    min_p: float = 0.0  # 0 = off

    def key(self) -> str:
        """Canonical JSON of the params, part of every cache key. top_k and min_p only shape
        sampling: a greedy request's key leaves them out (its reply does not depend on them)."""
        settings = asdict(self)
        if self.temperature == 0:
            del settings["top_k"], settings["min_p"]
        return json.dumps(settings, sort_keys=True, ensure_ascii=False)


MAX_SEED = 2**63 - 1  # what torch, vLLM and OpenAI servers accept

# The ranges of a stage's sampling settings, declared on its params fields (pydantic checks them,
# the params schema shows them).
Temperature = Annotated[float, Field(ge=0.0)]  # 0 = greedy
TopP = OpenShare
RepetitionPenalty = Annotated[float, Field(gt=0.0)]  # 1 = none
Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]
MaxNewTokens = PositiveInt


def generation(text: str, finish_reason: str | None = None, tokens: int | None = None) -> dict:
    """One generated text with its metadata: why it ended (`stop`: the model or a stop string
    ended it; `length`: it hit max_new_tokens; None: the backend did not say) and its token count."""
    return {"text": text, "finish_reason": finish_reason, "tokens": tokens}


def as_generation(value: str | dict) -> dict:
    """A backend's result as a generation dict (a plain string has unknown metadata)."""
    return value if isinstance(value, dict) else generation(value)


def clean_decoded(text: str) -> str:
    """Decoded text without the U+FFFD that an incomplete multi-byte character leaves at its end
    (a token limit can cut a CJK character between its byte tokens)."""
    return text.rstrip("\ufffd")


def finished(text: str, finish_reason: str | None, tokens: int | None, stop: tuple[str, ...]) -> dict:
    """The generation dict every backend returns for a decoded text: no cut character at its
    end, cut at the first stop string (which makes its finish reason `stop`), no whitespace at
    either end (so local and served backends give the same text), the finish reason kept only
    when it is `stop` or `length`."""
    text = clean_decoded(text)
    stopped = apply_stop(text, stop)
    reason = "stop" if stopped != text else (finish_reason if finish_reason in ("stop", "length") else None)
    return generation(stopped.strip(), reason, tokens)


def prompt_key(prompt: Prompt) -> str:
    """Backend-independent text of a prompt for cache keys (messages as canonical JSON)."""
    if isinstance(prompt, str):
        return json.dumps({"text": prompt}, ensure_ascii=False)
    return json.dumps(
        {"messages": [{"role": m["role"], "content": m["content"]} for m in prompt]}, ensure_ascii=False
    )


def record_seed(seed: int, prompt: Prompt) -> int:
    """The sampling seed of one request: drawn from the run's seed and the prompt itself, so a
    record's sample never depends on the records batched or chunked with it, on the engine, or on
    what ran before (a 63-bit non-negative int, as torch, vLLM and OpenAI servers accept)."""
    digest = hashlib.blake2b(f"{seed}\x00{prompt_key(prompt)}".encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & ((1 << 63) - 1)


def apply_stop(text: str, stop: tuple[str, ...]) -> str:
    """Cut `text` at the first stop string (backends that cannot stop server-side use this).
    A cut text ended on a stop string: its finish reason is `stop`."""
    cut = len(text)
    for marker in stop:
        position = text.find(marker)
        if position != -1:
            cut = min(cut, position)
    return text[:cut]


@runtime_checkable
class Backend(Protocol):
    """What a backend implements. `fingerprint` identifies the model weights and backend-specific
    settings that change outputs (not batch size or device), so cached results are reused only
    for the same model. generate, logprobs and perplexity may also take `on_result` (OnResult)
    to report results as they finish."""

    name: str

    def fingerprint(self) -> str: ...

    def generate(self, prompts: list[Prompt], sampling: SamplingParams) -> list[dict | str]: ...

    def logprobs(self, pairs: list[tuple[Prompt, str]]) -> list[float]: ...

    def perplexity(self, texts: list[str]) -> list[float]: ...


def reply_fingerprint(backend: str, model_path: str | Path, **settings: Any) -> str:
    """What the cache keys a local model's replies by: the backend, the model's bytes that matter
    (kun.core.models.model_fingerprint: weights, config, tokenizer, chat template) and every
    setting that changes a reply (resolved dtype and device kind, the input token limit, ...)."""
    return f"{backend}:{model_fingerprint(model_path)}:{json.dumps(settings, sort_keys=True)}"
