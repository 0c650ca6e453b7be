"""The PII finder (kun.corpus.pii) on labelled snippets: precision and recall per kind and split.

benchmarks/data/pii.jsonl holds 128 snippets written for kun (e-mail addresses, mobile and
landline numbers, resident ID numbers, bank cards, IPv4/IPv6, in ASCII and full width, and 60
snippets with none: dates, order and tracking numbers, versions, amounts, IDs with a wrong check
digit, Luhn-failing cards, MAC addresses, UUIDs, classical text). The ID and card numbers were made
valid or invalid with python-stdnum's check-digit functions. Each snippet is in the `dev` half
(the finder was tuned on it) or the `heldout` half (written before the finder ran, never tuned
on). A find counts when its kind and its exact text match a label.
Target: precision >= 0.98 and recall >= 0.95 on each half.

    .venv/bin/python benchmarks/bench_pii.py
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from kun.corpus.pii import KINDS, find_pii

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "pii.jsonl"
TARGET_PRECISION, TARGET_RECALL = 0.98, 0.95


def load(path: Path = DATA) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(snippets: list[dict]) -> dict:
    """True and false finds and misses per kind, and the snippets with a mistake."""
    hits, false, missed = Counter(), Counter(), Counter()
    mistakes = []
    for snippet in snippets:
        text = snippet["text"]
        expected = Counter((item["type"], item["text"]) for item in snippet["pii"])
        got = Counter((find.kind, text[find.start : find.end]) for find in find_pii(text))
        for key in set(expected) | set(got):
            both = min(expected[key], got[key])
            hits[key[0]] += both
            false[key[0]] += got[key] - both
            missed[key[0]] += expected[key] - both
        if expected != got:
            mistakes.append(
                {"id": snippet["id"], "text": text, "expected": sorted(expected), "got": sorted(got)}
            )
    return {"hits": hits, "false": false, "missed": missed, "mistakes": mistakes}


def precision_recall(result: dict, kind: str | None = None) -> tuple[float, float]:
    def total(counter: Counter) -> int:
        return counter[kind] if kind else sum(counter.values())

    hits, false, missed = (total(result[key]) for key in ("hits", "false", "missed"))
    return (hits / (hits + false) if hits + false else 1.0, hits / (hits + missed) if hits + missed else 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    snippets = load(args.data)
    for split in ("dev", "heldout", "all"):
        chosen = [s for s in snippets if split == "all" or s["split"] == split]
        result = score(chosen)
        precision, recall = precision_recall(result)
        met = precision >= TARGET_PRECISION and recall >= TARGET_RECALL
        print(
            f"{split:8s} {len(chosen):4d} snippets  precision {precision:.3f}  recall {recall:.3f}"
            f"  (target {TARGET_PRECISION} / {TARGET_RECALL}: {'met' if met else 'NOT met'})"
        )
        if split == "all":
            for kind in KINDS:
                p, r = precision_recall(result, kind)
                print(f"    {kind:5s} precision {p:.3f}  recall {r:.3f}  found {result['hits'][kind]}")
            for mistake in result["mistakes"]:
                print(
                    f"  {mistake['id']}: {mistake['text']}\n      expected {mistake['expected']} got {mistake['got']}"
                )


if __name__ == "__main__":
    main()
