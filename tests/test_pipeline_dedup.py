"""`dvc repro` of ingest + dedup on a fixture corpus in a temporary copy of the repository."""

import json
import shutil

import polars as pl
import pytest
from dvc_helpers import DOCS_SOURCE, dvc, make_repo_copy, ran_stages, update_params, use_fixture_corpus

# a real DVC run, Ray cluster or S3 server: the integration tier (`make test` runs it after the fast one)
pytestmark = pytest.mark.integration


def test_repro_caches_and_threshold_change_reruns_only_dedup(tmp_path, tiny_model_dir):
    repo = make_repo_copy(tmp_path / "repo")
    # The raw-text gate counts tokens with the label base's tokenizer: an own model directory here.
    shutil.copytree(tiny_model_dir, repo / "models" / "tiny")
    use_fixture_corpus(  # own data instead of the demo corpus
        repo,
        [
            DOCS_SOURCE,
            {
                "name": "poems",
                "path": "data/raw/fixture/*.json",
                "format": "json",
                "text_field": "paragraphs",
                "title_field": "title",
            },
        ],
        **{"model.label_base": "models/tiny"},
    )

    first = dvc(repo, "repro", "dedup")
    assert ran_stages(first, gate=True) == {"check_params", "ingest", "dedup"}  # the params gate first
    segments = pl.read_parquet(repo / "data/interim/segments.parquet")
    unique = pl.read_parquet(repo / "data/interim/unique.parquet")
    dedup_metrics = json.loads((repo / "metrics/dedup.json").read_text())
    assert dedup_metrics["docs_in"] == segments.height
    assert dedup_metrics["exact_duplicates"] == 1 and dedup_metrics["near_duplicates"] == 1
    assert unique.height == segments.height - 2
    ingest_metrics = json.loads((repo / "metrics/ingest.json").read_text())
    assert ingest_metrics["segments_out"] == segments.height and ingest_metrics["max_tokens"] == 512
    assert segments.get_column("n_tokens").null_count() == 0

    second = dvc(repo, "repro", "dedup")
    assert ran_stages(second) == set()

    update_params(repo, {"dedup.threshold": 0.95})
    third = dvc(repo, "repro", "dedup")
    assert ran_stages(third) == {"dedup"}
    assert json.loads((repo / "metrics/dedup.json").read_text())["near_duplicates"] == 0
