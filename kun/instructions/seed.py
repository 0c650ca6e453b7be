"""Seed instruction/output pairs (data/seed/seed.jsonl): reading, validation, few-shot choice."""

from __future__ import annotations

import random
from pathlib import Path

from kun.core.errors import KunError
from kun.core.io import iter_records


def read_seed(path: str | Path) -> list[dict[str, str]]:
    """All pairs of a seed JSONL file; each line needs non-empty `instruction` and `output`."""
    pairs = []
    for where, record in iter_records(path, "jsonl"):
        instruction, output = record.get("instruction"), record.get("output")
        if (
            not isinstance(instruction, str)
            or not isinstance(output, str)
            or not instruction.strip()
            or not output.strip()
        ):
            raise KunError(
                f"{where}: a seed pair needs non-empty string fields 'instruction' and 'output' (found: {', '.join(sorted(record))})"
            )
        pairs.append({"instruction": instruction.strip(), "output": output.strip()})
    if not pairs:
        raise KunError(f"{path}: no seed pairs; add instruction/output lines")
    return pairs


def choose_shots(
    pairs: list[dict[str, str]], count: int, max_output_chars: int, seed: int
) -> list[dict[str, str]]:
    """`count` pairs with outputs no longer than `max_output_chars`, drawn reproducibly from `seed`."""
    short = [pair for pair in pairs if len(pair["output"]) <= max_output_chars] or sorted(
        pairs, key=lambda p: len(p["output"])
    )[:count]
    return random.Random(seed).sample(short, min(count, len(short)))
