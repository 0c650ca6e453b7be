"""Vectorised MinHash signatures over character n-grams.

Same semantics as datasketch's MinHash (a document is the set of its character n-grams; each
of `num_perm` hash functions is applied to every element and the minimum is kept), computed in
numpy for whole batches of documents instead of one Python call per document:

- n-gram hashes: code points are combined with a rolling polynomial in wrapping uint64
  arithmetic and finished with the splitmix64 mixer, giving one 32-bit hash per n-gram.
- permutations: Dietzfelbinger's multiply-shift hashing `(a * x mod 2**64) >> 32` with random
  odd `a`, a universal family that needs one multiplication and no modulo (the modulo by a
  Mersenne prime is the main cost in datasketch's update).
- per document minima: `np.minimum.reduceat` over the batch's concatenated hash rows.

Signatures depend only on (text, ngram, num_perm, seed), never on batching or process count.
`signatures` spreads batches over processes when `workers > 1`: forked on Linux (no pickling of
the whole corpus or re-import of the caller's main module; the children only run numpy), spawned
elsewhere.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from concurrent.futures import ProcessPoolExecutor
from typing import Callable

import numpy as np

_ROLL = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
# N-grams per block of the (num_perm x n-grams) matrix: ~4 MB at 128 perms, cache friendly.
_BLOCK_ROWS = 1 << 12


def _splitmix64(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX1
    x = x ^ (x >> np.uint64(27))
    x = x * _MIX2
    return x ^ (x >> np.uint64(31))


def shingle_hashes_batch(texts: list[str], ngram: int) -> tuple[np.ndarray, np.ndarray]:
    """32-bit n-gram hashes (as uint64) of several texts at once: (flat hashes, start offset per text).

    A text shorter than `ngram` is padded with NULs to one n-gram, so every text has at least one.
    """
    padded = [text if len(text) >= ngram else text + "\0" * (ngram - len(text)) for text in texts]
    lengths = np.fromiter((len(text) for text in padded), dtype=np.int64, count=len(padded))
    codes = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - ngram + 1
    with np.errstate(over="ignore"):
        acc = codes[:count].copy()
        for offset in range(1, ngram):
            acc *= _ROLL
            acc += codes[offset : offset + count]
        hashes = _splitmix64(acc + np.uint64(ngram)) >> np.uint64(32)
    # Drop the windows that straddle two texts: the last ngram-1 starts before each boundary.
    ends = np.cumsum(lengths)
    if ngram > 1 and len(ends) > 1:
        valid = np.ones(count, dtype=bool)
        valid[(ends[:-1, None] - np.arange(1, ngram)[None, :]).ravel()] = False
        hashes = hashes[valid]
    offsets = np.r_[0, np.cumsum(lengths - ngram + 1)[:-1]]
    return hashes, offsets


def shingle_hashes(text: str, ngram: int) -> np.ndarray:
    """32-bit hashes (as uint64) of the character n-grams of one text."""
    return shingle_hashes_batch([text], ngram)[0]


def permutations(num_perm: int, seed: int) -> np.ndarray:
    """The odd multipliers of the `num_perm` hash functions, drawn from `seed`."""
    generator = np.random.Generator(np.random.PCG64(seed))
    return generator.integers(0, np.iinfo(np.uint64).max, size=num_perm, dtype=np.uint64, endpoint=True) | np.uint64(1)


def _signature_batch(texts: list[str], ngram: int, num_perm: int, seed: int) -> np.ndarray:
    multipliers = permutations(num_perm, seed)[:, None]
    out = np.empty((len(texts), num_perm), dtype=np.uint32)
    # Layout (num_perm, n-grams): each permutation's values are contiguous, so the per-document
    # minimum is a reduceat along the fast axis (several times faster than the transposed layout).
    buffer = np.empty((num_perm, _BLOCK_ROWS), dtype=np.uint64)
    lengths = [max(len(text), ngram) - ngram + 1 for text in texts]
    start = 0
    while start < len(texts):
        # Whole documents until the block holds about _BLOCK_ROWS n-grams (at least one document).
        stop, rows = start + 1, lengths[start]
        while stop < len(texts) and rows + lengths[stop] <= _BLOCK_ROWS:
            rows += lengths[stop]
            stop += 1
        flat, offsets = shingle_hashes_batch(texts[start:stop], ngram)
        block = buffer[:, : len(flat)] if len(flat) <= _BLOCK_ROWS else np.empty((num_perm, len(flat)), dtype=np.uint64)
        with np.errstate(over="ignore"):
            np.multiply(multipliers, flat[None, :], out=block)
        # Shifting after the minimum gives the same value as shifting first (floor is monotone).
        out[start:stop] = (np.minimum.reduceat(block, offsets, axis=1) >> np.uint64(32)).T
        start = stop
    return out


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def signatures(texts: list[str], ngram: int = 5, num_perm: int = 128, seed: int = 42, workers: int = 1, progress=None) -> np.ndarray:
    """MinHash signatures, shape (len(texts), num_perm), dtype uint32.

    `progress`, if given, is called with the number of documents finished after each chunk.
    """
    if not texts:
        return np.empty((0, num_perm), dtype=np.uint32)
    if workers <= 1 or len(texts) < 2000:
        result = _signature_batch(texts, ngram, num_perm, seed)
        if progress:
            progress(len(texts))
        return result
    # Several chunks per worker keep both cores busy and the progress bar moving.
    chunk = max(500, len(texts) // (workers * 8))
    bounds = [(start, min(start + chunk, len(texts))) for start in range(0, len(texts), chunk)]
    out = np.empty((len(texts), num_perm), dtype=np.uint32)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with warnings.catch_warnings(), ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(method)) as pool:
        # polars and CPython warn that a forked child must not use their threads; ours only run numpy.
        warnings.filterwarnings("ignore", message=".*fork.*")
        futures = [(lo, hi, pool.submit(_signature_batch, texts[lo:hi], ngram, num_perm, seed)) for lo, hi in bounds]
        for lo, hi, future in futures:
            out[lo:hi] = future.result()
            if progress:
                progress(hi - lo)
    return out


def shingle_set(text: str, ngram: int) -> np.ndarray:
    """Sorted unique n-gram hashes of `text` (the set that MinHash estimates Jaccard over)."""
    hashes = np.sort(shingle_hashes(text, ngram))
    return hashes[np.r_[True, hashes[1:] != hashes[:-1]]]


def jaccard(left: np.ndarray, right: np.ndarray) -> float:
    """Exact Jaccard similarity of two n-gram hash sets (arrays of unique values)."""
    if len(left) == 0 and len(right) == 0:
        return 1.0
    shared = len(np.intersect1d(left, right, assume_unique=True))
    return shared / (len(left) + len(right) - shared)


def verified(pairs: np.ndarray, method: str, threshold: float, ngram: int, text_of: Callable[[int], str] | None = None, sigs: np.ndarray | None = None) -> np.ndarray:
    """Which candidate pairs (n, 2) are duplicates: a boolean mask.

    `exact`: the n-gram Jaccard of the two texts (`text_of(index)`) reaches `threshold`;
    `minhash`: the share of equal signature values (`sigs`) does; `none`: every pair is kept.
    """
    if method == "none" or not len(pairs):
        return np.ones(len(pairs), dtype=bool)
    if method == "minhash":
        # In blocks, so millions of pairs never gather two full (pairs x num_perm) copies at once.
        return np.concatenate([np.mean(sigs[block[:, 0]] == sigs[block[:, 1]], axis=1) >= threshold for block in np.array_split(pairs, -(-len(pairs) // 65536))])
    shingles: dict[int, np.ndarray] = {}

    def shingles_of(index: int) -> np.ndarray:
        if index not in shingles:
            shingles[index] = shingle_set(text_of(index), ngram)
        return shingles[index]

    return np.fromiter((jaccard(shingles_of(left), shingles_of(right)) >= threshold for left, right in pairs.tolist()), dtype=bool, count=len(pairs))
