"""Dedup speed, memory and quality: the whole `kun dedup` command against rensa and datasketch.

Corpus: real Chinese text, ~1,000-character documents cut from 全唐诗/全宋诗 of the MIT-licensed
`chinese-poetry` npm package (fetched once with `npm pack` into benchmarks/.cache/), plus 20%
planted near-duplicates (copies with 1-4% character edits). Every method reads the same JSONL and
runs as its own process, timed whole (start-up, reading, hashing, LSH, verification, writing):

- kun: `kun dedup corpus.jsonl out.parquet --clusters ...` (phase split from --metrics);
- rensa (Rust): `RMinHashDeduplicator` with LSH, its documented dedup API (benchmarks/rensa_dedup.py);
- datasketch: a per-document `MinHash` + `MinHashLSH` loop (on a prefix with --datasketch-docs).

Same params for all: 128 permutations, threshold 0.7, character 5-grams. Quality: recall of the
planted copies whose true 5-gram Jaccard to their original is >= 0.75, and precision: the share
of removed documents with a true 5-gram Jaccard >= the threshold to another member of their
cluster (so natural near-duplicates in the real text count as correct, and wrong merges do not). Peak RSS of kun is
measured at two corpus sizes to show it grows linearly.

    .venv/bin/python benchmarks/bench_dedup.py --docs 24000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from synthetic import edit, ngram_jaccard  # noqa: E402  (the planted-copy corpora the tests use)

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
PACKAGE, VERSION = "chinese-poetry", "2.0.1"


def poems() -> list[str]:
    """Every poem of 全唐诗 and 全宋诗 (quantangshi) as one string, in package order."""
    from kun.corpus.fetch import npm_pack

    CACHE.mkdir(exist_ok=True)
    tarball = CACHE / f"{PACKAGE}-{VERSION}.tgz"
    if not tarball.exists():
        npm_pack(PACKAGE, VERSION, CACHE)
    texts = []
    with tarfile.open(tarball) as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            if "/quantangshi/poet." in member.name and member.name.endswith(".json"):
                for poem in json.load(archive.extractfile(member)):
                    text = "".join(poem.get("paragraphs") or [])
                    if text:
                        texts.append(text)
    return texts


def real_corpus(n_docs: int, n_chars: int, seed: int = 0) -> tuple[list[str], list[int]]:
    """(texts, source_of): documents of consecutive poems, then planted copies, shuffled."""
    generator = np.random.Generator(np.random.PCG64(seed))
    pool = poems()
    n_copies = n_docs // 5
    originals, position = [], 0
    while len(originals) < n_docs - n_copies:
        target, parts = int(n_chars * generator.uniform(0.8, 1.2)), []
        while sum(map(len, parts)) < target:
            parts.append(pool[position % len(pool)])
            position += 1
        originals.append("".join(parts)[:target])
    texts, source_of = list(originals), [-1] * len(originals)
    for _ in range(n_copies):
        original = int(generator.integers(0, len(originals)))
        texts.append(edit(generator, originals[original], float(generator.uniform(0.01, 0.04))))
        source_of.append(original)
    order = generator.permutation(len(texts))
    inverse = np.argsort(order)
    return [texts[i] for i in order], [-1 if source_of[i] < 0 else int(inverse[source_of[i]]) for i in order]


def timed(command: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of a command run as its own process tree."""
    probe = "import resource, subprocess, sys, time; t = time.perf_counter(); subprocess.run(sys.argv[1:], check=True); print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    out = subprocess.run(
        [sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True
    ).stdout.split()
    return float(out[0]), float(out[1]) / 1024


def quality(
    cluster: list[int], texts: list[str], source_of: list[int], threshold: float, ngram: int
) -> tuple[float, float]:
    """(precision, recall). A removal is correct when the removed document has a true n-gram
    Jaccard >= threshold with another member of its cluster (a planted original or copy, or a
    natural near-duplicate in the real text): clusters are connected components, so a member
    need not be that similar to the first one."""
    members: dict[int, list[int]] = {}
    for index, rep in enumerate(cluster):
        members.setdefault(rep, []).append(index)
    removed = [index for index, rep in enumerate(cluster) if rep != index]
    correct = sum(
        any(
            ngram_jaccard(texts[index], texts[other], ngram) >= threshold
            for other in members[cluster[index]]
            if other != index
        )
        for index in removed
    )
    targets = [
        index
        for index, source in enumerate(source_of)
        if source >= 0 and ngram_jaccard(texts[index], texts[source], ngram) >= 0.75
    ]
    found = sum(
        cluster[index] == cluster[source_of[index]]
        or cluster[index] == source_of[index]
        or cluster[source_of[index]] == index
        for index in targets
    )
    return (correct / len(removed) if removed else 1.0), (found / len(targets) if targets else 1.0)


def datasketch_loop(texts: list[str], threshold: float, num_perm: int, ngram: int) -> list[int]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    cluster = list(range(len(texts)))
    for index, text in enumerate(texts):
        minhash = MinHash(num_perm=num_perm)
        minhash.update_batch(
            [text[i : i + ngram].encode("utf-8") for i in range(max(1, len(text) - ngram + 1))]
        )
        matches = lsh.query(minhash)
        if matches:
            cluster[index] = min(matches)
        else:
            lsh.insert(index, minhash)
    return cluster


def run_kun(corpus: Path, work: Path, args) -> tuple[float, float, list[int], dict]:
    kun = str(Path(sys.executable).with_name("kun"))
    command = [
        kun,
        "dedup",
        str(corpus),
        str(work / "kun.parquet"),
        "--clusters",
        str(work / "clusters.parquet"),
        "--metrics",
        str(work / "kun.json"),
        "--threshold",
        str(args.threshold),
        "--num-perm",
        str(args.num_perm),
        "--ngram",
        str(args.ngram),
    ]
    seconds, rss = timed(command)
    clusters = pl.read_parquet(work / "clusters.parquet")
    return (
        seconds,
        rss,
        clusters.get_column("cluster_id").cast(pl.Int64).to_list(),
        json.loads((work / "kun.json").read_text()),
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=24000)
    parser.add_argument("--chars", type=int, default=1000)
    parser.add_argument("--threshold", type=float, default=0.7)
    parser.add_argument("--num-perm", type=int, default=128)
    parser.add_argument("--ngram", type=int, default=5)
    parser.add_argument(
        "--datasketch-docs",
        type=int,
        default=4000,
        help="Run the slow datasketch loop on the first N docs (0: skip).",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="Time kun and rensa this many times each, alternating; report the best.",
    )
    args = parser.parse_args()

    started = time.perf_counter()
    texts, source_of = real_corpus(args.docs, args.chars)
    similarities = [ngram_jaccard(texts[i], texts[s], args.ngram) for i, s in enumerate(source_of) if s >= 0]
    print(
        f"corpus: {len(texts)} real-text docs (全唐诗/全宋诗), {sum(map(len, texts)) / len(texts):.0f} chars mean, "
        f"{len(similarities)} planted copies ({sum(s >= 0.75 for s in similarities)} with 5-gram Jaccard >= "
        f"0.75), built in {time.perf_counter() - started:.1f}s"
    )
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        corpus = work / "corpus.jsonl"
        pl.DataFrame({"id": [str(i) for i in range(len(texts))], "text": texts}).write_ndjson(corpus)
        half = work / "half.jsonl"
        pl.DataFrame(
            {"id": [str(i) for i in range(len(texts) // 2)], "text": texts[: len(texts) // 2]}
        ).write_ndjson(half)
        rensa = [
            sys.executable,
            str(Path(__file__).with_name("rensa_dedup.py")),
            str(corpus),
            str(work / "rensa.jsonl"),
            "--threshold",
            str(args.threshold),
            "--num-perm",
            str(args.num_perm),
            "--ngram",
            str(args.ngram),
        ]
        kun_times, rensa_times = [], []
        for _ in range(args.repeat):
            kun_seconds, kun_rss, kun_cluster, metrics = run_kun(corpus, work, args)
            kun_times.append(kun_seconds)
            rensa_seconds, rensa_rss = timed(rensa)
            rensa_times.append(rensa_seconds)
        rows = pl.read_ndjson(work / "rensa.jsonl")
        rensa_cluster = rows.get_column("cluster").cast(pl.Int64).to_list()
        half_seconds, half_rss, _, _ = run_kun(half, work, args)

        kun_precision, kun_recall = quality(kun_cluster, texts, source_of, args.threshold, args.ngram)
        rensa_precision, rensa_recall = quality(rensa_cluster, texts, source_of, args.threshold, args.ngram)
        kun_best, rensa_best = min(kun_times), min(rensa_times)
        print(
            f"kun dedup:  {kun_best:6.2f} s  {len(texts) / kun_best:8.0f} docs/s  peak RSS {kun_rss:6.0f} MiB "
            f" removed {sum(c != i for i, c in enumerate(kun_cluster))}  "
            f"precision={kun_precision:.4f} recall@J>=0.75={kun_recall:.4f}"
        )
        print(
            f"  phases: {metrics['phase_seconds']} (in-process {metrics['seconds']} s; the rest is start-up, reading and writing), "
            f"candidate pairs {metrics['candidate_pairs']}, workers {metrics['workers']}"
        )
        print(
            f"rensa:      {rensa_best:6.2f} s  {len(texts) / rensa_best:8.0f} docs/s  peak RSS {rensa_rss:6.0f} "
            f"MiB  removed {sum(c != i for i, c in enumerate(rensa_cluster))}  "
            f"precision={rensa_precision:.4f} recall@J>=0.75={rensa_recall:.4f}"
        )
        print(
            f"kun vs rensa: {rensa_best / kun_best:.2f}x faster (best of {args.repeat}; all runs kun {[round(t, 2) for t in kun_times]}, "
            f"rensa {[round(t, 2) for t in rensa_times]})"
        )
        print(
            f"memory: kun peak RSS {half_rss:.0f} MiB at {len(texts) // 2} docs, {kun_rss:.0f} MiB at {len(texts)} docs "
            f"(+{(kun_rss - half_rss) / (len(texts) - len(texts) // 2) * 1024:.1f} KiB per doc); half the corpus in {half_seconds:.2f} s"
        )
    if args.datasketch_docs:
        n = min(args.datasketch_docs, len(texts))
        started = time.perf_counter()
        datasketch_loop(texts[:n], args.threshold, args.num_perm, args.ngram)
        seconds = time.perf_counter() - started
        print(
            f"datasketch: {n / seconds:8.0f} docs/s in-process on the first {n} docs ({seconds:.1f} s); kun is "
            f"{len(texts) / kun_best / (n / seconds):.0f}x faster"
        )


if __name__ == "__main__":
    main()
