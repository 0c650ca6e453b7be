"""Optional model judgement of the final pair (`assemble.rate`): Humpback's 5-point rating.

The chat model rates each (instruction, answer) that passed the rule gates with the
comprehensive template (kun/prompts/score_comprehensive.<lang>.j2, the one `score.mode:
comprehensive` uses). Two ways to read the rating (`assemble.rating_verdict`):
- `logprob`: log P(`Score: k`) for k = 1..5 as the reply, normalised over the five; the rating is
  their expectation (1.0-5.0). Five cached forward passes per pair; a backend without
  log-probabilities gives no rating;
- `sampled`: the model writes its reason and a final `Score: N` line (parsed as `score` parses it).
Pairs rated under `assemble.min_rating` are dropped (`low_rating`), pairs without a rating too
(`unrated`). Every request goes through the per-record cache and is costed in the ledger.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kun.instructions.score import comprehensive_messages, parse_rating
from kun.llm import LLM
from kun.llm.base import SamplingParams

RATINGS = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Rater:
    llm: LLM
    verdict: str = "logprob"  # logprob | sampled
    language: str = "zh"
    sampling: SamplingParams = SamplingParams(max_new_tokens=128)

    def rate(self, instructions: list[str], answers: list[str]) -> list[float | None]:
        conversations = [
            comprehensive_messages(instruction, answer, self.language)
            for instruction, answer in zip(instructions, answers)
        ]
        if not conversations:
            return []
        if self.verdict == "sampled":
            replies = self.llm.generate(conversations, self.sampling, desc="rate")
            return [None if rating is None else float(rating) for rating, _ in map(parse_rating, replies)]
        values = self.llm.logprobs(
            [(conversation, f"Score: {rating}") for conversation in conversations for rating in RATINGS],
            desc="rate",
        )
        return [expected_rating(values[index * 5 : index * 5 + 5]) for index in range(len(conversations))]


def expected_rating(logprobs: list[float | None]) -> float | None:
    """Sum of k * P(k) over k = 1..5 with P normalised over the five; None when any is missing
    or not a finite log-probability (<= 0)."""
    if len(logprobs) != len(RATINGS) or any(
        value is None or not math.isfinite(value) or value > 0 for value in logprobs
    ):
        return None
    top = max(logprobs)
    weights = [math.exp(value - top) for value in logprobs]
    return sum(rating * weight for rating, weight in zip(RATINGS, weights)) / sum(weights)
