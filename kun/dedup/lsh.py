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
def optimal_bands(threshold: float, num_perm: int, false_positive_weight: float = 0.5, false_negative_weight: float = 0.5) -> tuple[int, int]:
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


def candidate_pairs(keys: np.ndarray) -> np.ndarray:
    """Pairs (i, j), i < j, of documents sharing a bucket in any band; shape (n, 2), sorted, unique.

    A bucket with members m0 < m1 < ... < mk (input order) contributes the star (m0, mi) and the
    chain (mi, mi+1) edges: linear in the bucket size, enough to connect the whole bucket for
    clustering, and the chain still offers each member its nearest neighbour in input order when
    verification rejects a star edge.
    """
    found = []
    n_docs = keys.shape[0]
    for band in range(keys.shape[1]):
        column = keys[:, band]
        # Sort by (key, document) so members of a bucket are adjacent and in input order.
        order = np.lexsort((np.arange(n_docs), column))
        sorted_keys = column[order]
        same_as_previous = np.r_[False, sorted_keys[1:] == sorted_keys[:-1]]
        if not same_as_previous.any():
            continue
        bucket_start = np.maximum.accumulate(np.where(same_as_previous, 0, np.arange(n_docs)))
        members = np.flatnonzero(same_as_previous)
        firsts = order[bucket_start[members]]
        found.append(np.stack([firsts, order[members]], axis=1))
        chained = members[bucket_start[members] != members - 1]
        found.append(np.stack([order[chained - 1], order[chained]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.concatenate(found).astype(np.int64), axis=0)
