import json

import polars as pl
from click.testing import CliRunner

from kun.cli import main


def make_dataset(path, rows):
    frame = pl.DataFrame([{"instruction": f"问题{i}：长城有多长？", "output": f"回答{i}：约两万千米。", "id": f"c{i}", "source": "s", "score": 0.9} for i in range(rows)])
    frame.write_parquet(path)
    (path.parent / "README.md").write_text("# kun\n\n卡片\n", encoding="utf-8")
    return frame


def test_export_all_formats_with_bounded_shards_and_card(tmp_path):
    frame = make_dataset(tmp_path / "kun.parquet", 25)
    result = CliRunner().invoke(main, ["export", str(tmp_path / "kun.parquet"), str(tmp_path / "out"), "--max-shard-rows", "10"])
    assert result.exit_code == 0, result.output
    out = tmp_path / "out"
    alpaca = [json.loads(line) for line in (out / "kun.alpaca.jsonl").read_text(encoding="utf-8").splitlines()]
    assert alpaca[0] == {"instruction": "问题0：长城有多长？", "input": "", "output": "回答0：约两万千米。", "id": "c0", "source": "s", "score": 0.9}
    sharegpt = [json.loads(line) for line in (out / "kun.sharegpt.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sharegpt[1]["conversations"] == [{"from": "human", "value": "问题1：长城有多长？"}, {"from": "gpt", "value": "回答1：约两万千米。"}]
    shards = sorted((out / "data").glob("train-*.parquet"))
    assert [shard.name for shard in shards] == [f"train-0000{i}-of-00003.parquet" for i in range(3)]
    assert pl.concat([pl.read_parquet(shard) for shard in shards]).equals(frame)
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nlicense: mit") and "path: data/train-*.parquet" in card and "卡片" in card


def test_export_errors_are_one_line(tmp_path):
    pl.DataFrame({"text": ["x"]}).write_parquet(tmp_path / "bad.parquet")
    result = CliRunner().invoke(main, ["export", str(tmp_path / "bad.parquet"), str(tmp_path / "out")])
    assert result.exit_code == 1 and "missing columns instruction, output" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["export", str(tmp_path / "nope.parquet"), str(tmp_path / "out")])
    assert result.exit_code == 1 and "nope.parquet: not found" in result.output
