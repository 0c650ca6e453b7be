"""Progress bars on stderr (tqdm), disabled when KUN_NO_PROGRESS is set (tests, CI logs)."""

from __future__ import annotations

import os
from typing import Any


def bar(total: int | None, desc: str, unit: str = "rec", **kwargs: Any):
    from tqdm import tqdm

    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        dynamic_ncols=True,
        disable=bool(os.environ.get("KUN_NO_PROGRESS")),
        **kwargs,
    )


def phase_reporter(unit: str = "doc"):
    """A callback (phase, done, total) that keeps one tqdm bar per phase."""
    bars: dict[str, Any] = {}

    def report(phase: str, done: int, total: int) -> None:
        current = bars.get(phase)
        if current is None:
            current = bars[phase] = bar(total, phase, unit)
        current.update(done - current.n)
        if done >= total:
            current.close()

    return report
