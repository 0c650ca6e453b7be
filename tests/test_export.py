import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kun.cli.commands import main

ROOT = Path(__file__).resolve().parent.parent
PARAMS = """\
ingest:
  sources:
  - name: web
    path: raw.jsonl
export:
  license: {license}
  source_licenses:
    web: CC-BY-4.0
    SomeModel-7B: Apache-2.0
"""


def write_params(folder, license="cc-by-4.0"):
    path = folder / "params.yaml"
    path.write_text(PARAMS.format(license=license), encoding="utf-8")
    return path


def export_args(dataset, out, *extra, params=None):
    return ["export", str(dataset), str(out), "--params", str(params or write_params(dataset.parent)), *extra]


def make_dataset(path, rows):
    frame = pl.DataFrame(
        [
            {
                "instruction": f"问题{i}：长城有多长？",
                "output": f"回答{i}：约两万千米。",
                "id": f"c{i}",
                "source": "s",
                "score": 0.9,
                "segment_id": f"s{i}",
                "raw_segment": f"长城，古代军事防御工程，总长{i}千米。",
            }
            for i in range(rows)
        ]
    )
    frame.write_parquet(path)
    (path.parent / "README.md").write_text("# kun\n\n卡片\n", encoding="utf-8")
    return frame


def test_export_all_formats_with_bounded_shards_and_card(tmp_path):
    frame = make_dataset(tmp_path / "kun.parquet", 25)
    result = CliRunner().invoke(
        main, export_args(tmp_path / "kun.parquet", tmp_path / "out", "--max-shard-rows", "10")
    )
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    alpaca = [
        json.loads(line) for line in (out / "kun.alpaca.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert alpaca[0] == {
        "instruction": "问题0：长城有多长？",
        "input": "",
        "output": "回答0：约两万千米。",
        "id": "c0",
        "source": "s",
        "score": 0.9,
    }
    sharegpt = [
        json.loads(line) for line in (out / "kun.sharegpt.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert sharegpt[1]["conversations"] == [
        {"from": "human", "value": "问题1：长城有多长？"},
        {"from": "gpt", "value": "回答1：约两万千米。"},
    ]
    shards = sorted((out / "data").glob("train-*.parquet"))
    assert [shard.name for shard in shards] == [f"train-0000{i}-of-00003.parquet" for i in range(3)]
    shard_rows = pl.concat([pl.read_parquet(shard) for shard in shards])
    assert shard_rows.columns[:3] == ["instruction", "input", "output"] and set(shard_rows["input"]) == {""}
    assert shard_rows.drop("input").equals(frame)
    card = (out / "README.md").read_text(encoding="utf-8")
    assert (
        card.startswith("---\nlicense: cc-by-4.0") and "path: data/train-*.parquet" in card and "卡片" in card
    )
    assert "| web | CC-BY-4.0 |" in card and "| SomeModel-7B | Apache-2.0 |" in card
    assert (
        "## Reproduce" in card and "license: cc-by-4.0" in card.split("params.yaml:")[1]
    )  # params.yaml itself
    preference = [
        json.loads(line) for line in (out / "kun.preference.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert preference[2] == {
        "prompt": "问题2：长城有多长？",
        "instruction": "问题2：长城有多长？",
        "input": "",
        "chosen": "回答2：约两万千米。",
        "rejected": "长城，古代军事防御工程，总长2千米。",
        "id": "c2",
        "segment_id": "s2",
        "source": "s",
        "score": 0.9,
    }


def test_export_errors_are_one_line(tmp_path):
    pl.DataFrame({"text": ["x"]}).write_parquet(tmp_path / "bad.parquet")
    result = CliRunner().invoke(main, export_args(tmp_path / "bad.parquet", tmp_path / "out"))
    assert (
        result.exit_code == 1
        and "missing columns instruction, output" in result.output
        and "Traceback" not in result.output
    )
    result = CliRunner().invoke(main, export_args(tmp_path / "nope.parquet", tmp_path / "out"))
    assert result.exit_code == 1 and "nope.parquet: not found" in result.output


def test_export_reads_in_llama_factory_and_hugging_face_datasets(tmp_path, monkeypatch):
    datasets = __import__("pytest").importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    make_dataset(tmp_path / "kun.parquet", 12)
    out = tmp_path / "out"
    assert CliRunner().invoke(main, export_args(tmp_path / "kun.parquet", out)).exit_code == 0
    # LLaMA-Factory: every entry names a file that exists, and the columns and tags it maps are there.
    info = json.loads((out / "dataset_info.json").read_text(encoding="utf-8"))
    assert set(info) == {"kun_alpaca", "kun_sharegpt", "kun_parquet", "kun_preference"}
    for entry in info.values():
        assert (out / entry["file_name"]).exists()
    parquet_row = pl.read_parquet(next((out / "data").glob("*.parquet"))).row(0, named=True)
    assert all(column in parquet_row for column in info["kun_parquet"]["columns"].values())
    ranking = info["kun_preference"]
    assert ranking["ranking"] is True and ranking["formatting"] == "alpaca"
    pair = json.loads((out / ranking["file_name"]).read_text(encoding="utf-8").splitlines()[0])
    assert set(ranking["columns"]) == {"prompt", "query", "chosen", "rejected"}
    assert all(column in pair for column in ranking["columns"].values())
    alpaca_row = json.loads(
        (out / info["kun_alpaca"]["file_name"]).read_text(encoding="utf-8").splitlines()[0]
    )
    assert info["kun_alpaca"]["formatting"] == "alpaca" and all(
        column in alpaca_row for column in info["kun_alpaca"]["columns"].values()
    )
    sharegpt = info["kun_sharegpt"]
    turns = json.loads((out / sharegpt["file_name"]).read_text(encoding="utf-8").splitlines()[0])[
        sharegpt["columns"]["messages"]
    ]
    assert [turn[sharegpt["tags"]["role_tag"]] for turn in turns] == [
        sharegpt["tags"]["user_tag"],
        sharegpt["tags"]["assistant_tag"],
    ]
    assert all(sharegpt["tags"]["content_tag"] in turn for turn in turns)
    # Hugging Face datasets: the folder as a hub dataset (configs from the card), and each file.
    default = datasets.load_dataset(str(out), split="train")
    assert default.num_rows == 12 and {"instruction", "output"} <= set(default.column_names)
    assert (
        datasets.load_dataset("json", data_files=str(out / "kun.alpaca.jsonl"), split="train")[0]["input"]
        == ""
    )
    assert (
        datasets.load_dataset("json", data_files=str(out / "kun.sharegpt.jsonl"), split="train")[3][
            "conversations"
        ][1]["from"]
        == "gpt"
    )
    # TRL's preference layout: prompt, chosen and rejected strings.
    pairs = datasets.load_dataset("json", data_files=str(out / "kun.preference.jsonl"), split="train")
    assert pairs.num_rows == 12 and {"prompt", "chosen", "rejected"} <= set(pairs.column_names)
    assert pairs[5]["chosen"] == "回答5：约两万千米。" and pairs[5]["rejected"].startswith("长城")
    jsonl_only = tmp_path / "jsonl"
    args = export_args(tmp_path / "kun.parquet", jsonl_only, "--format", "alpaca", "--format", "sharegpt")
    assert CliRunner().invoke(main, args).exit_code == 0
    assert datasets.load_dataset(str(jsonl_only), "alpaca", split="train").num_rows == 12
    assert (
        datasets.load_dataset(str(jsonl_only), "sharegpt", split="train")[0]["conversations"][0]["from"]
        == "human"
    )


def test_the_card_records_the_commit_the_locked_md5_and_the_commands(tmp_path):
    """From the repository itself: its params.yaml, its git commit, dvc.lock's md5 of the dataset."""
    import yaml

    lock = yaml.safe_load((ROOT / "dvc.lock").read_text(encoding="utf-8"))
    locked = next(
        out["md5"]
        for out in lock["stages"]["assemble"]["outs"]
        if out["path"] == "data/processed/kun.parquet"
    )
    dataset = ROOT / "data" / "processed" / "kun.parquet"
    if not dataset.exists():
        pytest.skip("data/processed/kun.parquet is not here (run make demo)")
    result = CliRunner().invoke(
        main, ["export", str(dataset), str(tmp_path / "out"), "--params", str(ROOT / "params.yaml")]
    )
    assert result.exit_code == 0, result.output
    card = (tmp_path / "out" / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nlicense: mit\n")
    assert "| lunyu | MIT |" in card and "| SmolLM2-135M-Instruct | Apache-2.0 |" in card
    commit = (
        __import__("subprocess")
        .run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        .stdout.strip()
    )
    assert f"git checkout {commit}" in card and "make setup" in card
    assert f"dvc.lock (stage `assemble`): md5 `{locked}`" in card
    assert "dvc pull data/processed/kun.parquet" in card and "kun export " in card
    assert (ROOT / "params.yaml").read_text(encoding="utf-8").strip() in card


@pytest.mark.parametrize(
    "license, message",
    [("''", "export.license is empty"), ("'  '", "export.license is empty")],
)
def test_an_empty_license_is_one_error_line_and_nothing_written(tmp_path, license, message):
    make_dataset(tmp_path / "kun.parquet", 3)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, export_args(tmp_path / "kun.parquet", out, params=write_params(tmp_path, license))
    )
    assert result.exit_code == 1 and message in result.output and not out.exists(), result.output
    assert len(result.output.strip().splitlines()) == 1 and result.output.startswith("error: ")


def test_source_licenses_must_cover_every_ingest_source(tmp_path):
    make_dataset(tmp_path / "kun.parquet", 3)
    params = write_params(tmp_path)
    params.write_text(
        params.read_text(encoding="utf-8").replace("    web: CC-BY-4.0\n", ""), encoding="utf-8"
    )
    result = CliRunner().invoke(main, export_args(tmp_path / "kun.parquet", tmp_path / "out", params=params))
    assert result.exit_code == 1 and "no entry for ingest source 'web'" in result.output
    params.write_text(PARAMS.split("export:")[0] + "export:\n  license: mit\n", encoding="utf-8")
    result = CliRunner().invoke(main, export_args(tmp_path / "kun.parquet", tmp_path / "out", params=params))
    assert result.exit_code == 1 and "export.source_licenses is empty" in result.output
    assert not (tmp_path / "out").exists()


def test_preference_without_raw_segments_is_one_error_line_and_nothing_written(tmp_path):
    dataset = tmp_path / "kun.jsonl"
    dataset.write_text('{"instruction": "问", "output": "答"}\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, export_args(dataset, out, "--format", "preference"))
    assert result.exit_code == 1 and "no raw_segment column" in result.output and not out.exists()
    assert len(result.output.strip().splitlines()) == 1
    result = CliRunner().invoke(main, export_args(dataset, out, "--format", "alpaca"))
    assert result.exit_code == 0 and (out / "kun.alpaca.jsonl").exists()


def test_the_card_tells_a_locked_dataset_from_a_changed_one(tmp_path):
    """A repository of its own: git, a dvc.lock naming the dataset's md5, then the dataset changed."""
    import hashlib
    import subprocess

    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    dataset = repo / "data" / "kun.parquet"
    make_dataset(dataset, 3)
    md5 = hashlib.md5(dataset.read_bytes()).hexdigest()
    (repo / "dvc.lock").write_text(
        f"schema: '2.0'\nstages:\n  assemble:\n    outs:\n    - path: data/kun.parquet\n      md5: {md5}\n",
        encoding="utf-8",
    )
    params = write_params(repo)
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "data"]):
        subprocess.run(command, cwd=repo, check=True, env={**__import__("os").environ, **env})
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    assert CliRunner().invoke(main, export_args(dataset, tmp_path / "a", params=params)).exit_code == 0
    card = (tmp_path / "a" / "README.md").read_text(encoding="utf-8")
    assert f"git checkout {commit}" in card and "(with uncommitted changes)" not in card
    assert f"dvc.lock (stage `assemble`): md5 `{md5}`, the same file" in card
    assert "dvc pull data/kun.parquet" in card and "dvc repro assemble" in card
    make_dataset(dataset, 4)  # the dataset changed after the lock was written
    assert CliRunner().invoke(main, export_args(dataset, tmp_path / "b", params=params)).exit_code == 0
    card = (tmp_path / "b" / "README.md").read_text(encoding="utf-8")
    assert "NOT this file" in card and "(with uncommitted changes)" in card
