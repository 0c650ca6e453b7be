"""Fine-tuning step cost: LoRA vs full fine-tuning of SmolLM2-135M on the same batches.

Materialises the embedded default model (`embedded:smollm2`) into a temporary directory, makes
synthetic Chinese pairs whose outputs are long enough that every row is cut to exactly
--seq-len tokens, and runs kun.training.loop.train for each method with the same seed, batch size,
sequence length and data (gradient accumulation 1, so one optimizer step = one batch). The
first --warmup steps are not timed. Prints seconds per optimizer step, tokens/s and the ratio
full / LoRA, all measured in this run on this machine.

    .venv/bin/python benchmarks/bench_train.py --steps 3 --batch-size 4 --seq-len 256
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from kun.core.models import materialize
from kun.training.loop import train

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from synthetic import random_document  # noqa: E402  (the tests' random Chinese documents)

from kun.training.params import TrainParams


def pairs(count: int, seq_len: int, seed: int = 0) -> list[dict[str, str]]:
    generator = np.random.default_rng(seed)
    # CJK characters are at least one token each, so seq_len characters overfill the window.
    return [
        {"instruction": random_document(generator, 30), "output": random_document(generator, seq_len)}
        for _ in range(count)
    ]


def time_method(
    model_dir: Path, data: list[dict[str, str]], method: str, args: argparse.Namespace, scratch: Path
) -> dict[str, float]:
    params = TrainParams(
        method=method,
        learning_rate=2e-4 if method == "lora" else 1e-5,
        max_steps=args.warmup + args.steps,
        batch_size=args.batch_size,
        gradient_accumulation_steps=1,
        max_seq_len=args.seq_len,
        warmup_ratio=0.0,
        save_steps=0,
        resume=False,
        merge=False,
        logging_steps=1,
        gradient_checkpointing=args.gradient_checkpointing,
        lora_dropout=args.lora_dropout,
    )
    stamps: list[tuple[int, float, float]] = []  # (step, time logged, tokens/s of that step)
    summary = train(
        model_dir,
        data,
        scratch / method,
        params,
        log=lambda r: stamps.append((r["step"], time.perf_counter(), r["tokens_per_second"])),
    )
    timed = stamps[args.warmup - 1 :] if args.warmup else stamps
    step_seconds = [later[1] - earlier[1] for earlier, later in zip(timed, timed[1:])]
    return {
        "step_seconds": statistics.median(step_seconds),
        "min_step_seconds": min(step_seconds),
        "all_step_seconds": step_seconds,
        "tokens_per_second": statistics.median(r[2] for r in timed[1:]),
        "trainable": summary["trainable_parameters"],
        "total": summary["total_parameters"],
        "final_loss": summary["final_loss"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--model", default="embedded:smollm2", help="model spec for kun.core.models.materialize"
    )
    parser.add_argument(
        "--model-dir", type=Path, help="use this already materialised model directory instead"
    )
    parser.add_argument("--steps", type=int, default=3, help="timed optimizer steps per method")
    parser.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="untimed steps first (>= 1: the first step's start is not logged)",
    )
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--seq-len", type=int, default=256)
    parser.add_argument(
        "--lora-dropout",
        type=float,
        default=TrainParams.lora_dropout,
        help="0 skips peft's per-adapter dropout masks",
    )
    parser.add_argument("--gradient-checkpointing", action="store_true")
    args = parser.parse_args()
    if args.warmup < 1 or args.steps < 1:
        parser.error("--warmup and --steps must be >= 1")
    os.environ.setdefault("KUN_NO_PROGRESS", "1")

    import torch

    device = "cuda" if torch.cuda.is_available() else f"cpu ({torch.get_num_threads()} threads)"
    with tempfile.TemporaryDirectory(prefix="kun-bench-train-") as tmp:
        scratch = Path(tmp)
        started = time.perf_counter()
        model_dir = args.model_dir or materialize(args.model, scratch / "base")
        print(
            f"model {model_dir if args.model_dir else args.model} ready in {time.perf_counter() - started:.1f}s; "
            f"device {device}; batch {args.batch_size} x {args.seq_len} tokens; lora r={TrainParams.lora_r} dropout={args.lora_dropout}"
        )
        data = pairs(args.batch_size * (args.warmup + args.steps), args.seq_len)
        results = {method: time_method(model_dir, data, method, args, scratch) for method in ("full", "lora")}

    print(
        f"{'method':<6} {'trainable':>12} {'s/step':>8} {'min s':>8} {'tokens/s':>9} {'final loss':>10}  (median "
        f"over {args.steps} steps; each step's seconds)"
    )
    for method, result in results.items():
        share = result["trainable"] / result["total"]
        steps = " ".join(f"{seconds:.2f}" for seconds in result["all_step_seconds"])
        print(
            f"{method:<6} {result['trainable']:>12,} {result['step_seconds']:>8.3f} {result['min_step_seconds']:>8.3f} "
            f"{result['tokens_per_second']:>9.0f} {result['final_loss']:>10.4f}  [{steps}] trains {share:.2%} "
            f"of {result['total']:,} parameters"
        )
    ratio = results["full"]["step_seconds"] / results["lora"]["step_seconds"]
    print(
        f"full / lora step time: {ratio:.2f}x (median), {results['full']['min_step_seconds'] / results['lora']['min_step_seconds']:.2f}x "
        "(fastest step)"
    )


if __name__ == "__main__":
    main()
