"""A deterministic stand-in backend that records its calls and can crash on purpose."""

from __future__ import annotations

import hashlib
import json

from kun.llm.base import SamplingParams, prompt_key


class CrashError(RuntimeError):
    pass


class FakeBackend:
    """Replies are a pure function of the prompt; `crash_after` backend records then raises."""

    name = "fake"

    def __init__(self, replies=None, crash_after: int | None = None) -> None:
        self.replies = replies  # optional callable(prompt_text) -> reply
        self.crash_after = crash_after
        self.generated: list[str] = []
        self.scored: list[tuple[str, str]] = []

    def fingerprint(self) -> str:
        return "fake:1"

    def _tick(self, count: int) -> None:
        if self.crash_after is not None and len(self.generated) + len(self.scored) + count > self.crash_after:
            raise CrashError("simulated crash")

    def generate(self, prompts, sampling: SamplingParams) -> list[str]:
        self._tick(len(prompts))
        out = []
        for prompt in prompts:
            text = json.loads(prompt_key(prompt))
            last = text["text"] if "text" in text else text["messages"][-1]["content"]
            self.generated.append(last)
            digest = hashlib.md5(f"{last}{sampling.seed}".encode()).hexdigest()[:6]
            out.append(self.replies(last) if self.replies else f"请解释这段内容的含义和背景知识{digest}")
        return out

    def perplexity(self, texts) -> list[float]:
        self._tick(len(texts))
        self.measured = getattr(self, "measured", []) + list(texts)
        if self.replies is not None and hasattr(self.replies, "perplexity"):
            return [self.replies.perplexity(text) for text in texts]
        return [float(5 + int(hashlib.md5(text.encode()).hexdigest()[:4], 16) % 500) for text in texts]

    def logprobs(self, pairs) -> list[float]:
        self._tick(len(pairs))
        values = []
        for prompt, continuation in pairs:
            key = prompt_key(prompt)
            self.scored.append((key, continuation))
            values.append(
                -(int(hashlib.md5((key + continuation).encode()).hexdigest()[:4], 16) % 50) / 10 - 0.1
            )
        return values
