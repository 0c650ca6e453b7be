"""Every pipeline step through `kun <step>` (click's runner) on small files with a tiny random
model: ingest -> dedup -> perplexity -> label -> score -> filter -> polish -> assemble, each step's
files and metrics checked against the next; and a DVC stage script given the same arguments
writes the same bytes as the command (one front door behind two handles)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import yaml
from click.testing import CliRunner
from lenient import LENIENT_RULES

from kun.cli.commands import main

ROOT = Path(__file__).resolve().parent.parent
LENIENT = {
    "ingest": {
        "sources": [
            {
                "name": "poems",
                "path": "raw/poems.json",
                "format": "json",
                "text_field": "paragraphs",
                "title_field": "title",
            }
        ],
        "min_chars": 10,
        "max_tokens": 0,
    },
    "label": {"max_new_tokens": 12, "truncated": "keep", "num_candidates": 2},
    "score": {"max_new_tokens": 4},
    "polish": {"max_new_tokens": 12, "temperature": 0.8},
    "perplexity": {"max": 0},
    "llm": {"batch_size": 4},
}


def _params(tmp_path: Path) -> Path:
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    for section, values in LENIENT.items():
        params[section].update(values)
    for dotted, value in LENIENT_RULES.items():
        section, key = dotted.split(".")
        params[section][key] = value
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params, allow_unicode=True), encoding="utf-8")
    return path


def _kun(*args: str) -> None:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output


def test_every_step_through_the_command_line(tmp_path, tiny_model_dir):
    (tmp_path / "raw").mkdir()
    shutil.copy(ROOT / "tests/fixtures/corpus/poems.json", tmp_path / "raw/poems.json")
    seed = tmp_path / "seed.jsonl"
    seed.write_text(
        "".join(
            json.dumps(
                {
                    "instruction": f"问题{i}：什么是光合作用？",
                    "output": f"光合作用是植物制造有机物的过程，第{i}条。",
                },
                ensure_ascii=False,
            )
            + "\n"
            for i in range(3)
        ),
        encoding="utf-8",
    )
    params, model, m = str(_params(tmp_path)), str(tiny_model_dir), tmp_path / "metrics"
    m.mkdir()
    file = lambda name: str(tmp_path / name)  # noqa: E731
    _kun(
        "ingest",
        "--params",
        params,
        "--output",
        file("segments.parquet"),
        "--metrics",
        str(m / "ingest.json"),
    )
    _kun(
        "dedup",
        file("segments.parquet"),
        file("unique.parquet"),
        "--metrics",
        str(m / "dedup.json"),
        "--workers",
        "1",
    )
    _kun(
        "perplexity",
        file("unique.parquet"),
        file("clean.parquet"),
        "--params",
        params,
        "--model",
        model,
        "--rejected",
        file("ppl_rejected.parquet"),
        "--metrics",
        str(m / "perplexity.json"),
        "--histogram",
        file("ppl_histogram.json"),
    )
    _kun(
        "label",
        file("clean.parquet"),
        file("candidates.parquet"),
        "--seed-pairs",
        str(seed),
        "--params",
        params,
        "--model",
        model,
        "--rejected",
        file("label_rejected.parquet"),
        "--metrics",
        str(m / "label.json"),
    )
    _kun(
        "score",
        file("candidates.parquet"),
        file("scored.parquet"),
        "--params",
        params,
        "--model",
        model,
        "--metrics",
        str(m / "score.json"),
        "--histogram",
        file("score_histogram.json"),
    )
    _kun(
        "filter",
        file("scored.parquet"),
        file("kept.parquet"),
        "--params",
        params,
        "--rejected",
        file("filter_rejected.parquet"),
        "--metrics",
        str(m / "filter.json"),
    )
    _kun(
        "polish",
        file("kept.parquet"),
        file("polished.parquet"),
        "--params",
        params,
        "--model",
        model,
        "--metrics",
        str(m / "polish.json"),
    )
    _kun(
        "assemble",
        file("polished.parquet"),
        file("kun.jsonl"),
        "--provenance",
        file("kun.parquet"),
        "--params",
        params,
        "--rejected",
        file("assemble_rejected.parquet"),
        "--step-metrics",
        str(m),
        "--card",
        file("README.md"),
        "--funnel-plot",
        file("funnel.json"),
        "--metrics",
        str(m / "data.json"),
    )

    metrics = {
        name: json.loads((m / f"{name}.json").read_text())
        for name in ("ingest", "dedup", "perplexity", "label", "score", "filter", "polish", "data")
    }
    segments = pl.read_parquet(file("segments.parquet"))
    assert segments.height == metrics["ingest"]["segments_out"] == metrics["dedup"]["docs_in"] > 0
    clean = pl.read_parquet(file("clean.parquet"))
    assert clean.height == metrics["perplexity"]["kept"] == metrics["label"]["segments"]
    assert (
        sum(row["count"] for row in json.loads(Path(file("ppl_histogram.json")).read_text()))
        == metrics["perplexity"]["segments"]
    )
    candidates = pl.read_parquet(file("candidates.parquet"))
    assert (
        candidates.height
        == metrics["label"]["candidates"]
        == 2 * clean.height - sum(metrics["label"]["rejected"].values())
    )
    scored = pl.read_parquet(file("scored.parquet"))
    assert scored.height == candidates.height
    # a random model's bytes often break a character: such instructions are never scored, and say why
    unscored = scored.filter(pl.col("score").is_null())
    assert unscored.get_column("score_error").str.starts_with("rule:").all() or metrics["score"]["unparsable"]
    assert (
        sum(row["count"] for row in json.loads(Path(file("score_histogram.json")).read_text()))
        == scored.get_column("score").drop_nulls().len()
    )
    kept = pl.read_parquet(file("kept.parquet"))
    assert (
        kept.height + sum(metrics["filter"]["rejected"].values())
        == scored.height
        == metrics["filter"]["candidates"]
    )
    polished = pl.read_parquet(file("polished.parquet"))
    assert polished.height == kept.height == metrics["polish"]["polished"]
    final = pl.read_ndjson(file("kun.jsonl")) if Path(file("kun.jsonl")).stat().st_size else pl.DataFrame()
    data = metrics["data"]
    assert (
        final.height
        == data["final_rows"]
        == data["funnel"]["final"]
        == pl.read_parquet(file("kun.parquet")).height
    )
    assert final.height + sum(data["dropped"]["assemble"].values()) == polished.height
    assert data["funnel"]["segments"] == segments.height and data["funnel"]["candidates"] == candidates.height
    card = Path(file("README.md")).read_text(encoding="utf-8")
    assert card.startswith("# kun") and f"| candidates | {candidates.height} |" in card
    assert "## Personal data" in card and data["pii"]["mode"] == "redact"
    funnel_plot = json.loads(Path(file("funnel.json")).read_text())
    assert [row["step"] for row in funnel_plot] == [
        "documents",
        "documents_after_pii",
        "segments",
        "unique_segments",
        "after_perplexity",
        "labelled_segments",
        "candidates",
        "kept_after_score",
        "polished",
        "final",
    ]  # pipeline order
    assert {row["step"]: row["rows"] for row in funnel_plot} == data["funnel"]

    # The DVC handle is the same command: the filter stage's script, given the same arguments, writes the same bytes.
    env = {**os.environ, "KUN_NO_PROGRESS": "1"}
    stage = [
        sys.executable,
        str(ROOT / "stages/filter.py"),
        file("scored.parquet"),
        file("kept_by_stage.parquet"),
        "--params",
        params,
        "--rejected",
        file("filter_rejected_by_stage.parquet"),
        "--metrics",
        file("filter_by_stage.json"),
    ]
    subprocess.run(stage, check=True, env=env, cwd=tmp_path)
    for ours, theirs in (
        ("kept.parquet", "kept_by_stage.parquet"),
        ("filter_rejected.parquet", "filter_rejected_by_stage.parquet"),
        ("metrics/filter.json", "filter_by_stage.json"),
    ):
        assert Path(file(ours)).read_bytes() == Path(file(theirs)).read_bytes(), ours
    # and a bad argument is one error line from either handle
    bad = subprocess.run(
        [*stage[:2], file("missing.parquet"), file("out.parquet"), "--params", params],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and bad.stderr.strip().splitlines() == [
        f"error: {file('missing.parquet')}: not found; run the stage that writes it (dvc repro) or check the path"
    ]
