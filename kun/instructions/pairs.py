"""Clean any instruction dataset with kun's rule gates (`kun filter-pairs`).

Reads `instruction`/`output` records from JSONL, JSON or Parquet (extra fields are kept; an
Alpaca `input` is read as the instruction's material),
applies every rule of the `filter` stage (instruction rules, kun.instructions.curate.instruction_rules)
and of the `assemble` stage (answer rules, kun.instructions.assemble.answer_rules; `truncated` when a
`finish_reason` field says `length`), then drops exact duplicate pairs. No score is involved:
this cleans alpaca-zh, a ShareGPT export or your own pairs the way kun cleans its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from kun.core.errors import KunError
from kun.core.io import ReadReport, check_one_kind_per_field, iter_records
from kun.instructions.assemble import AssembleParams, answer_rules, gate_pairs, pair_classifier
from kun.instructions.curate import FilterParams, instruction_rules


def read_pairs(path: str | Path, skip_bad_lines: bool = False) -> tuple[pl.DataFrame, ReadReport]:
    """Every record with string `instruction` and `output`; a bad record is an error naming its
    file:line (or is skipped and counted with `skip_bad_lines`)."""
    report = ReadReport()
    located: list[tuple[str, dict[str, Any]]] = []
    for where, record in iter_records(path, None, report if skip_bad_lines else None):
        bad = [name for name in ("instruction", "output") if not isinstance(record.get(name), str)]
        if bad:
            found = ", ".join(f"{name}={type(record.get(name)).__name__}" for name in bad)
            if not skip_bad_lines:
                raise KunError(
                    f"{where}: `instruction` and `output` must be strings ({found}); fix the record or pass --skip-bad-lines"
                )
            report.skip("not_a_pair", where)
            continue
        located.append((where, record))
    check_one_kind_per_field(located)
    rows = [record for _, record in located]
    if not rows:
        raise KunError(f"{path}: no instruction/output records; check the file")
    try:
        frame = pl.from_dicts(rows, infer_schema_length=None)
    except Exception as error:
        raise KunError(
            f"{path}: records have incompatible field types ({str(error).splitlines()[0]}); make each field one type"
        ) from None
    return frame, report


def filter_pairs(
    frame: pl.DataFrame, filter_params: FilterParams, assemble_params: AssembleParams
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """(kept rows, rejected rows with `reason`, count per reason with every gate listed). An
    Alpaca-style string `input` is the instruction's material: the rules read it on the lines
    after the instruction (`判断下面句子的情感。` + its sentence); the rows keep both fields as they were."""
    frame = frame.with_columns(pl.col("instruction").str.strip_chars(), pl.col("output").str.strip_chars())
    pair_rules = [
        *instruction_rules(filter_params),
        *answer_rules(assemble_params, filter_params.instruction_min_cjk_ratio),
    ]
    gate = (
        assemble_params.truncated,
        "finish_reason",
        pair_classifier(assemble_params),
        assemble_params.classifier_threshold,
    )
    if frame.schema.get("input") != pl.String:
        return gate_pairs(frame, pair_rules, *gate)
    material = pl.col("input").fill_null("").str.strip_chars()
    read = frame.with_columns(
        pl.col("instruction").alias(_ORIGINAL),
        pl.when(material != "")
        .then(pl.concat_str(pl.col("instruction"), pl.lit("\n"), material))
        .otherwise(pl.col("instruction"))
        .alias("instruction"),
    )
    kept, rejected, counts = gate_pairs(read, pair_rules, *gate)
    restore = [pl.col(_ORIGINAL).alias("instruction")]
    return kept.with_columns(restore).drop(_ORIGINAL), rejected.with_columns(restore).drop(_ORIGINAL), counts


_ORIGINAL = "_kun_instruction"  # the instruction as the file had it, while the rules read it with its input
