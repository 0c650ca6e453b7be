"""The rule gates on a labelled benchmark: which good pairs they keep and which bad ones they drop.

benchmarks/data/gates.jsonl holds original pairs written for kun: good ones (multi-line
instructions with their material, lists, code, numbers, short complete answers) and bad ones,
each failure mode at least twice (U+FFFD, truncation, repeated list items and sentences, a
repeated opening, random-character instructions, foreign scripts, answers not in Chinese, web
boilerplate, refusals, too short, pointers to unseen material). Prints kept/dropped per label
and per reason, and checks the target: at least 90% of bad pairs dropped, at most 5% of good.
Runs the default gates (the authors' rules) and, with --min-answer-chars, a variant.

    .venv/bin/python benchmarks/bench_gates.py
    .venv/bin/python benchmarks/bench_gates.py --min-answer-chars 10
"""

from __future__ import annotations

import argparse
import dataclasses
from collections import Counter
from pathlib import Path

import polars as pl

from kun.instructions.assemble import AssembleParams
from kun.instructions.curate import FilterParams
from kun.instructions.pairs import filter_pairs, read_pairs

DATA = Path(__file__).resolve().parent / "data" / "gates.jsonl"


def run(frame: pl.DataFrame, filter_params: FilterParams, assemble_params: AssembleParams, title: str) -> bool:
    kept, rejected, _ = filter_pairs(frame, filter_params, assemble_params)
    print(f"\n## {title}\n")
    print("| label | pairs | kept | dropped | dropped share |")
    print("|---|---|---|---|---|")
    shares = {}
    for label in ("good", "bad"):
        total = frame.filter(pl.col("label") == label).height
        dropped = rejected.filter(pl.col("label") == label).height
        shares[label] = dropped / total
        print(f"| {label} | {total} | {total - dropped} | {dropped} | {dropped / total:.1%} |")
    print("\n| reason | good dropped | bad dropped | bad pairs written for this reason |")
    print("|---|---|---|---|")
    expected = Counter(frame.filter(pl.col("label") == "bad").get_column("failure").to_list())
    by_reason = {reason: Counter(group.get_column("label").to_list()) for (reason,), group in rejected.group_by("reason")}
    for reason in sorted(set(by_reason) | set(expected)):
        counts = by_reason.get(reason, Counter())
        print(f"| {reason} | {counts['good']} | {counts['bad']} | {expected.get(reason, 0)} |")
    missed = kept.filter(pl.col("label") == "bad").get_column("id").to_list()
    lost = rejected.filter(pl.col("label") == "good").select("id", "reason").rows()
    print(f"\nbad pairs kept: {missed or 'none'}; good pairs dropped: {lost or 'none'}")
    ok = shares["bad"] >= 0.9 and shares["good"] <= 0.05
    print(f"target (>= 90% of bad dropped, <= 5% of good dropped): {'met' if ok else 'NOT met'}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--min-answer-chars", type=int, help="also run with assemble.min_answer_chars set to this")
    args = parser.parse_args()
    frame, _ = read_pairs(args.data)
    print(f"{frame.height} pairs: {frame.filter(pl.col('label') == 'good').height} good, {frame.filter(pl.col('label') == 'bad').height} bad")
    run(frame, FilterParams(), AssembleParams(), "default gates (the authors' rules and kun's)")
    if args.min_answer_chars is not None:
        variant = dataclasses.replace(AssembleParams(), min_answer_chars=args.min_answer_chars)
        run(frame, FilterParams(), variant, f"assemble.min_answer_chars = {args.min_answer_chars}")


if __name__ == "__main__":
    main()
