"""Focused scoring with its shared prompt prefix computed once, against computing it per candidate.

The focused prompt (kun/prompts/score_focused.user.zh.j2: criteria, eight examples, the rule) is
identical for every candidate up to the instruction itself. The transformers backend runs that
prefix once and only the candidate's own tokens per row (kun.llm.prefix). Reported, on the
default model, for the logprob verdict (forward passes only) and the sampled verdict (the
authors' generation of 【好】/【差】):

- candidates/s with the prefix shared and with it recomputed for every candidate;
- cost per candidate against the cost of its own tokens: the same candidates scored with a
  prompt holding only their own part (`指令：…\\n判断：` in the chat template), which is what
  scoring would cost if the prefix were free. Goal: at most 2x.

    .venv/bin/python benchmarks/bench_score.py --candidates 48
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kun import prompts as templates
from kun.instructions.score import ScoreParams, verdict_text
from kun.llm.base import SamplingParams

INSTRUCTIONS = [
    "用通俗的语言解释什么是通货膨胀，并举一个生活中的例子。",
    "总结一下这篇文章的主要观点。",
    "写一首关于秋天的五言绝句。",
    "床前明月光的作者是谁？请介绍他的生平。",
    "请把下面这句话翻译成英文：学而时习之，不亦说乎。",
    "图中这座塔是哪个朝代建的？",
    "比较《诗经》中风、雅、颂的区别。",
    "帮我查一下明天北京的天气。",
    "解释一下牛顿第一定律，并举例说明。",
    "给朋友写一封生日祝福信。",
    "如何做一道番茄炒蛋？",
    "关于的 春天 是 什么 写",
]


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="models/base")
    parser.add_argument("--candidates", type=int, default=48)
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()

    from kun.llm.transformers_backend import TransformersBackend

    model_dir, scratch = Path(args.model), None
    if not (model_dir / "config.json").exists():
        from kun.core.models import materialize

        scratch = tempfile.TemporaryDirectory()
        model_dir = materialize("embedded:smollm2", Path(scratch.name) / "base")
    params = ScoreParams()
    good, bad = verdict_text(params.good_answer), verdict_text(params.bad_answer)
    instructions = [
        f"{INSTRUCTIONS[index % len(INSTRUCTIONS)]}（{index}）" for index in range(args.candidates)
    ]
    full = [
        [
            {
                "role": "user",
                "content": templates.render(
                    "score_focused",
                    "user",
                    "zh",
                    instruction=text,
                    good=params.good_answer,
                    bad=params.bad_answer,
                ),
            }
        ]
        for text in instructions
    ]
    own = [[{"role": "user", "content": f"指令：{text}\n判断："}] for text in instructions]
    backend = TransformersBackend(model_dir, device="cpu", dtype="float32", batch_size=args.batch_size)
    encoded = [len(backend._encode(conversation)) for conversation in full]
    own_tokens = [len(backend._encode(conversation)) for conversation in own]

    def pairs(conversations):
        return [(conversation, answer) for conversation in conversations for answer in (good, bad)]  # noqa: E731

    backend.logprobs(pairs(full[:2]))  # warm-up

    backend.share_prefix = True
    shared_seconds = timed(lambda: backend.logprobs(pairs(full)))
    backend.share_prefix = False
    plain_seconds = timed(lambda: backend.logprobs(pairs(full)))
    own_seconds = timed(lambda: backend.logprobs(pairs(own)))
    sampling = SamplingParams(
        params.temperature, params.top_p, params.max_new_tokens, params.repetition_penalty, params.seed
    )
    backend.share_prefix = True
    shared_sampled = timed(lambda: backend.generate(full, sampling))
    backend.share_prefix = False
    plain_sampled = timed(lambda: backend.generate(full, sampling))

    n = len(full)
    print(
        f"model: {model_dir}  candidates: {n}  prompt: {sum(encoded) / n:.0f} tokens on average, of which "
        f"{sum(own_tokens) / n:.0f} the candidate's own part"
    )
    print(
        f"logprob verdict: prefix shared {n / shared_seconds:6.1f} candidates/s ({shared_seconds:.2f} s), "
        f"recomputed {n / plain_seconds:6.1f} candidates/s ({plain_seconds:.2f} s): {plain_seconds / shared_seconds:.1f}x"
    )
    print(
        f"  cost per candidate against its own tokens alone ({own_seconds:.2f} s): {shared_seconds / own_seconds:.2f}x "
        f"with the prefix shared, {plain_seconds / own_seconds:.2f}x without (goal <= 2x)"
    )
    print(
        f"sampled verdict: prefix shared {n / shared_sampled:6.1f} candidates/s ({shared_sampled:.2f} s), "
        f"recomputed {n / plain_sampled:6.1f} candidates/s ({plain_sampled:.2f} s): {plain_sampled / shared_sampled:.1f}x"
    )
    if scratch:
        scratch.cleanup()


if __name__ == "__main__":
    main()
