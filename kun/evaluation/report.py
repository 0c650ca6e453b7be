"""metrics/metrics.json: the key figures of every stage, nested by stage.

It is the pipeline's only DVC `metrics` file, so `dvc metrics show`, `dvc metrics diff` and
`dvc exp show` compare revisions and experiments at a glance, in columns grouped by stage
(`ingest.docs`, `eval.demo.0-shot.final`, ...). Reads the per-stage metrics files (those that
exist; they are plain tracked outputs) and keeps the numbers worth comparing: the data funnel,
the dedup rate, scores, training loss, each iterate round (`iterate.round_<k>.*`), accuracy per
benchmark and the judge's win rate.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kun.core.metrics import read_json

# file -> list of (dotted path in that file, key in metrics.json)
KEY_FIGURES: dict[str, list[tuple[str, str]]] = {
    "ingest.json": [
        ("docs_in", "ingest.docs"),
        ("segments_out", "ingest.segments"),
        ("pii.docs_with_pii", "ingest.pii.documents"),
        ("pii.docs_dropped", "ingest.pii.dropped"),
    ],
    "dedup.json": [
        ("docs_out", "dedup.unique"),
        ("dedup_rate", "dedup.rate"),
        ("docs_per_second", "dedup.docs_per_second"),
    ],
    "perplexity.json": [
        ("kept", "perplexity.kept"),
        ("perplexity_median", "perplexity.median"),
        ("max", "perplexity.max"),
    ],
    "label.json": [("candidates", "label.candidates")],
    "score.json": [
        ("score_mean", "score.mean"),
        ("score_median", "score.median"),
        ("unparsable", "score.unparsable"),
    ],
    "filter.json": [("kept", "filter.kept"), ("min_score", "filter.min_score")],
    "polish.json": [("polished", "polish.polished"), ("mean_answer_chars", "polish.mean_answer_chars")],
}
# file -> list of (dotted path of a mapping in that file, prefix in metrics.json): every number in
# the mapping, under its own (lower-case) name, so the figures follow what the step wrote.
KEY_MAPPINGS: dict[str, list[tuple[str, str]]] = {
    "ingest.json": [("pii.found", "ingest.pii")],  # finds per kind: ingest.pii.email, ...
    "data.json": [("funnel", "data")],  # rows after each step: data.segments, ..., data.final
}
# metrics/iterate/round_<k>.json (stages/iterate.py) -> iterate.round_<k>.<key>
ITERATE_FIGURES = [
    ("kept_after_score", "kept_after_score"),
    ("polished", "polished"),
    ("curated_pairs", "curated_pairs"),
    ("train.final_loss", "final_loss"),
    ("train.steps", "steps"),
    ("score.score_mean", "score_mean"),
    ("score.score_median", "score_median"),
    ("score.unparsable", "score_unparsable"),
]
TRAIN_FIGURES = [("final_loss", "final_loss"), ("steps", "steps"), ("tokens_per_second", "tokens_per_second")]
# The cost ledger of every LLM stage (kun.llm.cached): file -> where its ledger is in that file.
COST_STAGES = {
    "perplexity.json": "",
    "label.json": "",
    "score.json": "",
    "polish.json": "",
    "eval.json": "cost",
}
COST_FIGURES = ("prompt_tokens", "generated_tokens", "backend_seconds", "cache_hits")


def _get(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


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


def _cost(metrics_dir: Path, flat: dict[str, Any]) -> None:
    """Each LLM stage's ledger as <stage>.<figure>, and the sums as cost.<figure>, so
    `dvc exp show` compares what experiments cost."""
    ledgers = {
        path.stem: _get(read_json(path), where) if where else read_json(path)
        for name, where in COST_STAGES.items()
        if (path := metrics_dir / name).exists()
    }
    totals = dict.fromkeys(COST_FIGURES, 0)
    for stage, ledger in ledgers.items():
        for figure in COST_FIGURES:
            value = ledger.get(figure) if isinstance(ledger, dict) else None
            if isinstance(value, (int, float)):
                flat[f"{stage}.{figure}"] = value
                totals[figure] += value
    if ledgers:
        flat.update({f"cost.{figure}": round(value, 3) for figure, value in totals.items()})


def collect(metrics_dir: str | Path = "metrics") -> dict[str, Any]:
    """The key figures (flat, dotted keys) from whatever stage metrics exist in `metrics_dir`;
    `nest(collect(...))` is what metrics/metrics.json holds."""
    metrics_dir = Path(metrics_dir)
    flat: dict[str, Any] = {}
    for name in dict.fromkeys([*KEY_FIGURES, *KEY_MAPPINGS]):
        path = metrics_dir / name
        if path.exists():
            data = read_json(path)
            for dotted, key in KEY_FIGURES.get(name, []):
                value = _get(data, dotted)
                if value is not None:
                    flat[key] = value
            for dotted, prefix in KEY_MAPPINGS.get(name, []):
                mapping = _get(data, dotted)
                if isinstance(mapping, dict):
                    _flatten(prefix, {str(item).lower(): value for item, value in mapping.items()}, flat)
    for stage in ("train_label", "train_chat", "finetune"):
        path = metrics_dir / f"{stage}.json"
        if path.exists():
            data = read_json(path)
            for dotted, key in TRAIN_FIGURES:
                value = _get(data, dotted)
                if value is not None:
                    flat[f"{stage}.{key}"] = value
    for path in sorted((metrics_dir / "iterate").glob("round_*.json")):
        data = read_json(path)
        for dotted, key in ITERATE_FIGURES:
            value = _get(data, dotted)
            if value is not None:
                flat[f"iterate.{path.stem}.{key}"] = value
    _cost(metrics_dir, flat)
    eval_path = metrics_dir / "eval.json"
    if eval_path.exists():
        _flatten("eval", read_json(eval_path).get("summary", {}), flat)
    return dict(sorted(flat.items()))
