"""metrics/metrics.json's iterate rounds (kun.evaluation.report)."""

from __future__ import annotations

import json

from kun.evaluation.report import collect, nest


def test_each_iterate_round_is_under_iterate_round_k(tmp_path):
    (tmp_path / "iterate").mkdir()
    for round_name, loss in (("1", 2.5), ("2", 1.75)):
        (tmp_path / "iterate" / f"round_{round_name}.json").write_text(
            json.dumps(
                {
                    "round": round_name,
                    "kept_after_score": 10,
                    "polished": 9,
                    "curated_pairs": 8,
                    "train": {"final_loss": loss, "steps": 4},
                    "score": {"score_mean": 0.5, "score_median": 0.25, "unparsable": 1},
                }
            )
        )
    (tmp_path / "iterate" / ".gitkeep").touch()
    nested = nest(collect(tmp_path))
    assert nested["iterate"]["round_2"] == {
        "kept_after_score": 10,
        "polished": 9,
        "curated_pairs": 8,
        "final_loss": 1.75,
        "steps": 4,
        "score_mean": 0.5,
        "score_median": 0.25,
        "score_unparsable": 1,
    }
    assert nested["iterate"]["round_1"]["final_loss"] == 2.5


def test_no_rounds_no_iterate_figures(tmp_path):
    (tmp_path / "iterate").mkdir()
    assert "iterate" not in nest(collect(tmp_path))
