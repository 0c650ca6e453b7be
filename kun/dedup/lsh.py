"""Locality-sensitive hashing over MinHash signatures: bands, buckets, candidate pairs.

Bands and rows are derived from the Jaccard threshold as text-dedup and datasketch do: choose
(b, r) with b*r <= num_perm minimising the weighted area of false positives (the S-curve
1-(1-s^r)^b above zero for s < threshold) plus false negatives (below one for s >= threshold).
Each band of each signature is reduced to one 64-bit key; documents sharing a key in any band
are candidates.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)


def _collision_probability(similarity: np.ndarray, bands: int, rows: int) -> np.ndarray:
    return 1.0 - (1.0 - similarity**rows) ** bands


@lru_cache(maxsize=64)
def optimal_bands(
    threshold: float, num_perm: int, false_positive_weight: float = 0.5, false_negative_weight: float = 0.5
) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false positive + false negative areas."""
    below = np.linspace(0.0, threshold, 200)
    above = np.linspace(threshold, 1.0, 200)
    best, best_cost = (1, num_perm), float("inf")
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive = np.trapezoid(_collision_probability(below, bands, rows), below)
            false_negative = np.trapezoid(1.0 - _collision_probability(above, bands, rows), above)
            cost = false_positive_weight * false_positive + false_negative_weight * false_negative
            if cost < best_cost:
                best, best_cost = (bands, rows), cost
    return best


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One uint64 key per (document, band): shape (n_docs, bands)."""
    if bands * rows > signatures.shape[1]:
        raise ValueError(f"bands*rows = {bands * rows} exceeds num_perm = {signatures.shape[1]}")
    keys = np.zeros((signatures.shape[0], bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            acc = np.full(signatures.shape[0], band + 1, dtype=np.uint64)
            for column in signatures[:, band * rows : (band + 1) * rows].T.astype(np.uint64):
                acc = (acc * _BAND_MIX) ^ column
                acc ^= acc >> np.uint64(29)
            keys[:, band] = acc
    return keys


def bucket_edges(keys: list[np.ndarray], members: np.ndarray) -> np.ndarray:
    """Edges within buckets: rows sharing every array of `keys` form a bucket of `members`.

    A bucket with members m0 < m1 < ... < mk contributes the star (m0, mi) and the chain
    (mi, mi+1) edges: linear in the bucket size, enough to connect the whole bucket for
    clustering, and the chain still offers each member its nearest neighbour in input order when
    verification rejects a star edge. Shape (n, 2), not deduplicated.
    """
    count = len(members)
    if count == 0:
        return np.empty((0, 2), dtype=np.int64)
    members = np.asarray(members, dtype=np.int64)
    # Sort by (keys..., member) so a bucket's members are adjacent and in input order.
    order = np.lexsort((members, *reversed(keys)))
    same_as_previous = np.ones(count, dtype=bool)
    same_as_previous[0] = False
    for key in keys:
        sorted_key = np.asarray(key)[order]
        same_as_previous[1:] &= sorted_key[1:] == sorted_key[:-1]
    if not same_as_previous.any():
        return np.empty((0, 2), dtype=np.int64)
    bucket_start = np.maximum.accumulate(np.where(same_as_previous, 0, np.arange(count)))
    positions = np.flatnonzero(same_as_previous)
    star = np.stack([members[order[bucket_start[positions]]], members[order[positions]]], axis=1)
    chained = positions[bucket_start[positions] != positions - 1]
    chain = np.stack([members[order[chained - 1]], members[order[chained]]], axis=1)
    return np.concatenate([star, chain])


def candidate_pairs(keys: np.ndarray) -> np.ndarray:
    """Pairs (i, j), i < j, of documents sharing a bucket in any band; shape (n, 2), sorted, unique."""
    documents = np.arange(keys.shape[0], dtype=np.int64)
    found = [bucket_edges([keys[:, band]], documents) for band in range(keys.shape[1])]
    found = [edges for edges in found if len(edges)]
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found), axis=0)
