"""metrics/metrics.json (kun.evaluation.report): every step names its key figures in its own
metrics file (kun.core.metrics.key_figures); the report gathers them knowing no step."""

from __future__ import annotations

import json
from pathlib import Path

from kun.core.metrics import key_figures
from kun.evaluation.report import collect, flatten, nest

REPO = Path(__file__).resolve().parents[1]


def _round(loss: float) -> dict:
    metrics = {
        "round": "1",
        "kept_after_score": 10,
        "polished": 9,
        "curated_pairs": 8,
        "train": {"final_loss": loss, "steps": 4},
        "score": {"score_mean": 0.5, "score_median": 0.25, "unparsable": 1},
    }
    metrics["key_figures"] = key_figures(
        metrics,
        {"curated_pairs": "curated_pairs", "final_loss": "train.final_loss", "mean": "score.score_mean"},
    )
    return metrics


def test_key_figures_follow_the_spec():
    metrics = {
        "docs_in": 5,
        "median": None,
        "pii": {"found": {"EMAIL": 2, "PHONE": 0, "mode": "redact"}},
        "prompt_tokens": 7,
        "cache_hits": 1,
        "model": "abc",
    }
    figures = key_figures(
        metrics, {"docs": "docs_in", "median": "median", "missing": "no.such", "pii": "pii.found"}, ledger=""
    )
    # None and missing figures are left out; a mapping gives its numbers under lower-case names
    assert figures == {"docs": 5, "pii.email": 2, "pii.phone": 0, "prompt_tokens": 7, "cache_hits": 1}
    assert key_figures({"funnel": {"Segments": 3}}, {"": "funnel"}) == {"segments": 3}


def test_each_iterate_round_is_under_iterate_round_k(tmp_path):
    (tmp_path / "iterate").mkdir()
    for name, loss in (("1", 2.5), ("2", 1.75)):
        (tmp_path / "iterate" / f"round_{name}.json").write_text(json.dumps(_round(loss)))
    (tmp_path / "iterate" / ".gitkeep").touch()
    nested = nest(collect(tmp_path))
    assert nested["iterate"]["round_2"] == {"curated_pairs": 8, "final_loss": 1.75, "mean": 0.5}
    assert nested["iterate"]["round_1"]["final_loss"] == 2.5


def test_files_without_key_figures_are_not_steps_and_ledgers_sum_to_cost(tmp_path):
    (tmp_path / "train" / "train_chat").mkdir(parents=True)
    (tmp_path / "train" / "train_chat" / "metrics.json").write_text(json.dumps({"loss": 1.0}))  # dvclive's
    (tmp_path / "funnel.json").write_text(json.dumps([{"step": "a", "rows": 1}]))  # a plot's data
    (tmp_path / "label.json").write_text(json.dumps({"key_figures": {"candidates": 3, "prompt_tokens": 10}}))
    (tmp_path / "score.json").write_text(json.dumps({"key_figures": {"prompt_tokens": 5, "cache_hits": 2}}))
    assert collect(tmp_path) == {
        "label.candidates": 3,
        "label.prompt_tokens": 10,
        "score.prompt_tokens": 5,
        "score.cache_hits": 2,
        "cost.prompt_tokens": 15,
        "cost.generated_tokens": 0,
        "cost.backend_seconds": 0,
        "cost.cache_hits": 2,
    }


def test_no_rounds_no_iterate_figures(tmp_path):
    (tmp_path / "iterate").mkdir()
    assert "iterate" not in nest(collect(tmp_path))


def test_the_committed_metrics_file_is_what_the_committed_step_metrics_give():
    committed = json.loads((REPO / "metrics/metrics.json").read_text(encoding="utf-8"))
    assert flatten(committed) == collect(REPO / "metrics")
