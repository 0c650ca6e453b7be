"""Glue shared by the LLM stage entry points and the CLI: the stage's params and the llm section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kun.llm import LLMParams
from kun.params import load_params, section

def stage_params(name: str, cls: type, params_path: str | Path = "params.yaml") -> tuple[Any, LLMParams, dict]:
    """(the stage's params dataclass, the llm section, the raw params)."""
    raw = load_params(params_path)
    return section(cls, raw, name), section(LLMParams, raw, "llm"), raw
