"""Near-deduplication: exact hashes first, then MinHash LSH with union-find clusters.

Reads a frame of records, writes the same records minus duplicates, in input order, with
every input field kept. Phases, as in datatrove and text-dedup (each can be timed and scaled
out on its own):

1. exact: rows whose text is the same once all whitespace is removed keep only the first occurrence;
2. signatures: one-permutation MinHash over character n-grams (kun.dedup.minhash, numpy);
3. buckets: LSH bands give candidate pairs (kun.dedup.lsh);
4. verify: each candidate pair is kept as a duplicate edge only if its exact n-gram Jaccard
   (or, with verify="minhash", the signature estimate) reaches the threshold;
5. clusters: union-find over the edges; the first member of each cluster in input order
   survives (kun.dedup.cluster).

With `engine="ray"` phases 2-5 run on Ray Data (kun.dedup.distributed) with the same results.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Annotated, Any, Callable, Literal

import numpy as np
import polars as pl
from pydantic import Field

from kun.core.engine import Engine
from kun.core.errors import KunError
from kun.core.metrics import key_figures
from kun.core.params import NonNegativeInt, OpenShare, PositiveInt, require
from kun.dedup.cluster import UnionFind
from kun.dedup.lsh import band_keys, candidate_pairs, optimal_bands
from kun.dedup.minhash import signatures, verified
from kun.dedup.parallel import default_workers

Verify = Literal["exact", "minhash", "none"]


@dataclass
class DedupParams:
    threshold: OpenShare = (
        0.7  # Jaccard similarity of character n-gram sets at which two texts are duplicates
    )
    num_perm: Annotated[int, Field(ge=2, le=8192)] = 128  # each text holds num_perm 8-byte hashes
    ngram: PositiveInt = 5
    seed: Annotated[int, Field(ge=0, le=2**64 - 1)] = 42
    bands: int = 0  # 0: derive bands and rows from the threshold
    rows: int = 0
    # Weight of false negatives when deriving bands (false positives get 1 - this). Verification
    # removes false positives, so with verify != "none" we lean to recall; None: 0.98 if verifying
    # (23 bands x 5 rows at threshold 0.7 and 128 perms: a pair at Jaccard 0.75 is a candidate
    # with probability 0.998), else 0.5.
    false_negative_weight: float | None = None
    verify: Verify = "exact"
    workers: NonNegativeInt = 0  # 0: all available cores
    engine: Engine = "local"  # local: this machine; ray: Ray Data on the cluster named by RAY_ADDRESS
    partitions: NonNegativeInt = 0  # ray: blocks and hash partitions per phase; 0 = 4 per cluster CPU
    text_field: str = "text"
    id_field: str = "id"
    # Longest text compared, in characters (0 = no limit): bounds one document's working memory
    # (about 30 bytes per character; README, "Memory"). Longer texts are an error naming the row.
    max_chars: NonNegativeInt = 1_000_000

    def validate(self, section: str) -> None:
        require(
            (self.bands == 0) == (self.rows == 0), f"{section}.bands", "set both bands and rows, or neither"
        )
        require(
            self.bands * self.rows <= self.num_perm,
            f"{section}.bands",
            "bands * rows must not exceed num_perm",
        )
        if self.false_negative_weight is not None:
            require(
                0.0 < self.false_negative_weight < 1.0,
                f"{section}.false_negative_weight",
                "must be in (0, 1)",
            )

    def bands_and_rows(self) -> tuple[int, int]:
        if self.bands:
            return self.bands, self.rows
        weight = self.false_negative_weight
        if weight is None:
            weight = 0.98 if self.verify != "none" else 0.5
        return optimal_bands(self.threshold, self.num_perm, round(1.0 - weight, 6), weight)


@dataclass
class DedupResult:
    kept: pl.DataFrame
    clusters: (
        pl.DataFrame
    )  # one row per input row: row, id, cluster_id, cluster_row, kind (unique/kept/exact/near)
    metrics: dict[str, Any]


def _texts(frame: pl.DataFrame, params: DedupParams) -> pl.Series:
    if params.text_field not in frame.columns:
        raise KunError(
            f"no field {params.text_field!r} in the input (fields: {', '.join(frame.columns) or 'none'}); pass --text-field"
        )
    texts_series = frame.get_column(params.text_field)
    if texts_series.dtype != pl.String:
        raise KunError(
            f"field {params.text_field!r} is {texts_series.dtype}, not text; compare a text field (--text-field)"
        )
    if texts_series.null_count():
        row = int(texts_series.is_null().arg_true()[0])
        raise KunError(f"row {row + 1} has no {params.text_field!r} value (null); fill it or drop the row")
    lengths = texts_series.str.len_chars()
    if params.max_chars and lengths.len() and lengths.max() > params.max_chars:
        row = int(lengths.arg_max())
        raise KunError(
            f"row {row + 1} has {lengths[row]:,} characters, more than max_chars {params.max_chars:,} "
            "(one text's working memory is about 30 bytes per character); split long documents (kun ingest segments them) or raise max_chars"
        )
    return texts_series


def _exact(texts: list[str], union: UnionFind) -> tuple[list[int], list[tuple[int, int]]]:
    """Phase 1: (rows whose text, without whitespace, appeared in no earlier row; (first, duplicate)
    edges), unioned into `union`. Compares the texts themselves, not hashes of them (a text with
    no whitespace is its own key: no copy)."""
    first_of: dict[str, int] = {}
    unique_rows: list[int] = []
    exact_edges: list[tuple[int, int]] = []
    for row, text in enumerate(texts):
        first = first_of.setdefault("".join(text.split()), row)
        if first == row:
            unique_rows.append(row)
        else:
            union.union(first, row)
            exact_edges.append((first, row))
    return unique_rows, exact_edges


def _clusters(
    frame: pl.DataFrame, params: DedupParams, roots: np.ndarray, unique_rows: list[int]
) -> tuple[pl.DataFrame, pl.DataFrame, np.ndarray]:
    """(kept rows, the clusters table, each cluster's size by root) from each row's cluster root."""
    total = frame.height
    keep_mask = roots == np.arange(total)
    kept = frame.filter(pl.Series(keep_mask))
    if params.id_field in frame.columns:
        ids = frame.get_column(params.id_field).cast(pl.String).to_list()
    else:
        ids = [str(row) for row in range(total)]
    is_unique_row = np.zeros(total, dtype=bool)
    is_unique_row[unique_rows] = True
    cluster_sizes = np.bincount(roots, minlength=total)
    kinds = np.where(
        keep_mask,
        np.where(cluster_sizes[roots] > 1, "kept", "unique"),
        np.where(is_unique_row, "near", "exact"),
    )
    # cluster_row (the kept row's index) names a cluster unambiguously even when ids repeat
    clusters = pl.DataFrame(
        {
            "row": np.arange(total, dtype=np.int64),
            "id": ids,
            "cluster_id": [ids[root] for root in roots.tolist()],
            "cluster_row": roots.astype(np.int64),
            "kind": kinds.tolist(),
        }
    )
    return kept, clusters, cluster_sizes


def deduplicate(
    frame: pl.DataFrame, params: DedupParams, progress: Callable[[str, int, int], None] | None = None
) -> DedupResult:
    """Remove exact and near duplicates from `frame`; see the module docstring for the phases."""
    started = time.perf_counter()
    texts = _texts(frame, params).to_list()
    total = len(texts)
    timings: dict[str, float] = {}

    phase = time.perf_counter()
    union = UnionFind(total)
    unique_rows, exact_edges = _exact(texts, union)
    timings["exact"] = time.perf_counter() - phase

    # 2-4. signatures, buckets, verify; 5. clusters
    bands, rows = params.bands_and_rows()
    unique_texts = [texts[row] for row in unique_rows]
    partitions = 0
    if params.engine == "ray" and len(unique_rows) > 1:
        from kun.core.engine import cluster_cpus
        from kun.dedup.distributed import connected_components, near_duplicate_edges

        workers = cluster_cpus()
        partitions = params.partitions or 4 * workers
        edges, counts, ray_timings = near_duplicate_edges(unique_texts, params, bands, rows, partitions)
        timings.update(ray_timings)
        candidate_count, edges_count = counts["candidate_pairs"], counts["verified_edges"]
        phase = time.perf_counter()
        exact_array = np.array(exact_edges, dtype=np.int64).reshape(-1, 2)
        roots, star_rounds = connected_components(
            edges, exact_array, np.asarray(unique_rows, dtype=np.int64), total, partitions
        )
    else:  # local (and ray with nothing to compare)
        candidate_count, edges_count, workers = _near_duplicates_local(
            unique_texts, unique_rows, union, params, bands, rows, timings, progress
        )
        phase = time.perf_counter()
        roots = union.roots()
        star_rounds = 0
    kept, clusters, cluster_sizes = _clusters(frame, params, roots, unique_rows)
    timings["clusters"] = time.perf_counter() - phase

    seconds = time.perf_counter() - started
    metrics = {
        "docs_in": total,
        "docs_out": kept.height,
        "exact_duplicates": total - len(unique_rows),
        "near_duplicates": len(unique_rows) - kept.height,
        "duplicate_clusters": int(np.sum(cluster_sizes > 1)),
        "duplicate_ids": total - clusters.get_column("id").n_unique()
        if params.id_field in frame.columns
        else 0,  # ids seen on an earlier row
        "dedup_rate": round((total - kept.height) / total, 6) if total else 0.0,
        "bands": bands,
        "rows": rows,
        "candidate_pairs": int(candidate_count),
        "verified_edges": int(edges_count),
        "engine": params.engine,
        "workers": workers,
        "partitions": partitions,
        "star_rounds": star_rounds,
        "seconds": round(seconds, 3),
        "docs_per_second": round(total / seconds, 1) if seconds > 0 else 0.0,
        "phase_seconds": {name: round(value, 3) for name, value in timings.items()},
    }
    metrics["key_figures"] = key_figures(
        metrics, {"unique": "docs_out", "rate": "dedup_rate", "docs_per_second": "docs_per_second"}
    )
    return DedupResult(kept, clusters, metrics)


def _near_duplicates_local(
    unique_texts: list[str],
    unique_rows: list[int],
    union: UnionFind,
    params: DedupParams,
    bands: int,
    rows: int,
    timings: dict[str, float],
    progress,
) -> tuple[int, int, int]:
    """Phases 2-4 on this machine; unions verified pairs into `union`. (candidate pairs, edges, workers)."""
    # 2. signatures
    phase = time.perf_counter()
    workers = params.workers or default_workers()
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("signatures", done, len(unique_texts))

    sigs = signatures(unique_texts, params.ngram, params.num_perm, params.seed, workers, advance)
    timings["signatures"] = time.perf_counter() - phase

    # 3. buckets
    phase = time.perf_counter()
    pairs = candidate_pairs(band_keys(sigs, bands, rows))
    timings["buckets"] = time.perf_counter() - phase

    # 4. verify
    phase = time.perf_counter()
    edges = pairs[
        verified(
            pairs, params.verify, params.threshold, params.ngram, unique_texts.__getitem__, sigs, workers
        )
    ]
    for left, right in edges.tolist():
        union.union(unique_rows[left], unique_rows[right])
    timings["verify"] = time.perf_counter() - phase
    return len(pairs), len(edges), workers
