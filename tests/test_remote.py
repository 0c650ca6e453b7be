"""DVC remotes: push from one clone, pull into a clean second clone (local directory and a real
S3 protocol server, moto, on 127.0.0.1), clear errors, and importing from a dataset registry."""

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dvc_helpers import (
    CORPUS_FIXTURES,
    commit,
    drop_stage,
    dvc,
    make_repo_copy,
    ran_stages,
    run,
    update_params,
    use_fixture_corpus,
)

# a real DVC run, Ray cluster or S3 server: the integration tier (`make test` runs it after the fast one)
pytestmark = pytest.mark.integration

OUTPUTS = [
    "data/interim/segments.parquet",
    "data/interim/unique.parquet",
    "data/interim/dedup_clusters.parquet",
]


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def data_repo(tmp_path: Path) -> Path:
    """A repo copy that has run ingest + dedup on the fixture corpus, committed."""
    repo = make_repo_copy(tmp_path / "origin")
    use_fixture_corpus(repo)
    # Raw data is tracked by DVC too, so a clone can rebuild or pull everything.
    dvc(repo, "add", "data/raw/fixture")
    dvc(repo, "repro", "dedup")
    commit(repo, "data")
    return repo


def push_and_pull(
    origin: Path, tmp_path: Path, remote_args: list[str], env_remote: dict | None = None
) -> Path:
    dvc(origin, "remote", "add", "-d", "storage", *remote_args)
    for key, value in (env_remote or {}).items():
        dvc(origin, "remote", "modify", "storage", key, value)
    commit(origin, "remote")
    pushed = dvc(origin, "push")
    assert "pushed" in (pushed.stdout + pushed.stderr)
    assert "in sync" in dvc(origin, "status", "--cloud", "dedup").stdout  # the remote holds every output
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(origin), str(clone)], tmp_path)
    assert not (clone / "data/interim/unique.parquet").exists()
    assert (
        "in sync" not in dvc(clone, "status", "--cloud", "--with-deps", "dedup").stdout
    )  # before the pull: only in the remote
    dvc(clone, "pull", "--with-deps", "dedup")  # only ingest + dedup ran in this repository
    assert "in sync" in dvc(clone, "status", "--cloud", "--with-deps", "dedup").stdout
    for output in OUTPUTS + ["metrics/dedup.json"]:
        assert md5(clone / output) == md5(origin / output), output
    assert ran_stages(dvc(clone, "repro", "dedup")) == set()  # nothing reruns after a pull
    return clone


def test_push_to_local_remote_and_pull_into_fresh_clone(tmp_path):
    origin = data_repo(tmp_path)
    push_and_pull(origin, tmp_path, [str(tmp_path / "remote")])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_moto(monkeypatch, enforce_auth: bool = False):
    """moto's S3 server on 127.0.0.1 with bucket kun-data. With `enforce_auth`, only the bucket
    creation runs unauthenticated; afterwards moto checks credentials like AWS does."""
    pytest.importorskip("moto")
    pytest.importorskip("dvc_s3")
    port = free_port()
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": "1"} if enforce_auth else None
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.2)
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(key, raising=False)
    import boto3

    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket="kun-data")
    return process, endpoint


@pytest.fixture
def s3_server(monkeypatch):
    process, endpoint = start_moto(monkeypatch)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3_server_with_auth(monkeypatch):
    process, endpoint = start_moto(monkeypatch, enforce_auth=True)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


def test_push_to_s3_and_pull_into_fresh_clone(tmp_path, s3_server):
    origin = data_repo(tmp_path)
    push_and_pull(origin, tmp_path, ["s3://kun-data/store"], {"endpointurl": s3_server})


def test_s3_errors_missing_bucket_and_unreachable_endpoint(tmp_path, s3_server):
    origin = data_repo(tmp_path)
    dvc(origin, "remote", "add", "-d", "storage", "s3://no-such-bucket/store")
    dvc(origin, "remote", "modify", "storage", "endpointurl", s3_server)
    missing = dvc(origin, "push", check=False)
    assert missing.returncode != 0 and "bucket does not exist" in (missing.stdout + missing.stderr)
    dvc(origin, "remote", "modify", "storage", "url", "s3://kun-data/store")
    dvc(origin, "remote", "modify", "storage", "endpointurl", f"http://127.0.0.1:{free_port()}")
    dvc(origin, "remote", "modify", "storage", "connect_timeout", "2")
    unreachable = subprocess.run(
        [sys.executable, "-m", "dvc", "push"],
        cwd=origin,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "AWS_MAX_ATTEMPTS": "1"},
    )
    assert unreachable.returncode != 0 and "127.0.0.1" in (unreachable.stdout + unreachable.stderr)


def test_import_dataset_from_a_registry_repository(tmp_path, tiny_model_dir):
    registry = tmp_path / "registry"
    registry.mkdir()
    run(["git", "init", "-q"], registry)
    dvc(registry, "init", "-q")
    (registry / "corpora").mkdir()
    shutil.copy(CORPUS_FIXTURES / "docs.jsonl", registry / "corpora" / "web.jsonl")
    dvc(registry, "add", "corpora/web.jsonl")
    dvc(registry, "remote", "add", "-d", "storage", str(tmp_path / "registry-remote"))
    commit(registry, "register corpus")
    dvc(registry, "push")

    repo = make_repo_copy(tmp_path / "consumer")
    drop_stage(repo, "fetch_corpus")
    commit(repo, "init")
    dvc(repo, "import", str(registry), "corpora/web.jsonl", "-o", "data/raw/web.jsonl")
    assert md5(repo / "data/raw/web.jsonl") == md5(registry / "corpora/web.jsonl")
    shutil.copytree(
        tiny_model_dir, repo / "models" / "tiny"
    )  # the label base whose tokenizer counts ingest.max_tokens
    update_params(
        repo,
        {
            "ingest.sources": [
                {"name": "web", "path": "data/raw/web.jsonl", "format": "jsonl", "text_field": "content"}
            ],
            "ingest.min_chars": 20,
            "model.label_base": "models/tiny",
        },
    )
    assert ran_stages(dvc(repo, "repro", "dedup")) == {"ingest", "dedup"}
    assert json.loads((repo / "metrics/ingest.json").read_text())["docs_per_source"] == {"web": 7}


def test_s3_wrong_credentials(tmp_path, s3_server_with_auth):
    origin = data_repo(tmp_path)
    dvc(origin, "remote", "add", "-d", "storage", "s3://kun-data/store")
    dvc(origin, "remote", "modify", "storage", "endpointurl", s3_server_with_auth)
    denied = dvc(origin, "push", check=False)
    output = denied.stdout + denied.stderr
    assert denied.returncode != 0 and "Forbidden" in output and "403" in output, output
