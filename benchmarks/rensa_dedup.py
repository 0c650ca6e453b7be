"""The peer in benchmarks/bench_dedup.py: rensa's documented dedup API on the same JSONL.

    python benchmarks/rensa_dedup.py INPUT.jsonl OUTPUT.jsonl --threshold 0.7 --num-perm 128 --ngram 5

Reads {"id", "text"} lines, builds one `RMinHash` per document from its character n-grams and
feeds `RMinHashDeduplicator(use_lsh=True)` in input order: a document is kept when `add`
accepts it. Writes {"id", "cluster"} per input line (cluster: the id of the first earlier
document it duplicates, else its own), so the benchmark scores both methods the same way.
"""

from __future__ import annotations

import argparse
import json

from rensa import RMinHash, RMinHashDeduplicator


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--threshold", type=float, default=0.7)
    parser.add_argument("--num-perm", type=int, default=128)
    parser.add_argument("--ngram", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    deduplicator = RMinHashDeduplicator(
        threshold=args.threshold, num_perm=args.num_perm, use_lsh=True, seed=args.seed
    )
    out = []
    with open(args.input, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            text, key = record["text"], str(record["id"])
            minhash = RMinHash(num_perm=args.num_perm, seed=args.seed)
            minhash.update([text[i : i + args.ngram] for i in range(max(1, len(text) - args.ngram + 1))])
            duplicates = deduplicator.get_duplicates(minhash)
            if duplicates:
                out.append({"id": key, "cluster": min(duplicates, key=int)})
            else:
                deduplicator.add(key, minhash)
                out.append({"id": key, "cluster": key})
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in out)


if __name__ == "__main__":
    main()
