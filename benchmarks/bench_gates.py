"""The rule gates on a labelled benchmark, in the default and the paper profile.

benchmarks/data/gates.jsonl holds 10,229 original pairs written for kun: 22 failure families (bad)
and 16 legitimate forms (good: code, SQL, LaTeX, tables, markdown headers, translations into
English, short factual answers, classical Chinese, letters, step lists, polite openers, English
names, plain uses of 根据/作为/2023, short math, verse, general). Each family's members are split
into a `dev` half (the gates were tuned on it) and a `test` half (written before any gate ran on
it, never tuned on); docs/gates.md has the rounds in which earlier test halves became dev. This prints, per
profile, the kept/dropped totals of each half, every gate's precision (share of its drops that
are bad pairs) and recall (share of the family it is named after that some gate drops), the pairs
missed, and the target on the test half: >= 95% of bad pairs dropped, <= 3% of good pairs.

    .venv/bin/python benchmarks/bench_gates.py            # both profiles, both halves
    .venv/bin/python benchmarks/bench_gates.py --split test
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import polars as pl

from kun.core.params import load_params, section
from kun.instructions.assemble import AssembleParams
from kun.instructions.curate import FilterParams
from kun.instructions.pairs import filter_pairs, read_pairs

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "gates.jsonl"
PROFILES = {"default": None, "paper": ROOT / "configs" / "paper.yaml"}
# The family a gate is named after, where the names differ.
FAMILY_OF_REASON = {
    "refers_to_unseen_context": "unseen_context",
    "instruction_fragment": "fragment",
    "prompt_injection": "injection",
    "gibberish": "not_a_request",
    "unfinished": "truncated",
    "answer_low_cjk": "wrong_language",
    "answer_refusal_or_meta": "refusal",
}


def profile_params(path: Path | None) -> tuple[FilterParams, AssembleParams]:
    raw = load_params(path) if path is not None else {}
    return section(FilterParams, raw, "filter"), section(AssembleParams, raw, "assemble")


def totals(frame: pl.DataFrame, rejected: pl.DataFrame) -> dict[str, tuple[int, int]]:
    """label -> (dropped, total)."""
    return {
        label: (
            rejected.filter(pl.col("label") == label).height,
            frame.filter(pl.col("label") == label).height,
        )
        for label in ("bad", "good")
    }


def target_line(profile: str, split: str, counts: dict[str, tuple[int, int]]) -> tuple[str, bool]:
    (bad_dropped, bad), (good_dropped, good) = counts["bad"], counts["good"]
    met = bad_dropped / bad >= 0.95 and good_dropped / good <= 0.03
    line = f"{profile} profile, {split} half: bad dropped {bad_dropped}/{bad} ({bad_dropped / bad:.1%}), good dropped {good_dropped}/{good} ({good_dropped / good:.1%}); target (>= 95% / <= 3%) {'met' if met else 'NOT met'}"
    return line, met


def per_gate(frame: pl.DataFrame, rejected: pl.DataFrame, reasons: list[str]) -> None:
    print("| gate | drops | bad | good | precision | family | family size | family dropped | recall |")
    print("|---|---|---|---|---|---|---|---|---|")
    families = Counter(frame.filter(pl.col("label") == "bad").get_column("family").to_list())
    dropped_family = Counter(rejected.filter(pl.col("label") == "bad").get_column("family").to_list())
    for reason in reasons:
        labels = Counter(rejected.filter(pl.col("reason") == reason).get_column("label").to_list())
        drops = labels["bad"] + labels["good"]
        family = FAMILY_OF_REASON.get(reason, reason)
        size = families.get(family, 0)
        if not drops and not size:
            continue
        recall = f"{dropped_family[family] / size:.0%}" if size else "-"
        precision = f"{labels['bad'] / drops:.0%}" if drops else "-"
        print(
            f"| {reason} | {drops} | {labels['bad']} | {labels['good']} | {precision} | {family if size else '-'} "
            f"| {size or '-'} | {dropped_family[family] if size else '-'} | {recall} |"
        )


def run(frame: pl.DataFrame, profile: str, path: Path | None, splits: list[str]) -> list[tuple[str, bool]]:
    filter_params, assemble_params = profile_params(path)
    lines = []
    for split in splits:
        part = frame.filter(pl.col("split") == split)
        kept, rejected, counts = filter_pairs(part, filter_params, assemble_params)
        print(f"\n## {profile} profile, {split} half ({part.height} pairs)\n")
        per_gate(part, rejected, sorted(counts))
        missed = kept.filter(pl.col("label") == "bad").select("id", "family").rows()
        lost = rejected.filter(pl.col("label") == "good").select("id", "reason").rows()
        print(f"\nbad pairs kept: {missed or 'none'}\ngood pairs dropped: {lost or 'none'}")
        lines.append(target_line(profile, split, totals(part, rejected)))
        print(lines[-1][0])
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--split", choices=["dev", "test", "both"], default="both")
    args = parser.parse_args()
    frame, _ = read_pairs(args.data)
    splits = ["dev", "test"] if args.split == "both" else [args.split]
    print(
        f"{frame.height} pairs: "
        + ", ".join(f"{split} {frame.filter(pl.col('split') == split).height}" for split in ("dev", "test"))
    )
    lines = [line for profile, path in PROFILES.items() for line in run(frame, profile, path, splits)]
    print("\n## Summary\n")
    for line, _ in lines:
        print(line)


if __name__ == "__main__":
    main()
