"""Each rule gate drops what it names and fails without it; `kun filter-pairs` on any dataset."""

import dataclasses
import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kun.instructions.assemble import AssembleParams
from kun.cli import main
from kun.instructions.curate import FilterParams
from kun.instructions.gates import cjk_letter_ratio, list_items, material_of
from kun.instructions.pairs import filter_pairs, read_pairs

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "gates.jsonl"
FRAME, _ = read_pairs(BENCH)
BAD = FRAME.filter(pl.col("label") == "bad")
# The switch that turns each gate off, to show the gate is what drops its pairs.
OFF = {
    "broken_encoding": None,  # always on: checked by deleting the character instead
    "truncated": ("assemble", {"truncated": "keep"}),
    "repeated_list_items": ("assemble", {"max_repeated_item_ratio": 1.0}),
    "repeated_sentences": ("assemble", {"max_repeated_sentence_ratio": 1.0}),
    "opens_with_repetition": ("assemble", {"opening_repeat_min": 0}),
    "not_a_request": ("filter", {"request_markers": []}),
    "unexpected_script": ("both", {"unexpected_scripts": []}),
    "answer_low_cjk": ("assemble", {"answer_min_cjk_ratio": 0.0}),
    "web_boilerplate": ("assemble", {"boilerplate_phrases": []}),
    "answer_refusal_or_meta": ("assemble", {"answer_meta_keywords": []}),
    "answer_too_short": ("assemble", {"min_answer_chars": 0}),
    "refers_to_unseen_context": ("filter", {"unseen_context_keywords": []}),
}


def _reasons(frame, filter_params=FilterParams(), assemble_params=AssembleParams()):
    kept, rejected, counts = filter_pairs(frame, filter_params, assemble_params)
    return dict(zip(rejected.get_column("id"), rejected.get_column("reason"))), kept, counts


def test_benchmark_target_is_met_by_the_default_gates():
    reasons, kept, counts = _reasons(FRAME)
    bad_dropped = sum(1 for pair_id in BAD.get_column("id") if pair_id in reasons)
    good_dropped = sum(1 for pair_id in FRAME.filter(pl.col("label") == "good").get_column("id") if pair_id in reasons)
    assert bad_dropped / BAD.height >= 0.9 and good_dropped / (FRAME.height - BAD.height) <= 0.05
    assert set(OFF) <= set(counts)  # every gate is listed in the counts, zeros included


@pytest.mark.parametrize("failure", sorted(OFF))
def test_each_gate_drops_its_pairs_and_only_it(failure):
    rows = BAD.filter(pl.col("failure") == failure)
    assert rows.height >= 2
    reasons, _, _ = _reasons(rows)
    assert set(reasons.values()) == {failure}, reasons
    switch = OFF[failure]
    if switch is None:
        cleaned = rows.with_columns(pl.col("output").str.replace_all("\ufffd", ""))
        assert all(reason != failure for reason in _reasons(cleaned)[0].values())
        return
    where, change = switch
    filter_params = dataclasses.replace(FilterParams(), **{k: v for k, v in change.items() if k in {f.name for f in dataclasses.fields(FilterParams)}}) if where in ("filter", "both") else FilterParams()
    assemble_params = dataclasses.replace(AssembleParams(), **{k: v for k, v in change.items() if k in {f.name for f in dataclasses.fields(AssembleParams)}}) if where in ("assemble", "both") else AssembleParams()
    without, _, _ = _reasons(rows, filter_params, assemble_params)
    assert failure not in without.values()


def test_numbered_lists_are_compared_without_their_numbers():
    assert list_items("1. 王河河 2. 心范文 3. 欧欧 4. 王河河") == ["王河河", "心范文", "欧欧", "王河河"]
    assert list_items("（1）苹果\n(2) 香蕉\n- 苹果") == ["苹果", "香蕉", "苹果"]
    assert cjk_letter_ratio("看代码：```python\nprint('hello world')\n```") == 1.0  # code is not language
    assert material_of("改写下面的句子：\n这事儿明天再说。") == "这事儿明天再说。" and material_of("介绍长城。") == ""


def test_good_pairs_of_every_shape_pass():
    good = FRAME.filter(pl.col("id").is_in(["g02", "g03", "g04", "g05", "g15", "g21"]))  # translation, code, list, numbers, SQL, material
    reasons, kept, _ = _reasons(good)
    assert reasons == {} and kept.height == 6


def _write(path, rows):
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def test_filter_pairs_cli_keeps_extra_fields_and_writes_reasons(tmp_path):
    source = _write(tmp_path / "in.jsonl", [json.loads(line) for line in BENCH.read_text(encoding="utf-8").splitlines()])
    out, rejected = tmp_path / "out.parquet", tmp_path / "rejected.jsonl"
    result = CliRunner().invoke(main, ["filter-pairs", str(source), str(out), "--rejected", str(rejected), "--metrics", str(tmp_path / "m.json")])
    assert result.exit_code == 0, result.output
    kept = pl.read_parquet(out)
    assert "label" in kept.columns and set(kept.get_column("label")) == {"good"} and kept.height == 23
    assert pl.read_ndjson(rejected).height == 25 and "reason" in pl.read_ndjson(rejected).columns
    assert "48 pairs in, 23 kept; dropped:" in result.output and "truncated 2" in result.output
    assert json.loads((tmp_path / "m.json").read_text())["dropped"]["web_boilerplate"] == 2


def test_filter_pairs_reads_gates_from_params(tmp_path):
    source = _write(tmp_path / "in.jsonl", [{"instruction": "介绍一下孔子。", "output": "孔子是古人。"}])
    params = tmp_path / "p.yaml"
    params.write_text("assemble:\n  min_answer_chars: 4\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["filter-pairs", str(source), str(tmp_path / "out.jsonl"), "--params", str(params)])
    assert result.exit_code == 0 and "1 pairs in, 1 kept" in result.output


@pytest.mark.parametrize(
    "lines, message",
    [
        (['{"instruction": "问", "output": "答"}', "{not json"], r"in.jsonl:2: malformed JSON"),
        (['{"instruction": "问", "output": 42}'], r"in.jsonl:1: `instruction` and `output` must be strings \(output=int\)"),
        (['{"prompt": "问"}'], r"in.jsonl:1: `instruction` and `output` must be strings"),
    ],
)
def test_filter_pairs_bad_input_is_one_line_and_writes_nothing(tmp_path, lines, message):
    import re

    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["filter-pairs", str(source), str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert len(result.output.strip().splitlines()) == 1 and re.search(message, result.output), result.output
    skipped = CliRunner().invoke(main, ["filter-pairs", str(source), str(out), "--skip-bad-lines"])
    assert skipped.exit_code in (0, 1) and "Traceback" not in skipped.output


@pytest.mark.parametrize("command", [["filter-pairs"], ["dedup", "--skip-bad-lines"]])
def test_an_output_that_is_the_input_is_refused_and_the_input_kept(tmp_path, command):
    source = _write(tmp_path / "data.jsonl", [{"id": "1", "text": "长城很长", "instruction": "长城有多长？", "output": "明长城全长八千多千米，历代长城总长两万多千米。"}])
    before = source.read_bytes()
    result = CliRunner().invoke(main, [command[0], str(source), str(tmp_path / "." / "data.jsonl"), *command[1:]])
    assert result.exit_code == 1 and "OUTPUT is the same file as INPUT" in result.output
    assert source.read_bytes() == before


def test_export_and_base_model_refuse_to_overwrite_their_input(tmp_path):
    dataset = tmp_path / "out" / "kun.parquet"
    dataset.parent.mkdir()
    pl.DataFrame({"instruction": ["问"], "output": ["答"]}).write_parquet(dataset)
    result = CliRunner().invoke(main, ["export", str(dataset), str(tmp_path / "out")])
    assert result.exit_code == 1 and "DATASET lies in OUTPUT_DIR" in result.output and dataset.exists()
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    result = CliRunner().invoke(main, ["base-model", str(model), "--base", str(model)])
    assert result.exit_code == 1 and "OUTPUT_DIR is the same file as BASE" in result.output and (model / "config.json").exists()
