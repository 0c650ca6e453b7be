"""metrics/metrics.json: the key figures of every step, nested by step.

It is the pipeline's only DVC `metrics` file, so `dvc metrics show`, `dvc metrics diff` and
`dvc exp show` compare revisions and experiments at a glance, in columns grouped by step
(`ingest.docs`, `eval.demo.0-shot.final`, ...). Each step names its own key figures: it writes
them under `key_figures` in its metrics file (kun.core.metrics.key_figures). The report knows no
step: it reads every JSON file under the metrics folder that has `key_figures` and files each
figure as <file's path without .json, dots for slashes>.<name> (`iterate/round_1.json`'s
`final_loss` is `iterate.round_1.final_loss`), and sums the LLM ledgers' figures over the steps
as `cost.<figure>`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kun.core.metrics import COST_FIGURES, read_json


def _flatten(prefix: str, data: Any, out: dict[str, Any]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out)
    elif data is None or (isinstance(data, (int, float)) and not isinstance(data, bool)):
        out[prefix] = data  # None stays: a figure that could not be computed (e.g. no judged pair)


def nest(flat: dict[str, Any]) -> dict[str, Any]:
    """{"eval.demo.0-shot.final": x} -> {"eval": {"demo": {"0-shot": {"final": x}}}}."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, leaf = key.split(".")
        node = nested
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def flatten(nested: dict[str, Any]) -> dict[str, Any]:
    """The inverse of nest: dotted keys, as `dvc metrics show` prints them."""
    flat: dict[str, Any] = {}
    _flatten("", nested, flat)
    return flat


def collect(metrics_dir: str | Path = "metrics") -> dict[str, Any]:
    """The key figures (flat, dotted keys) of whatever step metrics exist in `metrics_dir`;
    `nest(collect(...))` is what metrics/metrics.json holds."""
    metrics_dir = Path(metrics_dir)
    flat: dict[str, Any] = {}
    totals: dict[str, float] = {}
    for path in sorted(metrics_dir.rglob("*.json")):
        data = read_json(path)
        figures = data.get("key_figures") if isinstance(data, dict) else None
        if not isinstance(figures, dict):
            continue  # not a step's metrics (the report's own file, a plot's data, dvclive's)
        prefix = ".".join(path.relative_to(metrics_dir).with_suffix("").parts)
        for name, value in figures.items():
            flat[f"{prefix}.{name}"] = value
            if name in COST_FIGURES and isinstance(value, (int, float)):
                totals[name] = totals.get(name, 0) + value
    if totals:
        flat.update({f"cost.{figure}": round(totals.get(figure, 0), 3) for figure in COST_FIGURES})
    return dict(sorted(flat.items()))
