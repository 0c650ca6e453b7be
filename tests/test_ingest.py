import json
import shutil
from pathlib import Path

import polars as pl
import pytest

from kun.core.errors import KunError
from kun.core.params import from_mapping
from kun.corpus.ingest import SEGMENT_SCHEMA, IngestParams, SourceParams, ingest

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"


def fixture_params(**overrides) -> IngestParams:
    sources = [
        SourceParams(name="docs", path="docs.jsonl", format="jsonl", text_field="content", id_field="id"),
        SourceParams(
            name="poems", path="*.json", format="json", text_field="paragraphs", title_field="title"
        ),
        SourceParams(name="essay", path="essay.txt", format="txt"),
    ]
    return IngestParams(**{"sources": sources, "min_chars": 20, "max_chars": 60, **overrides})


def test_ingest_fixture_corpus_schema_counts_and_provenance():
    segments, rejected, metrics = ingest(fixture_params(), FIXTURES)
    assert dict(segments.schema) == SEGMENT_SCHEMA
    assert metrics["docs_in"] == 10
    assert metrics["docs_per_source"] == {"docs": 7, "poems": 2, "essay": 1}
    assert metrics["segments_dropped"] == {
        "low_cjk_ratio": 0,
        "repeated_chars": 0,
        "repeated_lines": 0,
        "repeated_ngrams": 0,
        "too_short": 1,
    }  # every rule counted
    assert (
        metrics["sentences_over_max_chars_dropped"] == 1
    )  # the English doc is one sentence over 60 characters: dropped whole, never cut
    assert metrics["segments_out"] == segments.height == metrics["segments_before_filters"] - 1
    assert rejected.height == 1 and set(rejected.get_column("reason")) == {"too_short"}
    assert (
        segments.filter(pl.col("source") == "poems").get_column("text").to_list()[0]
        == "春晓\n春眠不觉晓，处处闻啼鸟。\n夜来风雨声，花落知多少。"
    )
    assert segments.filter(pl.col("source") == "docs").get_column("doc_id").to_list()[0] == "docs:doc0"
    assert (segments.get_column("n_chars") <= 60).all()
    # Stable ids: the same input gives the same ids.
    again, _, _ = ingest(fixture_params(), FIXTURES)
    assert again.get_column("id").to_list() == segments.get_column("id").to_list()


def test_parquet_source(tmp_path):
    pl.DataFrame({"body": ["海内存知己，天涯若比邻。无为在歧路，儿女共沾巾。"]}).write_parquet(
        tmp_path / "a.parquet"
    )
    params = IngestParams(
        sources=[SourceParams(name="p", path="a.parquet", format="parquet", text_field="body")], min_chars=5
    )
    segments, _, _ = ingest(params, tmp_path)
    assert segments.get_column("doc_id").to_list() == [
        f"p:{tmp_path / 'a.parquet'}#0".replace(str(tmp_path) + "/", "")
    ]


def test_limit_per_source():
    params = fixture_params()
    params.sources[0].limit = 2
    _, _, metrics = ingest(params, FIXTURES)
    assert metrics["docs_per_source"]["docs"] == 2


def test_missing_text_field_names_file_and_line_or_is_counted(tmp_path):
    shutil.copy(FIXTURES / "docs.jsonl", tmp_path / "docs.jsonl")
    with (tmp_path / "docs.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "x", "body": "没有正文字段"}, ensure_ascii=False) + "\n{broken\n")
    params = IngestParams(
        sources=[SourceParams(name="d", path="docs.jsonl", text_field="content")], min_chars=5
    )
    with pytest.raises(KunError, match=r"docs.jsonl:8: no field 'content'"):
        ingest(params, tmp_path)
    params.skip_bad_lines = True
    _, _, metrics = ingest(params, tmp_path)
    assert metrics["bad_lines_skipped"] == {"missing_text_field": 1, "malformed_json": 1}


def test_missing_empty_and_unmatched_sources(tmp_path):
    (tmp_path / "empty.jsonl").write_text("")
    for path, message in [
        ("nope.jsonl", "no such file"),
        ("empty.jsonl", "empty file"),
        ("*.parquet", "matches no file"),
    ]:
        params = IngestParams(sources=[SourceParams(name="d", path=path)])
        with pytest.raises(KunError, match=message):
            ingest(params, tmp_path)


def test_params_validation_names_key_and_allowed_values():
    with pytest.raises(KunError, match=r"ingest.sources\[0\].format: 'csv' is not allowed"):
        from_mapping(IngestParams, {"sources": [{"name": "a", "path": "x", "format": "csv"}]}, "ingest")
    with pytest.raises(KunError, match=r"ingest.min_cjk_ratio: .* must be between 0 and 1"):
        from_mapping(IngestParams, {"sources": [{"name": "a", "path": "x"}], "min_cjk_ratio": 2}, "ingest")
    with pytest.raises(KunError, match=r"ingest.max_chars: expected an integer"):
        from_mapping(IngestParams, {"sources": [{"name": "a", "path": "x"}], "max_chars": "big"}, "ingest")


def test_the_papers_profile_keeps_whole_texts_and_drops_those_over_max_tokens_whole(tmp_path):
    """segment: false (configs/paper.yaml): a text is never cut; over max_tokens it is dropped
    whole as too_long, as the authors discarded texts over 512 tokens."""
    short = "学而时习之，不亦说乎？有朋自远方来，不亦乐乎？"
    long = "".join(
        [
            "春眠不觉晓，处处闻啼鸟。",
            "夜来风雨声，花落知多少。",
            "白日依山尽，黄河入海流。",
            "欲穷千里目，更上一层楼。",
            "床前明月光，疑是地上霜。",
            "举头望明月，低头思故乡。",
            "红豆生南国，春来发几枝。",
            "愿君多采撷，此物最相思。",
            "千山鸟飞绝，万径人踪灭。",
            "孤舟蓑笠翁，独钓寒江雪。",
        ]
    )
    (tmp_path / "docs.jsonl").write_text(
        "".join(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in (short, long)),
        encoding="utf-8",
    )
    source = SourceParams(name="d", path="docs.jsonl", format="jsonl")

    def count(texts):  # one token per character
        return [len(text) for text in texts]

    whole, rejected, metrics = ingest(
        IngestParams(sources=[source], segment=False, max_tokens=100, max_chars=60, min_chars=5),
        tmp_path,
        count,
    )
    assert whole.get_column("text").to_list() == [short] and metrics["segmented"] is False
    assert rejected.get_column("text").to_list() == [long] and metrics["segments_dropped"]["too_long"] == 1
    cut, _, cut_metrics = ingest(
        IngestParams(sources=[source], segment=True, max_tokens=100, max_chars=60, min_chars=5),
        tmp_path,
        count,
    )
    assert cut.height > 2 and all(
        text.endswith(("。", "？")) for text in cut.get_column("text")
    )  # the default profile: cut between sentences
    assert cut_metrics["sentences_over_max_chars_dropped"] == 0
    with pytest.raises(KunError, match="ingest.max_tokens"):
        from_mapping(
            IngestParams,
            {"sources": [{"name": "d", "path": "x"}], "segment": False, "max_tokens": 0},
            "ingest",
        )


PII_DOCS = [
    {"text": "报名请联系王老师，电话13812345678，邮箱wang.laoshi@school.edu.cn，名额有限先到先得。"},
    {"text": "学而时习之，不亦说乎？有朋自远方来，不亦乐乎？人不知而不愠，不亦君子乎？"},
    {"text": "服务器192.168.10.20的管理员身份证号11010519491231002X已登记，请勿外传此信息。"},
]


def pii_params(tmp_path: Path, mode: str) -> IngestParams:
    (tmp_path / "pii.jsonl").write_text(
        "".join(json.dumps(doc, ensure_ascii=False) + "\n" for doc in PII_DOCS), encoding="utf-8"
    )
    return from_mapping(
        IngestParams,
        {"sources": [{"name": "web", "path": "pii.jsonl"}], "min_chars": 10, "max_chars": 200, "pii": mode},
        "ingest",
    )


def test_pii_is_redacted_with_typed_placeholders_and_counted(tmp_path):
    segments, _, metrics = ingest(pii_params(tmp_path, "redact"), tmp_path)
    texts = segments.get_column("text").to_list()
    assert texts[0] == "报名请联系王老师，电话<PHONE>，邮箱<EMAIL>，名额有限先到先得。"
    assert texts[2] == "服务器<IP>的管理员身份证号<ID>已登记，请勿外传此信息。"
    assert metrics["pii"] == {
        "mode": "redact",
        "found": {"EMAIL": 1, "PHONE": 1, "ID": 1, "CARD": 0, "IP": 1},
        "docs_with_pii": 2,
        "docs_dropped": 0,
    }


def test_pii_drop_leaves_out_the_documents_and_off_keeps_them(tmp_path):
    segments, _, metrics = ingest(pii_params(tmp_path, "drop"), tmp_path)
    assert segments.get_column("text").to_list() == [PII_DOCS[1]["text"]]
    assert metrics["pii"]["docs_dropped"] == 2 and metrics["pii"]["found"]["PHONE"] == 1
    segments, rejected, metrics = ingest(pii_params(tmp_path, "off"), tmp_path)
    assert any("13812345678" in text for text in pl.concat([segments, rejected], how="diagonal")["text"])
    assert metrics["pii"]["docs_with_pii"] == 0


def test_an_unknown_pii_mode_is_one_error_line(tmp_path):
    with pytest.raises(
        KunError, match=r"ingest\.pii: 'mask' is not allowed; use one of 'redact', 'drop', 'off'"
    ):
        pii_params(tmp_path, "mask")


def test_kun_ingest_with_an_unknown_pii_mode_writes_nothing(tmp_path):
    from click.testing import CliRunner

    from kun.cli.commands import main

    pii_params(tmp_path, "redact")  # writes the source file
    params = tmp_path / "params.yaml"
    params.write_text(
        "ingest:\n  sources:\n  - name: web\n    path: pii.jsonl\n  min_chars: 10\n  pii: mask\n",
        encoding="utf-8",
    )
    out = tmp_path / "segments.parquet"
    result = CliRunner().invoke(main, ["ingest", "--params", str(params), "--output", str(out)])
    assert result.exit_code == 1 and not out.exists(), result.output
    assert result.output.strip().splitlines() == [
        f"error: {params}: ingest.pii: 'mask' is not allowed; use one of 'redact', 'drop', 'off'"
    ]
