"""engine: ray gives the same results as engine: local, on a two-node Ray cluster started here.

The cluster is real: a head node and a second node, one CPU each, as separate raylet processes
(ray.cluster_utils.Cluster, what Ray's own multi-node tests use), joined through RAY_ADDRESS
exactly as a stage joins a cluster started with `ray start`.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from synthetic import edit, planted_corpus

from kun.core.errors import KunError
from kun.dedup import DedupParams, deduplicate
from kun.dedup.cluster import UnionFind
from kun.llm import LLM, LLMParams, load_llm
from kun.llm.cache import RecordCache

# a real DVC run, Ray cluster or S3 server: the integration tier (`make test` runs it after the fast one)
pytestmark = pytest.mark.integration

ray = pytest.importorskip("ray", reason="install the ray extra: pip install -e '.[ray]'")


@pytest.fixture(scope="module")
def ray_cluster():
    from ray.cluster_utils import Cluster

    cluster = Cluster(
        initialize_head=True, head_node_args={"num_cpus": 1, "object_store_memory": 150 * 1024**2}
    )
    cluster.add_node(num_cpus=1, object_store_memory=150 * 1024**2)
    cluster.wait_for_nodes()
    patch = pytest.MonkeyPatch()
    patch.setenv("RAY_ADDRESS", cluster.address)
    yield cluster
    ray.shutdown()
    cluster.shutdown()
    patch.undo()


def corpus_with_chains() -> pl.DataFrame:
    """Planted near copies, exact copies, and chains (a~b, b~c, a!~c) that only transitivity joins."""
    texts, _ = planted_corpus(1200, 300, copy_share=0.3, seed=3)
    generator = np.random.Generator(np.random.PCG64(7))
    for start in range(0, 60, 6):
        text = texts[start]
        for _ in range(5):  # each link edits 6%: neighbours are similar, the chain's ends are not
            text = edit(generator, text, 0.06)
            texts.append(text)
    texts += texts[:40]  # exact copies
    return pl.DataFrame({"id": [f"doc{index}" for index in range(len(texts))], "text": texts})


@pytest.mark.parametrize("verify", ["exact", "minhash", "none"])
def test_dedup_on_ray_matches_local(ray_cluster, verify):
    frame = corpus_with_chains()
    params = DedupParams(threshold=0.6, verify=verify)
    local = deduplicate(frame, params)
    distributed = deduplicate(frame, DedupParams(threshold=0.6, verify=verify, engine="ray", partitions=6))
    assert len(ray.nodes()) == 2
    assert distributed.metrics["engine"] == "ray"
    assert local.kept.equals(distributed.kept)
    assert local.clusters.equals(distributed.clusters)
    for key in (
        "docs_out",
        "exact_duplicates",
        "near_duplicates",
        "duplicate_clusters",
        "candidate_pairs",
        "verified_edges",
    ):
        assert local.metrics[key] == distributed.metrics[key], key
    assert local.metrics["near_duplicates"] > 300 and local.metrics["exact_duplicates"] == 40


def test_connected_components_on_ray_match_union_find(ray_cluster):
    import pyarrow as pa

    from kun.core.engine import init_ray
    from kun.dedup.distributed import connected_components

    init_ray()
    generator = np.random.default_rng(0)
    size = 2000
    order = generator.permutation(size)
    chain = np.stack([order[:-1], order[1:]], axis=1)[generator.random(size - 1) < 0.95]  # long paths
    edges = np.concatenate([chain, generator.integers(0, size, size=(100, 2))])
    edges = edges[edges[:, 0] != edges[:, 1]]
    left, right = edges.min(axis=1), edges.max(axis=1)
    union = UnionFind(size)
    for a, b in zip(left.tolist(), right.tolist()):
        union.union(a, b)
    dataset = ray.data.from_arrow(pa.table({"left": left, "right": right}))
    roots, rounds = connected_components(dataset, np.empty((0, 2), dtype=np.int64), np.arange(size), size, 5)
    assert rounds > 2  # long chains need several star rounds
    assert np.array_equal(roots, union.roots())


def test_llm_stages_on_ray_match_local(ray_cluster, tiny_model_dir, tmp_path):
    from test_generation_stages import LENIENT_FILTER, SEED, segments_frame

    from kun.instructions.curate import curate
    from kun.instructions.label import LabelParams, label
    from kun.instructions.polish import PolishParams, polish
    from kun.instructions.score import ScoreParams, score

    def run(engine: str, cache_name: str):
        params = LLMParams(engine=engine, replicas=2, batch_size=2, chunk_size=3, num_threads=1)
        llm = load_llm(params, tiny_model_dir)
        llm.cache = RecordCache(tmp_path / cache_name)
        candidates, rejected, _ = label(
            segments_frame(),
            LabelParams(mode="prompt", max_new_tokens=8, num_candidates=2, temperature=0.8),
            llm,
            SEED,
        )
        # The random model's replies are what they are; score and polish need some instructions.
        usable = pl.concat(
            [candidates, rejected.drop("reason").with_columns(pl.lit("请解释这句话").alias("instruction"))]
        )
        scored, _ = score(usable, ScoreParams(verdict="logprob"), llm)
        polished, _ = polish(curate(scored, LENIENT_FILTER)[0], PolishParams(max_new_tokens=8), llm)
        return llm, candidates, rejected, scored, polished

    local_llm, *local = run("local", "local.sqlite")
    ray_llm, *distributed = run("ray", "ray.sqlite")
    assert ray_llm.backend.name == "ray" and local_llm.backend.name == "transformers"
    assert ray_llm.fingerprint == local_llm.fingerprint  # one cache serves both engines
    assert ray_llm.stats["backend_calls"] == local_llm.stats["backend_calls"] > 0
    for mine, theirs in zip(local, distributed):
        assert mine.equals(theirs)
    assert all(frame.height for frame in local[2:])  # scored and polished rows were compared

    # The ray run filled its cache on the driver: reading it back with the local engine costs nothing.
    reuse = LLM(local_llm.backend, RecordCache(tmp_path / "ray.sqlite"))
    label(
        segments_frame(),
        LabelParams(mode="prompt", max_new_tokens=8, num_candidates=2, temperature=0.8),
        reuse,
        SEED,
    )
    assert reuse.stats["cache_misses"] == 0 and reuse.stats["cache_hits"] == 20


def test_engine_is_validated():
    from kun.core.params import section

    with pytest.raises(KunError, match="dedup.engine"):
        section(DedupParams, {"dedup": {"engine": "spark"}}, "dedup")
    with pytest.raises(KunError, match="llm.replicas"):
        section(LLMParams, {"llm": {"engine": "ray", "replicas": 0}}, "llm")


def test_missing_ray_is_a_clear_error(monkeypatch):
    import builtins

    from kun.core.engine import import_ray

    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray":
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(KunError, match=r"pip install -e '\.\[ray\]'"):
        import_ray()


def test_dvc_stage_joins_the_cluster_and_matches_local(ray_cluster, tmp_path):
    """`dedup.engine: ray` under `dvc repro`: the stage process joins the cluster via RAY_ADDRESS."""
    import json

    from dvc_helpers import dvc, make_repo_copy, ran_stages, update_params, use_fixture_corpus

    repo = make_repo_copy(tmp_path / "repo")
    use_fixture_corpus(repo)
    dvc(repo, "repro", "dedup")
    local = pl.read_parquet(repo / "data/interim/dedup_clusters.parquet")

    update_params(repo, {"dedup.engine": "ray"})
    assert ran_stages(dvc(repo, "repro", "dedup")) == {"dedup"}
    metrics = json.loads((repo / "metrics/dedup.json").read_text())
    assert metrics["engine"] == "ray" and metrics["near_duplicates"] >= 1
    assert pl.read_parquet(repo / "data/interim/dedup_clusters.parquet").equals(local)


def test_cli_dedup_engine_ray(ray_cluster, tmp_path):
    import json

    from click.testing import CliRunner

    from kun.cli.commands import main

    source = tmp_path / "in.jsonl"
    corpus_with_chains().head(300).write_ndjson(source)
    runner = CliRunner()
    for engine in ("local", "ray"):
        result = runner.invoke(
            main,
            [
                "dedup",
                str(source),
                str(tmp_path / f"{engine}.jsonl"),
                "--threshold",
                "0.6",
                "--engine",
                engine,
                "--metrics",
                str(tmp_path / f"{engine}.json"),
            ],
        )
        assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "ray.json").read_text())["engine"] == "ray"
    assert json.loads((tmp_path / "local.json").read_text())["near_duplicates"] > 0
    assert (tmp_path / "ray.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def test_unreachable_ray_address_is_one_clear_line():
    import socket

    from kun.core.engine import _check_reachable

    with socket.socket() as probe:  # a port that was free a moment ago: nobody listens there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(
        KunError, match=rf"cannot reach the Ray cluster at RAY_ADDRESS=127\.0\.0\.1:{port} .*ray start --head"
    ):
        _check_reachable(f"127.0.0.1:{port}")
    _check_reachable("auto")  # Ray's own forms are left to Ray
