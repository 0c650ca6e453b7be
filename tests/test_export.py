import json

import polars as pl
from click.testing import CliRunner

from kun.cli.commands import main


def make_dataset(path, rows):
    frame = pl.DataFrame(
        [
            {
                "instruction": f"问题{i}：长城有多长？",
                "output": f"回答{i}：约两万千米。",
                "id": f"c{i}",
                "source": "s",
                "score": 0.9,
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
        main, ["export", str(tmp_path / "kun.parquet"), str(tmp_path / "out"), "--max-shard-rows", "10"]
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
    assert pl.concat([pl.read_parquet(shard) for shard in shards]).equals(frame)
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nlicense: mit") and "path: data/train-*.parquet" in card and "卡片" in card


def test_export_errors_are_one_line(tmp_path):
    pl.DataFrame({"text": ["x"]}).write_parquet(tmp_path / "bad.parquet")
    result = CliRunner().invoke(main, ["export", str(tmp_path / "bad.parquet"), str(tmp_path / "out")])
    assert (
        result.exit_code == 1
        and "missing columns instruction, output" in result.output
        and "Traceback" not in result.output
    )
    result = CliRunner().invoke(main, ["export", str(tmp_path / "nope.parquet"), str(tmp_path / "out")])
    assert result.exit_code == 1 and "nope.parquet: not found" in result.output


def test_export_reads_in_llama_factory_and_hugging_face_datasets(tmp_path, monkeypatch):
    datasets = __import__("pytest").importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    make_dataset(tmp_path / "kun.parquet", 12)
    out = tmp_path / "out"
    assert CliRunner().invoke(main, ["export", str(tmp_path / "kun.parquet"), str(out)]).exit_code == 0
    # LLaMA-Factory: every entry names a file that exists, and the columns and tags it maps are there.
    info = json.loads((out / "dataset_info.json").read_text(encoding="utf-8"))
    assert set(info) == {"kun_alpaca", "kun_sharegpt"}
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
    jsonl_only = tmp_path / "jsonl"
    assert (
        CliRunner()
        .invoke(
            main,
            [
                "export",
                str(tmp_path / "kun.parquet"),
                str(jsonl_only),
                "--format",
                "alpaca",
                "--format",
                "sharegpt",
            ],
        )
        .exit_code
        == 0
    )
    assert datasets.load_dataset(str(jsonl_only), "alpaca", split="train").num_rows == 12
    assert (
        datasets.load_dataset(str(jsonl_only), "sharegpt", split="train")[0]["conversations"][0]["from"]
        == "human"
    )
