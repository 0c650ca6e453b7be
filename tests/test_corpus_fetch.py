"""Fetching the demo corpus with npm (network: slow) and its clear errors (fast)."""

import io
import tarfile

import pytest

from kun.core.errors import KunError
from kun.corpus.fetch import CorpusParams, extract, fetch_corpus
from kun.corpus.ingest import IngestParams, SourceParams, ingest


def make_tarball(path, members):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


def test_extract_keeps_only_included_files_and_refuses_escapes(tmp_path):
    tarball = tmp_path / "p.tgz"
    make_tarball(
        tarball,
        {"package/dist/a/x.json": b"[]", "package/dist/b/y.json": b"[]", "package/../../evil.json": b"x"},
    )
    assert extract(tarball, ["dist/a/*.json", "*.json"], tmp_path / "out") == [
        "dist/a/x.json",
        "dist/b/y.json",
    ]
    assert not (tmp_path / "evil.json").exists()
    with pytest.raises(KunError, match="no file matches"):
        extract(tarball, ["nothing/*"], tmp_path / "out2")


def test_missing_npm_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(KunError, match="npm not found"):
        fetch_corpus(CorpusParams(), tmp_path / "corpus")


@pytest.mark.slow
def test_fetch_pinned_chinese_poetry_and_ingest_it(tmp_path):
    params = CorpusParams(package="chinese-poetry", version="2.0.1", include=["dist/lunyu/*.json"])
    files = fetch_corpus(params, tmp_path / "corpus")
    assert files == ["dist/lunyu/lunyu.json"]
    source = SourceParams(
        name="lunyu",
        path="corpus/dist/lunyu/lunyu.json",
        format="json",
        text_field="paragraphs",
        title_field="chapter",
    )
    segments, _, metrics = ingest(IngestParams(sources=[source]), tmp_path)
    assert metrics["docs_in"] == 20  # the twenty books of the Analects
    assert segments.height > 20 and segments.get_column("text").str.contains("学而时习之").any()
