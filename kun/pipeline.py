"""Glue shared by the stage entry points and the CLI: read a table, load params sections."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from kun.errors import KunError
from kun.io import read_table
from kun.llm import LLMParams
from kun.params import load_params, section


def read_input(path: str | Path) -> pl.DataFrame:
    path = Path(path)
    if not path.exists():
        raise KunError(f"{path}: not found; run the stage that writes it (dvc repro) or check the path")
    return read_table(path)


def stage_params(name: str, cls: type, params_path: str | Path = "params.yaml") -> tuple[Any, LLMParams, dict]:
    """(the stage's params dataclass, the llm section, the raw params)."""
    raw = load_params(params_path)
    return section(cls, raw, name), section(LLMParams, raw, "llm"), raw
