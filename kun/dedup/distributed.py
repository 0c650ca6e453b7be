"""The MinHash dedup phases on Ray Data (`dedup.engine: ray`).

Same algorithm and same results as the local engine (kun.dedup.deduplicate), partitioned:

1. signatures: `map_batches` over blocks of unique texts computes MinHash signatures and band
   keys with the local numpy code (kun.dedup.minhash, kun.dedup.lsh);
2. buckets: (band, key, document) rows are hash-partitioned on the key; each partition holds
   whole buckets and emits their star + chain edges (kun.dedup.lsh.bucket_edges); a second
   partitioning on the pair removes pairs found in several bands;
3. verify: each block of candidate pairs is checked by exact n-gram Jaccard (or the signature
   estimate) against texts shared through the object store;
4. clusters: connected components by alternating large-star / small-star rounds (Kiveris et al.,
   "Connected Components in MapReduce and Beyond", 2014; the method text-dedup runs on Spark),
   each round one partitioned pass over the edges, until every component is a star around its
   smallest member: the first occurrence in input order, as in the local union-find.

Grouping is a Ray `groupby(part).map_groups` on a coarse hash partition column, so each call
sees thousands of buckets or nodes at once and works on them with numpy.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from kun.core.errors import KunError
from kun.dedup.lsh import band_keys, bucket_edges
from kun.dedup.minhash import _signature_batch, verified

_MIX = np.uint64(0x9E3779B97F4A7C15)
MAX_ROUNDS = 64


def _partition(values: np.ndarray, partitions: int, salt: np.ndarray | None = None) -> np.ndarray:
    """A well-mixed partition number in [0, partitions) for each value (and optional second value)."""
    with np.errstate(over="ignore"):
        mixed = values.astype(np.uint64) * _MIX
        if salt is not None:
            mixed = (mixed ^ (mixed >> np.uint64(29))) + salt.astype(np.uint64) * np.uint64(
                0xBF58476D1CE4E5B9
            )
        mixed ^= mixed >> np.uint64(31)
    return (mixed % np.uint64(partitions)).astype(np.int64)


# -- phase functions (run on the workers) ----------------------------------------------------


def _signature_block(
    batch: dict[str, np.ndarray], ngram: int, num_perm: int, seed: int, bands: int, rows: int
) -> dict[str, np.ndarray]:
    sigs = _signature_batch([str(text) for text in batch["text"]], ngram, num_perm, seed)
    return {"uid": batch["uid"].astype(np.int64), "signature": sigs, "keys": band_keys(sigs, bands, rows)}


def _band_rows(batch: dict[str, np.ndarray], partitions: int) -> dict[str, np.ndarray]:
    keys = np.asarray(batch["keys"], dtype=np.uint64)
    count, bands = keys.shape
    flat = keys.ravel()
    return {
        "band": np.tile(np.arange(bands, dtype=np.int64), count),
        "key": flat,
        "uid": np.repeat(batch["uid"], bands),
        "part": _partition(flat, partitions),
    }


def _bucket_pairs(batch: dict[str, np.ndarray], partitions: int) -> dict[str, np.ndarray]:
    edges = bucket_edges([batch["band"], batch["key"]], batch["uid"])
    return {
        "left": edges[:, 0],
        "right": edges[:, 1],
        "part": _partition(edges[:, 0], partitions, edges[:, 1]),
    }


def _unique_pairs(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    pairs = np.unique(np.stack([batch["left"], batch["right"]], axis=1).astype(np.int64), axis=0)
    return {"left": pairs[:, 0], "right": pairs[:, 1]}


def _verify_block(
    batch: dict[str, np.ndarray], shared: list, method: str, ngram: int, threshold: float
) -> dict[str, np.ndarray]:
    import ray

    pairs = np.stack([batch["left"], batch["right"]], axis=1).astype(np.int64)
    text_of, sigs = None, None
    if method == "exact":
        texts = ray.get(shared[0])
        needed = np.unique(pairs)
        text_of = dict(zip(needed.tolist(), texts.take(needed).to_pylist())).__getitem__
    elif method == "minhash":
        sigs = ray.get(shared[0])
    keep = verified(pairs, method, threshold, ngram, text_of, sigs)
    return {"left": pairs[keep, 0], "right": pairs[keep, 1]}


def _to_rows(batch: dict[str, np.ndarray], shared: list) -> dict[str, np.ndarray]:
    import ray

    unique_rows = ray.get(shared[0])
    return {
        "child": unique_rows[batch["right"].astype(np.int64)],
        "parent": unique_rows[batch["left"].astype(np.int64)],
    }


def _both_directions(batch: dict[str, np.ndarray], partitions: int) -> dict[str, np.ndarray]:
    child, parent = batch["child"], batch["parent"]
    node, neighbour = np.r_[child, parent], np.r_[parent, child]
    return {"node": node, "neighbour": neighbour, "part": _partition(node, partitions)}


def _larger_first(batch: dict[str, np.ndarray], partitions: int) -> dict[str, np.ndarray]:
    high = np.maximum(batch["child"], batch["parent"])
    low = np.minimum(batch["child"], batch["parent"])
    return {"node": high, "neighbour": low, "part": _partition(high, partitions)}


def _grouped(batch: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(node, neighbour) sorted and without repeats, start of each node's run, least neighbour per node."""
    pairs = np.unique(np.stack([batch["node"], batch["neighbour"]], axis=1).astype(np.int64), axis=0)
    node, neighbour = pairs[:, 0], pairs[:, 1]
    starts = np.flatnonzero(np.r_[True, node[1:] != node[:-1]])
    least = np.minimum.reduceat(neighbour, starts)
    return node, neighbour, starts, least


def _large_star(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Link every larger neighbour of u to the least of u and its neighbours."""
    node, neighbour, starts, least = _grouped(batch)
    if not len(node):
        return {"child": node, "parent": node}
    target = np.repeat(np.minimum(least, node[starts]), np.diff(np.r_[starts, len(node)]))
    keep = neighbour > node
    return {"child": neighbour[keep], "parent": target[keep]}


def _small_star(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Link u and every smaller neighbour of u to the least of them (input holds only smaller neighbours)."""
    node, neighbour, starts, least = _grouped(batch)
    if not len(node):
        return {"child": node, "parent": node}
    target = np.repeat(least, np.diff(np.r_[starts, len(node)]))
    children = np.r_[neighbour, node[starts]]
    parents = np.r_[target, least]
    keep = children != parents
    return {"child": children[keep], "parent": parents[keep]}


def _roles(batch: dict[str, np.ndarray], partitions: int) -> dict[str, np.ndarray]:
    child, parent = batch["child"], batch["parent"]
    node = np.r_[child, parent]
    return {
        "node": node,
        "other": np.r_[parent, np.full(len(parent), -1, dtype=np.int64)],
        "part": _partition(node, partitions),
    }


def _violations(batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Nodes that break the star shape: more than one parent, or both a child and a parent."""
    pairs = np.unique(np.stack([batch["node"], batch["other"]], axis=1).astype(np.int64), axis=0)
    node, other = pairs[:, 0], pairs[:, 1]
    is_child = other >= 0
    nodes, inverse = np.unique(node, return_inverse=True)
    parents = np.bincount(inverse, weights=is_child, minlength=len(nodes))
    is_parent = np.bincount(inverse, weights=~is_child, minlength=len(nodes)) > 0
    bad = (parents > 1) | ((parents >= 1) & is_parent)
    return {"violations": np.array([int(bad.sum())], dtype=np.int64)}


# -- driver ------------------------------------------------------------------------------------


def _grouped_map(dataset, fn):
    return dataset.groupby("part").map_groups(fn, batch_format="numpy")


def near_duplicate_edges(
    unique_texts: list[str], params: Any, bands: int, rows: int, partitions: int
) -> tuple[Any, dict[str, int], dict[str, float]]:
    """Verified near-duplicate edges (left < right, indices into `unique_texts`) as a Ray dataset."""
    import pyarrow as pa

    from kun.core.engine import init_ray

    init_ray()
    import ray.data  # binds `ray` too

    timings: dict[str, float] = {}
    phase = time.perf_counter()
    texts = pa.array(unique_texts, type=pa.large_string())
    table = pa.table({"uid": np.arange(len(unique_texts), dtype=np.int64), "text": texts})
    step = -(-table.num_rows // partitions)
    blocks = [table.slice(start, step) for start in range(0, table.num_rows, step)]
    signed = (
        ray.data.from_arrow(blocks)
        .map_batches(
            _signature_block,
            batch_format="numpy",
            fn_kwargs={
                "ngram": params.ngram,
                "num_perm": params.num_perm,
                "seed": params.seed,
                "bands": bands,
                "rows": rows,
            },
        )
        .materialize()
    )
    timings["signatures"] = time.perf_counter() - phase

    phase = time.perf_counter()
    band_rows = signed.select_columns(["uid", "keys"]).map_batches(
        _band_rows, batch_format="numpy", fn_kwargs={"partitions": partitions}
    )
    bucket_pairs = _grouped_map(band_rows, lambda batch: _bucket_pairs(batch, partitions))
    pairs = _grouped_map(bucket_pairs, _unique_pairs).materialize()
    candidate_count = pairs.count()
    timings["buckets"] = time.perf_counter() - phase

    phase = time.perf_counter()
    if params.verify == "exact":
        shared = [ray.put(texts)]
    elif params.verify == "minhash":
        order_and_sigs = signed.select_columns(["uid", "signature"]).to_numpy_refs()
        parts = ray.get(order_and_sigs)
        sigs = np.empty((len(unique_texts), params.num_perm), dtype=np.uint32)
        for part in parts:
            sigs[part["uid"]] = part["signature"]
        shared = [ray.put(sigs)]
    else:
        shared = []
    edges = pairs.map_batches(
        _verify_block,
        batch_format="numpy",
        fn_kwargs={
            "shared": shared,
            "method": params.verify,
            "ngram": params.ngram,
            "threshold": params.threshold,
        },
    ).materialize()
    edge_count = edges.count()
    timings["verify"] = time.perf_counter() - phase
    return edges, {"candidate_pairs": candidate_count, "verified_edges": edge_count}, timings


def connected_components(
    near_edges: Any, exact_edges: np.ndarray, unique_rows: np.ndarray, size: int, partitions: int
) -> tuple[np.ndarray, int]:
    """Root (least member) of every row's component, and the number of star rounds it took.

    `near_edges` is a Ray dataset of (left, right) indices into `unique_rows`; `exact_edges`
    is an (n, 2) array of (first occurrence, duplicate) rows.
    """
    from kun.core.engine import init_ray

    init_ray()
    import ray.data  # binds `ray` too

    rows_ref = [ray.put(unique_rows.astype(np.int64))]
    graph = near_edges.map_batches(_to_rows, batch_format="numpy", fn_kwargs={"shared": rows_ref})
    if len(exact_edges):
        import pyarrow as pa

        exact = pa.table(
            {"child": exact_edges[:, 1].astype(np.int64), "parent": exact_edges[:, 0].astype(np.int64)}
        )
        graph = graph.union(ray.data.from_arrow(exact))
    graph = graph.materialize()
    roots = np.arange(size, dtype=np.int64)
    if graph.count() == 0:
        return roots, 0
    for rounds in range(1, MAX_ROUNDS + 1):
        graph = _grouped_map(
            graph.map_batches(_both_directions, batch_format="numpy", fn_kwargs={"partitions": partitions}),
            _large_star,
        )
        graph = _grouped_map(
            graph.map_batches(_larger_first, batch_format="numpy", fn_kwargs={"partitions": partitions}),
            _small_star,
        ).materialize()
        checks = _grouped_map(
            graph.map_batches(_roles, batch_format="numpy", fn_kwargs={"partitions": partitions}), _violations
        )
        if sum(int(row["violations"]) for row in checks.take_all()) == 0:
            break
    else:
        raise KunError(
            f"dedup: connected components did not converge in {MAX_ROUNDS} star rounds; report this with the input"
        )
    for batch in graph.iter_batches(batch_format="numpy", batch_size=None):
        roots[batch["child"].astype(np.int64)] = batch["parent"].astype(np.int64)
    return roots, rounds
