"""Generation throughput of the transformers backend, against `transformers serve` on the same work.

Same model (models/base, else the embedded SmolLM2-135M-Instruct), same chat prompts (16 Chinese
questions; the 64-prompt workload repeats them 4 times, as a stage's hundreds of requests would
fill every batch), greedy, 48 new tokens, no repetition penalty (`transformers serve` rejects
that field). Generated tokens per second (each reply's tokens + its end token), for:

- kun before this change's defaults: float32, batches of 8;
- kun's defaults: float32, `llm.batch_size: 64` (length-sorted, left-padded batches);
- kun with `llm.dtype: bfloat16` (a CPU with AMX-BF16 multiplies bf16 in hardware);
- the peer: `transformers serve --continuous-batching` (an OpenAI-compatible server that ships
  with transformers 5, run here on 127.0.0.1) driven by kun's own openai backend with one request
  in flight per prompt.

    .venv/bin/python benchmarks/bench_generate.py
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from kun.llm.base import SamplingParams

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from transformers_serve import transformers_serve  # noqa: E402  (shared with the slow server test)

QUESTIONS = [
    "请解释什么是光合作用。",
    "长城有多长？",
    "写一首关于秋天的短诗。",
    "如何保持良好的睡眠习惯？",
    "“学而时习之”是什么意思？",
    "为什么天空是蓝色的？",
    "请介绍一下黄河。",
    "怎样才能提高写作水平？",
    "解释一下牛顿第一定律。",
    "给朋友写一封生日祝福。",
    "什么是人工智能？",
    "请列出三种常见的水果并说明营养。",
    "李白是哪个朝代的诗人？",
    "如何做一道番茄炒蛋？",
    "地球为什么有四季？",
    "请用一句话总结《论语》的主旨。",
]


def prompts(count: int) -> list:
    return [[{"role": "user", "content": QUESTIONS[index % len(QUESTIONS)]}] for index in range(count)]


def rate(backend, tokenizer, requests: list, sampling: SamplingParams) -> float:
    started = time.perf_counter()
    outputs = backend.generate(requests, sampling)
    seconds = time.perf_counter() - started
    return (
        sum(len(tokenizer(output["text"], add_special_tokens=False)["input_ids"]) + 1 for output in outputs)
        / seconds
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="models/base")
    parser.add_argument("--max-new-tokens", type=int, default=48)
    parser.add_argument("--no-server", action="store_true", help="Skip the transformers serve peer.")
    args = parser.parse_args()

    from kun.llm.transformers_backend import TransformersBackend

    model_dir, scratch = Path(args.model), None
    if not (model_dir / "config.json").exists():
        from kun.core.models import materialize

        scratch = tempfile.TemporaryDirectory()
        model_dir = materialize("embedded:smollm2", Path(scratch.name) / "base")
    sampling = SamplingParams(max_new_tokens=args.max_new_tokens)
    workloads = {"16 prompts": prompts(16), "64 prompts": prompts(64)}
    results: dict[str, dict[str, float]] = {}
    for label, dtype, batch_size in (
        ("kun float32, batch 8 (before)", "float32", 8),
        ("kun float32, batch 64 (default)", "float32", 64),
        ("kun bfloat16, batch 64", "bfloat16", 64),
    ):
        backend = TransformersBackend(model_dir, device="cpu", dtype=dtype, batch_size=batch_size)
        backend.generate(prompts(2), sampling)  # warm-up
        results[label] = {
            name: rate(backend, backend.tokenizer, requests, sampling) for name, requests in workloads.items()
        }
        del backend
    if not args.no_server:
        from transformers import AutoTokenizer

        from kun.llm.openai_backend import OpenAIBackend

        with transformers_serve(model_dir, continuous_batching=True) as base_url:
            tokenizer = AutoTokenizer.from_pretrained(model_dir)
            served = {}
            for name, requests in workloads.items():
                backend = OpenAIBackend(
                    base_url,
                    str(model_dir.resolve()),
                    api_key_env=None,
                    max_concurrency=len(requests),
                    timeout_s=600,
                )
                backend.generate(prompts(2), sampling)  # warm-up (the server loads the model on first use)
                served[name] = rate(backend, tokenizer, requests, sampling)
            results["transformers serve --continuous-batching"] = served
    before = results["kun float32, batch 8 (before)"]
    print(
        f"model: {model_dir}  max_new_tokens: {args.max_new_tokens}  greedy  (tokens/s; x = against kun before)"
    )
    print(f"{'':44s} {'16 prompts':>18s} {'64 prompts':>18s}")
    for label, rates in results.items():
        cells = [f"{rates[name]:7.1f} ({rates[name] / before[name]:3.1f}x)" for name in workloads]
        print(f"{label:44s} {cells[0]:>18s} {cells[1]:>18s}")
    if scratch:
        scratch.cleanup()


if __name__ == "__main__":
    main()
