"""Batched vs one-at-a-time generation with the transformers backend, same model and prompts.

Prints generated tokens per second for batch size 1 and for --batch-size (default 8), and the
ratio. Uses models/base when it exists, else materialises the embedded default model
(SmolLM2-135M-Instruct) into a temporary directory.

    .venv/bin/python benchmarks/bench_generate.py --prompts 16 --max-new-tokens 48
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from kun.llm.base import SamplingParams
from kun.llm.transformers_backend import TransformersBackend

QUESTIONS = [
    "请解释什么是光合作用。", "长城有多长？", "写一首关于秋天的短诗。", "如何保持良好的睡眠习惯？",
    "“学而时习之”是什么意思？", "为什么天空是蓝色的？", "请介绍一下黄河。", "怎样才能提高写作水平？",
    "解释一下牛顿第一定律。", "给朋友写一封生日祝福。", "什么是人工智能？", "请列出三种常见的水果并说明营养。",
    "李白是哪个朝代的诗人？", "如何做一道番茄炒蛋？", "地球为什么有四季？", "请用一句话总结《论语》的主旨。",
]


def measure(backend: TransformersBackend, prompts, sampling: SamplingParams, batch_size: int) -> tuple[float, int]:
    backend.batch_size = batch_size
    started = time.perf_counter()
    outputs = backend.generate(prompts, sampling)
    seconds = time.perf_counter() - started
    tokens = sum(len(backend.tokenizer(output["text"], add_special_tokens=False)["input_ids"]) + 1 for output in outputs)
    return seconds, tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="models/base")
    parser.add_argument("--prompts", type=int, default=16)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()

    model_dir = Path(args.model)
    scratch = None
    if not (model_dir / "config.json").exists():
        from kun.core.models import materialize

        scratch = tempfile.TemporaryDirectory()
        model_dir = materialize("embedded:smollm2", Path(scratch.name) / "base")
    backend = TransformersBackend(model_dir, device="cpu", num_threads=args.threads)
    prompts = [[{"role": "user", "content": QUESTIONS[i % len(QUESTIONS)]}] for i in range(args.prompts)]
    # Greedy and min length = max length would hide early stops; greedy with EOS is the real workload.
    sampling = SamplingParams(max_new_tokens=args.max_new_tokens, repetition_penalty=1.1)
    measure(backend, prompts[:2], sampling, 2)  # warm-up
    single_seconds, single_tokens = measure(backend, prompts, sampling, 1)
    batch_seconds, batch_tokens = measure(backend, prompts, sampling, args.batch_size)
    single_rate, batch_rate = single_tokens / single_seconds, batch_tokens / batch_seconds
    print(f"model: {model_dir}  prompts: {len(prompts)}  max_new_tokens: {args.max_new_tokens}")
    print(f"one at a time: {single_rate:7.1f} tok/s  ({single_tokens} tokens in {single_seconds:.1f}s)")
    print(f"batch {args.batch_size}:       {batch_rate:7.1f} tok/s  ({batch_tokens} tokens in {batch_seconds:.1f}s)")
    print(f"ratio: {batch_rate / single_rate:.1f}x")
    if scratch:
        scratch.cleanup()


if __name__ == "__main__":
    main()
