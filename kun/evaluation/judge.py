"""Pairwise comparison of two models' answers by an LLM judge.

Pairwise judge: the judge sees (question, answer 1, answer 2) twice, once with model A's answer
first and once with B's first, and must end its reply with a line `更好的回答：1|2|平局`
(kun/prompts/judge.*.zh.j2). The same winner in both orders is a win or a loss; any
disagreement between the orders is position bias, counted as a tie and as position-inconsistent
(the MT-Bench rule). A reply without a valid last line makes that question unparsable, its own
bucket, kept out of the rates.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, Literal, Sequence

from kun import prompts as templates
from kun.core.errors import KunError
from kun.core.io import iter_records
from kun.llm import LLM
from kun.llm.base import Conversation, SamplingParams

Verdict = Literal["1", "2", "tie"]


_VERDICT_LINE = re.compile(r"^[\s*#>]*更好的回答\s*:\s*\**\s*(1|2|平局)\s*\**\s*[。.]?\s*$")


def load_judge_prompts(path: str | Path) -> list[dict[str, str]]:
    """Rows {"id", "category", "prompt"} of a JSONL file, in file order."""
    path = Path(path)
    if not path.exists():
        raise KunError(f"{path}: judge prompts not found; fix evaluate.judge_prompts in params.yaml")
    rows = []
    for where, row in iter_records(path, "jsonl"):
        if not isinstance(row.get("prompt"), str) or not row["prompt"].strip():
            raise KunError(f'{where}: expected an object with a non-empty "prompt" string')
        rows.append(
            {
                "id": str(row.get("id", len(rows) + 1)),
                "category": str(row.get("category", "")),
                "prompt": row["prompt"],
            }
        )
    if not rows:
        raise KunError(f'{path}: no judge prompts; add lines {{"id", "category", "prompt"}}')
    return rows


def generate_answers(
    llm: LLM,
    prompts: Sequence[str],
    sampling: SamplingParams,
    system: str | None = None,
    desc: str = "answer",
) -> list[str]:
    """Each prompt as a one-turn chat conversation (optionally after a system message)."""
    head: Conversation = [{"role": "system", "content": system}] if system else []
    return llm.generate(
        [[*head, {"role": "user", "content": prompt}] for prompt in prompts], sampling, desc=desc
    )


def judge_messages(
    question: str, answer_1: str, answer_2: str, language: str = "zh", task: str = "judge"
) -> Conversation:
    """One user turn, no system message: the judge is a chat model trained without one.
    `task` judge asks for reasons and a verdict line; judge_choice for one letter (A / B / C)."""
    return [
        {
            "role": "user",
            "content": templates.render(
                task, "user", language, question=question, answer_1=answer_1, answer_2=answer_2
            ),
        }
    ]


def parse_verdict(reply: str | None) -> tuple[Verdict | None, str | None]:
    """("1" | "2" | "tie", None) from a last non-empty line `更好的回答：1|2|平局`, or (None, reason)."""
    if reply is None or not reply.strip():
        return None, "empty_reply"
    last = unicodedata.normalize("NFKC", [line for line in reply.splitlines() if line.strip()][-1])
    match = _VERDICT_LINE.match(last)
    if not match:
        return None, "no_verdict_line"
    return ("tie" if match.group(1) == "平局" else match.group(1)), None  # type: ignore[return-value]


def combine_verdicts(a_first: Verdict | None, b_first: Verdict | None) -> tuple[str, bool]:
    """(outcome for A, position_inconsistent) from the verdict with A shown as answer 1 and the
    verdict with B shown as answer 1. Outcome: win, loss, tie or unparsable."""
    if a_first is None or b_first is None:
        return "unparsable", False
    first = {"1": "A", "2": "B", "tie": "tie"}[a_first]
    second = {"1": "B", "2": "A", "tie": "tie"}[b_first]
    if first != second:
        return "tie", True
    return {"A": "win", "B": "loss", "tie": "tie"}[first], False


def summarize_outcomes(outcomes: Sequence[str], inconsistent: Sequence[bool]) -> dict[str, Any]:
    counts = Counter(outcomes)
    judged = counts["win"] + counts["tie"] + counts["loss"]

    def rate(value: int) -> float | None:
        return round(value / judged, 4) if judged else None

    return {
        "prompts": len(outcomes),
        "judged": judged,
        "wins": counts["win"],
        "ties": counts["tie"],
        "losses": counts["loss"],
        "unparsable": counts["unparsable"],
        "rates": {"win": rate(counts["win"]), "tie": rate(counts["tie"]), "loss": rate(counts["loss"])},
        "win_rate": round((counts["win"] + 0.5 * counts["tie"]) / judged, 4) if judged else None,
        "position_inconsistent": sum(inconsistent),
        "position_inconsistency_rate": rate(sum(inconsistent)),
    }


def judge_pairwise(
    judge_llm: LLM,
    prompts: Sequence[str],
    answers_a: Sequence[str],
    answers_b: Sequence[str],
    sampling: SamplingParams | None = None,
    categories: Sequence[str] | None = None,
    language: str = "zh",
    mode: str = "generate",
) -> dict[str, Any]:
    """Win/tie/loss of model A against model B, judged in both orders.

    `mode="generate"`: the judge writes its reasons and a final verdict line, parsed strictly.
    `mode="logprob"`: the prompt asks for one letter (A: answer 1 is better, B: answer 2, C: a
    tie) and the verdict is the most likely of the three single-token replies, read from one
    forward pass (or a served model's top log-probabilities of its first token), so a small judge
    that cannot follow a format still gives a verdict. A judge whose top tokens hold none of the
    letters gives no verdict (`no_verdict_token`), never a default one.

    Returns summarize_outcomes' keys (rates over the judged questions, unparsable ones left out),
    plus `reply_errors` (unparsable judge replies by reason), `by_category` when categories are
    given, `prompt_version`, `judge` (model fingerprint) and `items`: one row per question with
    both raw replies, for inspection (write it beside the metrics, not into them).
    """
    if not len(prompts) == len(answers_a) == len(answers_b):
        raise ValueError(
            f"judge_pairwise: {len(prompts)} prompts, {len(answers_a)} answers A, {len(answers_b)} answers B"
        )
    sampling = sampling or SamplingParams(temperature=0.0, max_new_tokens=512)
    task = "judge_choice" if mode == "logprob" else "judge"
    conversations = [
        judge_messages(p, a, b, language, task) for p, a, b in zip(prompts, answers_a, answers_b)
    ]
    conversations += [
        judge_messages(p, b, a, language, task) for p, a, b in zip(prompts, answers_a, answers_b)
    ]
    count = len(prompts)
    if mode == "logprob":
        options = {"1": "A", "2": "B", "tie": "C"}
        values = judge_llm.logprobs(
            [(conversation, letter) for conversation in conversations for letter in options.values()],
            desc="judge",
        )
        parsed, replies = [], []
        for index in range(len(conversations)):
            scores = {
                key: value
                for key, value in zip(options, values[3 * index : 3 * index + 3])
                if value is not None
            }
            parsed.append((max(scores, key=scores.get), None) if scores else (None, "no_verdict_token"))
            replies.append(json.dumps({key: round(value, 4) for key, value in scores.items()}))
    else:
        replies = judge_llm.generate(conversations, sampling, desc="judge")
        parsed = [parse_verdict(reply) for reply in replies]
    items = []
    for index in range(count):
        (a_first, a_error), (b_first, b_error) = parsed[index], parsed[count + index]
        outcome, inconsistent = combine_verdicts(a_first, b_first)
        items.append(
            {
                "index": index,
                "category": categories[index] if categories is not None else None,
                "outcome": outcome,
                "position_inconsistent": inconsistent,
                "verdict_a_first": a_first,
                "verdict_b_first": b_first,
                "error_a_first": a_error,
                "error_b_first": b_error,
                "reply_a_first": replies[index],
                "reply_b_first": replies[count + index],
            }
        )
    result = summarize_outcomes(
        [item["outcome"] for item in items], [item["position_inconsistent"] for item in items]
    )
    result["reply_errors"] = dict(sorted(Counter(error for _, error in parsed if error).items()))
    if categories is not None:
        result["by_category"] = {
            category: summarize_outcomes(
                [i["outcome"] for i in items if i["category"] == category],
                [i["position_inconsistent"] for i in items if i["category"] == category],
            )
            for category in sorted(set(categories))
        }
    result["prompt_version"] = templates.prompt_version(task, language)
    result["judge"] = judge_llm.fingerprint
    result["items"] = items
    return result
