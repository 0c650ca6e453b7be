import json
import re
from pathlib import Path

import click
import polars as pl
import pytest
from click.testing import CliRunner
from eval_checks import check_eval_metrics

from kun.cli.commands import main


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


@pytest.fixture
def runner():
    return CliRunner()


RECORDS = [
    {"id": "a", "text": "床前明月光，疑是地上霜。举头望明月，低头思故乡。", "n": 1},
    {"id": "b", "text": "床前明月光，疑是地上霜。举头望明月，低头思故乡。", "n": 2},
    {"id": "c", "text": "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。", "n": 3},
]


def test_every_command_has_its_own_help_with_an_example(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.split("Commands:")[1].strip().splitlines()]
    assert sorted(listed) == sorted(main.commands)
    for name in (
        "dedup",
        "ingest",
        "perplexity",
        "label",
        "score",
        "filter",
        "polish",
        "assemble",
        "train",
        "evaluate",
        "export",
    ):
        assert name in main.commands, name
    for name, command in main.commands.items():
        assert command.help and command.help.strip(), f"kun {name} has no docstring"
        sub = runner.invoke(main, [name, "--help"])
        assert sub.exit_code == 0, name
        summary = " ".join(command.help.split("\n\n")[0].split())
        assert summary in " ".join(sub.output.split()), f"kun {name} --help does not show its own summary"
        examples = re.split(r"Examples?:", sub.output)
        assert len(examples) == 2 and f"kun {name} " in examples[1], (
            f"kun {name} --help has no example of itself"
        )
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.opts[0] in sub.output, f"kun {name} --help does not list {param.opts[0]}"


@pytest.mark.parametrize("suffix", ["jsonl", "parquet"])
def test_dedup_jsonl_to_any_format_keeps_fields_and_writes_clusters(runner, tmp_path, suffix):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, RECORDS)
    output = tmp_path / f"out.{suffix}"
    result = runner.invoke(
        main,
        [
            "dedup",
            str(source),
            str(output),
            "--clusters",
            str(tmp_path / "c.jsonl"),
            "--metrics",
            str(tmp_path / "m.json"),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    frame = pl.read_parquet(output) if suffix == "parquet" else pl.read_ndjson(output)
    assert frame.to_dicts() == [RECORDS[0], RECORDS[2]]
    clusters = pl.read_ndjson(tmp_path / "c.jsonl")
    assert clusters.get_column("cluster_id").to_list() == ["a", "a", "c"]
    metrics = json.loads((tmp_path / "m.json").read_text())
    assert metrics["exact_duplicates"] == 1 and metrics["docs_out"] == 2


def test_dedup_other_field_names(runner, tmp_path):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"key": r["id"], "body": r["text"]} for r in RECORDS])
    result = runner.invoke(
        main,
        [
            "dedup",
            str(source),
            str(tmp_path / "o.jsonl"),
            "--text-field",
            "body",
            "--id-field",
            "key",
            "--clusters",
            str(tmp_path / "c.parquet"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert pl.read_parquet(tmp_path / "c.parquet").get_column("cluster_id").to_list() == ["a", "a", "c"]


def one_error_line(result):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


def test_malformed_jsonl_line_names_file_and_line(runner, tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps(RECORDS[0]) + "\n{not json\n", encoding="utf-8")
    line = one_error_line(runner.invoke(main, ["dedup", str(source), str(tmp_path / "o.jsonl")]))
    assert f"{source}:2" in line and "--skip-bad-lines" in line


def test_skip_bad_lines_counts_them(runner, tmp_path):
    source = tmp_path / "bad.jsonl"
    source.write_bytes(
        (json.dumps(RECORDS[0]) + "\n{not json\n").encode()
        + "\xff\xfe坏\n".encode("gbk", errors="ignore")
        + b"\xff\xfe\n"
        + (json.dumps(RECORDS[2]) + "\n").encode()
    )
    result = runner.invoke(
        main,
        [
            "dedup",
            str(source),
            str(tmp_path / "o.jsonl"),
            "--skip-bad-lines",
            "--metrics",
            str(tmp_path / "m.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    skipped = json.loads((tmp_path / "m.json").read_text())["bad_lines_skipped"]
    assert skipped["malformed_json"] == 1 and skipped["not_utf8"] == 2
    assert pl.read_ndjson(tmp_path / "o.jsonl").height == 2


def test_non_utf8_file(runner, tmp_path):
    source = tmp_path / "gbk.jsonl"
    source.write_bytes(json.dumps({"text": "中文"}, ensure_ascii=False).encode("gbk") + b"\n")
    line = one_error_line(runner.invoke(main, ["dedup", str(source), str(tmp_path / "o.jsonl")]))
    assert f"{source}:1" in line and "UTF-8" in line


def test_missing_text_field(runner, tmp_path):
    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": "a", "content": "文本"}])
    line = one_error_line(runner.invoke(main, ["dedup", str(source), str(tmp_path / "o.jsonl")]))
    assert str(source) in line and "'text'" in line and "content" in line and "--text-field" in line


def test_empty_file_and_missing_path(runner, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    line = one_error_line(runner.invoke(main, ["dedup", str(empty), str(tmp_path / "o.jsonl")]))
    assert str(empty) in line and "no records" in line
    line = one_error_line(
        runner.invoke(main, ["dedup", str(tmp_path / "nope.jsonl"), str(tmp_path / "o.jsonl")])
    )
    assert "nope.jsonl" in line and "no such file" in line


def test_unknown_extension(runner, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("text\nx\n")
    line = one_error_line(runner.invoke(main, ["dedup", str(source), str(tmp_path / "o.jsonl")]))
    assert "in.csv" in line and ".jsonl" in line


def test_ingest_command_reads_params(runner, tmp_path):
    (tmp_path / "raw.jsonl").write_text(
        json.dumps(
            {"text": "学而时习之，不亦说乎？有朋自远方来，不亦乐乎？人不知而不愠，不亦君子乎？"},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "params.yaml").write_text(
        "ingest:\n  sources:\n    - {name: t, path: raw.jsonl, format: jsonl, text_field: text}\n  min_chars: 10\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        main, ["ingest", "--params", str(tmp_path / "params.yaml"), "--output", str(tmp_path / "seg.jsonl")]
    )
    assert result.exit_code == 0, result.output
    assert pl.read_ndjson(tmp_path / "seg.jsonl").get_column("source").to_list() == ["t"]


def test_bad_param_key_is_one_line(runner, tmp_path):
    (tmp_path / "params.yaml").write_text("ingest:\n  sources: []\n  max_charz: 3\n", encoding="utf-8")
    line = one_error_line(runner.invoke(main, ["ingest", "--params", str(tmp_path / "params.yaml")]))
    assert "ingest.max_charz" in line and "unknown key" in line


def test_written_files_get_normal_permissions(runner, tmp_path):
    import os
    import stat

    source = tmp_path / "in.jsonl"
    write_jsonl(source, RECORDS)
    result = runner.invoke(
        main,
        [
            "dedup",
            str(source),
            str(tmp_path / "out.parquet"),
            "--metrics",
            str(tmp_path / "m.json"),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    mask = os.umask(0)
    os.umask(mask)
    for name in ("out.parquet", "m.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~mask, name


def test_train_and_evaluate_commands_on_the_tiny_model(
    runner, tmp_path, tiny_model_dir, repo_root, monkeypatch
):
    monkeypatch.chdir(repo_root)  # the default --params is the repository's params.yaml
    pairs = tmp_path / "pairs.jsonl"
    write_jsonl(
        pairs,
        [{"instruction": f"问题{i}：长城有多长？", "output": f"回答{i}：约两万千米。"} for i in range(4)],
    )
    trained = tmp_path / "label"
    result = runner.invoke(
        main,
        [
            "train",
            str(tiny_model_dir),
            str(pairs),
            str(trained),
            "--section",
            "train_label",
            "--backward",
            "--max-steps",
            "2",
            "--metrics",
            str(tmp_path / "train.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert (trained / "config.json").exists() and json.loads((tmp_path / "train.json").read_text())[
        "steps"
    ] == 2
    result = runner.invoke(
        main,
        [
            "evaluate",
            str(trained),
            "--baseline",
            str(tiny_model_dir),
            "--judge",
            str(tiny_model_dir),
            "--benchmark",
            "data/eval/demo",
            "--shots",
            "0",
            "--judge-limit",
            "1",
            "--train-data",
            str(pairs),
            "--metrics",
            str(tmp_path / "eval.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    evaluation = json.loads((tmp_path / "eval.json").read_text())
    check_eval_metrics(evaluation, summary, prefix="")
    assert (
        summary["judge.win_rate"] == evaluation["judge"]["win_rate"]
        and evaluation["cost"]["prompt_tokens"] > 0
    )


def test_dedup_takes_its_settings_from_params_and_options_override_them(runner, tmp_path):
    near = [
        {"id": "a", "text": "床前明月光，疑是地上霜。举头望明月，低头思故乡。"},
        {"id": "b", "text": "床前明月光，疑是地上霜。举头望明月，低头思故乡！"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in near), encoding="utf-8")
    params = tmp_path / "params.yaml"
    params.write_text("dedup:\n  threshold: 0.99\n  workers: 1\n", encoding="utf-8")

    def survivors(*extra):
        out = tmp_path / "out.jsonl"
        result = runner.invoke(main, ["dedup", str(source), str(out), "--params", str(params), *extra])
        assert result.exit_code == 0, result.output
        return pl.read_ndjson(out).height

    assert survivors() == 2  # the params' threshold: not similar enough
    assert survivors("--threshold", "0.5") == 1  # the option wins
    params.write_text("dedup:\n  threshold: 2\n", encoding="utf-8")
    result = runner.invoke(main, ["dedup", str(source), str(tmp_path / "o.jsonl"), "--params", str(params)])
    assert result.exit_code == 1 and "dedup.threshold" in result.output


def test_report_collects_the_steps_metrics_into_one_nested_file(runner, tmp_path):
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    source = tmp_path / "docs.jsonl"
    source.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in RECORDS))
    dedup = runner.invoke(
        main, ["dedup", str(source), str(tmp_path / "unique.jsonl"), "--metrics", str(metrics / "dedup.json")]
    )
    assert dedup.exit_code == 0, dedup.output
    result = runner.invoke(main, ["report", str(metrics), str(tmp_path / "summary.json")])
    assert result.exit_code == 0, result.output
    figures = json.loads((tmp_path / "summary.json").read_text())["dedup"]
    assert (figures["unique"], figures["rate"]) == (2, 0.333333)  # a and b hold one text
    missing = runner.invoke(main, ["report", str(tmp_path / "nowhere"), str(tmp_path / "s.json")])
    assert missing.exit_code == 1 and "not a folder" in missing.output and not (tmp_path / "s.json").exists()


def test_check_params_stamps_a_valid_file_and_nothing_else(runner, tmp_path):
    stamp = tmp_path / "checked.json"
    assert runner.invoke(main, ["check-params", "--stamp", str(stamp)]).exit_code == 0
    assert json.loads(stamp.read_text()) == {"params.yaml": "valid"}
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        Path("params.yaml").read_text(encoding="utf-8").replace("  threshold:", "  treshold:", 1),
        encoding="utf-8",
    )
    stamp.unlink()
    result = runner.invoke(main, ["check-params", "--params", str(bad), "--stamp", str(stamp)])
    assert result.exit_code == 1 and "treshold" in result.output and not stamp.exists()


def test_base_model_takes_its_model_from_params_and_refuses_an_unknown_name(tmp_path):
    params = tmp_path / "params.yaml"
    params.write_text("model:\n  other_bases:\n    small: embedded:smollm2\n", encoding="utf-8")
    out = tmp_path / "models" / "x"
    result = CliRunner().invoke(main, ["base-model", str(out), "--params", str(params), "--name", "x"])
    assert result.exit_code == 1 and "model.other_bases.x: not defined" in result.output and not out.exists()
