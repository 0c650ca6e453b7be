"""Export the final dataset in the layouts people load, with its dataset card.

- `alpaca`: JSONL, one {"instruction", "input": "", "output"} per line (+ id, source, score);
- `sharegpt`: JSONL, one {"id", "conversations": [{"from": "human"}, {"from": "gpt"}]} per line;
- `parquet`: shards `data/train-00000-of-0000N.parquet` of at most `max_shard_rows` rows each,
  the layout the Hugging Face hub reads without a loading script (with an empty `input` column,
  which LLaMA-Factory's alpaca converter reads);
- `preference`: JSONL pairs, the polished answer `chosen` over the raw segment `rejected` for the
  same instruction, in TRL's `prompt`/`chosen`/`rejected` fields and LLaMA-Factory's alpaca
  ranking fields (`instruction`, `input`, `chosen`, `rejected`), plus ids and scores: the
  contrast answer polishment makes is itself DPO data. Needs the raw segments (the .parquet dataset).
A README.md with hub front matter (license, language, task, configs), the licenses and how to
reproduce the data (kun.instructions.export_card) is written beside them, so the folder can be
pushed to a dataset hub as it is (`huggingface-cli upload ORG/NAME DIR --repo-type dataset`), and a
`dataset_info.json` that LLaMA-Factory reads (an entry per layout, `ranking: true` for the
preference pairs), so the folder can be its `dataset_dir` as it is. Every file is written atomically.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path
from typing import Iterable

import polars as pl

from kun.core.errors import KunError
from kun.core.io import read_input
from kun.core.metrics import write_all
from kun.instructions.export_card import ExportParams, Provenance, license_lines, reproduce_lines

FORMATS = ("alpaca", "sharegpt", "parquet", "preference")
PREFERENCE_IDS = ("id", "segment_id", "source", "score", "rating")  # kept beside each pair when present


_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def _jsonl(records: Iterable[dict]) -> bytes:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode("utf-8")


def alpaca_records(frame: pl.DataFrame) -> list[dict]:
    extra = [column for column in ("id", "source", "score") if column in frame.columns]
    return [
        {
            "instruction": row["instruction"],
            "input": "",
            "output": row["output"],
            **{k: row[k] for k in extra},
        }
        for row in frame.iter_rows(named=True)
    ]


def sharegpt_records(frame: pl.DataFrame) -> list[dict]:
    return [
        {
            "id": row.get("id", str(index)),
            "conversations": [
                {"from": "human", "value": row["instruction"]},
                {"from": "gpt", "value": row["output"]},
            ],
        }
        for index, row in enumerate(frame.iter_rows(named=True))
    ]


def preference_records(frame: pl.DataFrame) -> list[dict]:
    extra = [column for column in PREFERENCE_IDS if column in frame.columns]
    return [
        {
            "prompt": row["instruction"],
            "instruction": row["instruction"],
            "input": "",
            "chosen": row["output"],
            "rejected": row["raw_segment"],
            **{k: row[k] for k in extra},
        }
        for row in frame.iter_rows(named=True)
    ]


def parquet_shards(frame: pl.DataFrame, max_shard_rows: int) -> dict[str, bytes]:
    if "input" not in frame.columns:  # LLaMA-Factory's alpaca converter reads example["input"]
        frame = frame.with_columns(pl.lit("", dtype=pl.String).alias("input")).select(
            "instruction", "input", *[c for c in frame.columns if c != "instruction"]
        )
    shards = max(1, math.ceil(frame.height / max_shard_rows))
    out = {}
    for index in range(shards):
        buffer = io.BytesIO()
        frame.slice(index * max_shard_rows, max_shard_rows).write_parquet(buffer, compression="zstd")
        out[f"data/train-{index:05d}-of-{shards:05d}.parquet"] = buffer.getvalue()
    return out


def hub_card(card: str, formats: list[str], name: str, license: str, extra_lines: list[str]) -> str:
    configs = []
    if "parquet" in formats:
        configs.append(
            "  - config_name: default\n    data_files:\n      - split: train\n        path: data/train-*.parquet"
        )
    # `datasets` reads every config of a folder with one builder, so the card lists the JSONL
    # layouts only when there is no Parquet (they stay loadable with load_dataset("json", ...)).
    if "alpaca" in formats and "parquet" not in formats:
        configs.append(
            f"  - config_name: alpaca\n    data_files:\n      - split: train\n        path: {name}.alpaca.jsonl"
        )
    if "sharegpt" in formats and "parquet" not in formats:
        configs.append(
            f"  - config_name: sharegpt\n    data_files:\n      - split: train\n        path: {name}.sharegpt.jsonl"
        )
    front = "\n".join(
        [
            "---",
            f"license: {license}",
            "language:",
            "  - zh",
            "task_categories:",
            "  - text-generation",
            "tags:",
            "  - instruction-tuning",
            "  - kun",
            "configs:",
            *configs,
            "---",
            "",
        ]
    )
    return front + card.rstrip("\n") + "\n\n" + "\n".join(extra_lines)


def llama_factory_info(formats: list[str], name: str) -> dict[str, dict]:
    """LLaMA-Factory's dataset_info.json entries for the JSONL layouts written: put the export
    folder in LLaMA-Factory's `dataset_dir` and train with `dataset: <name>_alpaca` (or _sharegpt)."""
    info: dict[str, dict] = {}
    if "alpaca" in formats:
        info[f"{name}_alpaca"] = {
            "file_name": f"{name}.alpaca.jsonl",
            "formatting": "alpaca",
            "columns": {"prompt": "instruction", "query": "input", "response": "output"},
        }
    if "sharegpt" in formats:
        info[f"{name}_sharegpt"] = {
            "file_name": f"{name}.sharegpt.jsonl",
            "formatting": "sharegpt",
            "columns": {"messages": "conversations"},
            "tags": {"role_tag": "from", "content_tag": "value", "user_tag": "human", "assistant_tag": "gpt"},
        }
    if "parquet" in formats:  # a folder: LLaMA-Factory loads every file in it
        info[f"{name}_parquet"] = {
            "file_name": "data",
            "formatting": "alpaca",
            "columns": {"prompt": "instruction", "query": "input", "response": "output"},
        }
    if "preference" in formats:
        info[f"{name}_preference"] = {
            "file_name": f"{name}.preference.jsonl",
            "formatting": "alpaca",
            "ranking": True,
            "columns": {
                "prompt": "instruction",
                "query": "input",
                "chosen": "chosen",
                "rejected": "rejected",
            },
        }
    return info


def export(
    dataset: str | Path,
    output_dir: str | Path,
    formats: list[str],
    params: ExportParams,
    max_shard_rows: int = 100_000,
    card_path: str | Path | None = None,
    name: str = "kun",
    provenance: Provenance | None = None,
) -> list[str]:
    """Write `dataset` (.jsonl or .parquet with instruction/output) to `output_dir`; return the files
    written. `params` gives the licenses; `provenance` adds how to reproduce the data."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise KunError(f"unknown export format {unknown or formats}; use any of {', '.join(FORMATS)}")
    if max_shard_rows < 1:
        raise KunError("--max-shard-rows must be >= 1")
    if not _NAME.fullmatch(name):
        raise KunError(
            f"--name {name!r}: use letters, digits, '.', '_' and '-' only (it names files inside OUTPUT_DIR and a key in the card)"
        )
    frame = read_input(dataset, text_fields=("instruction", "output"))
    missing = [column for column in ("instruction", "output") if column not in frame.columns]
    if frame.height and missing:
        raise KunError(
            f"{dataset}: missing columns {', '.join(missing)}; export reads the assembled dataset (data/processed/kun.parquet)"
        )
    if "preference" in formats and frame.height and "raw_segment" not in frame.columns:
        raise KunError(
            f"{dataset}: no raw_segment column, which the preference layout pairs with each answer; export the .parquet "
            "dataset (data/processed/kun.parquet), or leave out preference (e.g. --format alpaca --format parquet)"
        )
    card = _read_card(
        Path(card_path) if card_path else Path(dataset).with_name("README.md"),
        name,
        frame.height,
        explicit=card_path is not None,
    )
    output_dir = Path(output_dir)
    files: dict[str, bytes] = {}
    if "alpaca" in formats:
        files[f"{name}.alpaca.jsonl"] = _jsonl(alpaca_records(frame))
    if "sharegpt" in formats:
        files[f"{name}.sharegpt.jsonl"] = _jsonl(sharegpt_records(frame))
    if "parquet" in formats:
        files.update(parquet_shards(frame, max_shard_rows))
    if "preference" in formats:
        files[f"{name}.preference.jsonl"] = _jsonl(preference_records(frame))
    extra = license_lines(params)
    if provenance is not None:
        extra += reproduce_lines(provenance.collect(), provenance.command)
    files["README.md"] = hub_card(card, formats, name, params.license, extra).encode("utf-8")
    info = llama_factory_info(formats, name)
    if info:
        files["dataset_info.json"] = (json.dumps(info, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    write_all({output_dir / relative: data for relative, data in files.items()})
    return sorted(files)


def _read_card(path: Path, name: str, rows: int, explicit: bool) -> str:
    """The dataset card to publish: `path` as UTF-8 text, or a one-line stand-in when the dataset
    has none beside it; a --card that is missing, a folder or not UTF-8 is one error line."""
    if not path.exists() and not explicit:
        return f"# {name}\n\n{rows} rows.\n"
    if not path.is_file():
        raise KunError(
            f"{path}: {'is a folder' if path.is_dir() else 'not found'}; --card takes the dataset card file (README.md)"
        )
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise KunError(f"{path}: not UTF-8 text (byte {error.start}); save the card as UTF-8") from None
