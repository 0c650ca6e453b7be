"""assemble.rate: the chat model's 5-point rating of the final pair, cached and costed; and
score never calls the model for a candidate an instruction rule drops."""

from __future__ import annotations

import math

import polars as pl
from fake_backend import FakeBackend

from kun.core.records import CANDIDATE_SCHEMA
from kun.instructions.assemble import AssembleParams, assemble
from kun.instructions.curate import FilterParams, curate, instruction_rules
from kun.instructions.rating import Rater, expected_rating
from kun.instructions.score import ScoreParams, score
from kun.llm import LLM
from kun.llm.cache import RecordCache

GOOD = "长城是中国古代修建的大型军事防御工程，东起山海关，西至嘉峪关。"


def _polished(outputs: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "candidate_id": f"c{i}",
                "segment_id": f"s{i}",
                "source": "x",
                "segment": "原文",
                "instruction": "请介绍长城。",
                "score": 0.9,
                "label_model": "m",
                "label_prompt_version": "v",
                "score_mode": "focused",
                "output": output,
                "polish_model": "m",
                "polish_prompt_version": "v",
            }
            for i, output in enumerate(outputs)
        ]
    )


def test_expected_rating_is_the_mean_over_normalised_probabilities_and_refuses_bad_values():
    assert expected_rating([math.log(1.0), -50, -50, -50, -50]) == pytest_approx(1.0)
    assert expected_rating([-50, -50, -50, -50, 0.0]) == pytest_approx(5.0)
    assert expected_rating([math.log(0.5), -60, -60, -60, math.log(0.5)]) == pytest_approx(3.0)
    assert expected_rating([None, -1, -1, -1, -1]) is None
    assert expected_rating([float("nan"), -1, -1, -1, -1]) is None
    assert expected_rating([0.5, -1, -1, -1, -1]) is None  # a positive log-probability is not one


def pytest_approx(value):
    import pytest

    return pytest.approx(value, abs=1e-6)


def test_sampled_ratings_drop_low_and_unrated_pairs_after_the_rules_and_are_cached(tmp_path):
    one, two, three = GOOD + "它是世界文化遗产。", GOOD + "每年游客很多。", GOOD + "八达岭最有名。"
    replies = {one: "清楚完整。\nScore: 5", two: "一般。\nScore: 2", three: "没有分数"}
    backend = FakeBackend(
        replies=lambda text: next((reply for key, reply in replies.items() if key in text), "Score: 5")
    )
    llm = LLM(backend, RecordCache(tmp_path / "c.sqlite"))
    frame = _polished([one, two, three, "太短"])
    final, rejected, drops = assemble(
        frame, AssembleParams(rate=True, rating_verdict="sampled", min_rating=4.0), Rater(llm, "sampled").rate
    )
    assert final.get_column("id").to_list() == ["c0"] and final.get_column("rating").to_list() == [5.0]
    assert dict(zip(rejected.get_column("candidate_id"), rejected.get_column("reason"))) == {
        "c3": "answer_too_short",
        "c1": "low_rating",
        "c2": "unrated",
    }
    assert drops["low_rating"] == 1 and drops["unrated"] == 1
    assert len(backend.generated) == 3  # the pair a rule dropped was never rated
    assert llm.stats["backend_calls"] == 3  # costed in the ledger
    again = LLM(backend, RecordCache(tmp_path / "c.sqlite"))
    assemble(frame, AssembleParams(rate=True, rating_verdict="sampled"), Rater(again, "sampled").rate)
    assert again.stats["backend_calls"] == 0 and again.stats["cache_hits"] == 3


def test_logprob_ratings_use_five_forward_passes_per_pair(tmp_path):
    backend = FakeBackend()
    llm = LLM(backend, RecordCache(tmp_path / "c.sqlite"))
    ratings = Rater(llm, "logprob").rate(["请介绍长城。", "请介绍黄河。"], [GOOD, "黄河是中国第二长河。"])
    assert len(backend.scored) == 10 and [continuation for _, continuation in backend.scored[:5]] == [
        f"Score: {k}" for k in range(1, 6)
    ]
    assert all(1.0 <= rating <= 5.0 for rating in ratings)
    final, _, drops = assemble(
        _polished([GOOD]), AssembleParams(rate=True, min_rating=1.0), Rater(llm, "logprob").rate
    )
    assert final.height == 1 and drops["low_rating"] == 0


def test_without_a_rater_the_rating_column_is_null_and_no_rating_reason_is_counted():
    final, _, drops = assemble(_polished([GOOD]), AssembleParams())
    assert final.get_column("rating").to_list() == [None] and "low_rating" not in drops


def test_score_skips_candidates_a_rule_drops_and_filter_counts_them_under_that_rule(tmp_path):
    base = {column: None for column in CANDIDATE_SCHEMA}
    rows = [
        {
            **base,
            "candidate_id": "a",
            "segment_id": "s1",
            "segment": "光合作用……",
            "instruction": "请解释光合作用的过程。",
        },
        {
            **base,
            "candidate_id": "b",
            "segment_id": "s2",
            "segment": "某诗……",
            "instruction": "这首诗表达了什么感情？",
        },
        {
            **base,
            "candidate_id": "c",
            "segment_id": "s3",
            "segment": "随机……",
            "instruction": "宝亦枝旅阳客冲盘遭凤伯帘伞铅",
        },
    ]
    candidates = pl.DataFrame(rows, schema=CANDIDATE_SCHEMA)
    backend = FakeBackend(replies=lambda text: "【好】")
    params = FilterParams(min_score=0.5)
    scored, metrics = score(
        candidates, ScoreParams(verdict="sampled"), LLM(backend), instruction_rules(params)
    )
    assert len(backend.generated) == 1  # only the candidate no rule drops was sent to the model
    assert scored.get_column("candidate_id").to_list() == ["a", "b", "c"]  # input order kept
    assert scored.get_column("score_error").to_list() == [
        None,
        "rule:refers_to_unseen_context",
        "rule:gibberish",
    ]
    assert (
        metrics["skipped_by_rules"] == {"gibberish": 1, "refers_to_unseen_context": 1}
        and metrics["unparsable"] == 0
    )
    kept, rejected, filter_metrics = curate(scored, params)
    assert kept.get_column("candidate_id").to_list() == ["a"]
    assert (
        filter_metrics["rejected"]["refers_to_unseen_context"] == 1
        and filter_metrics["rejected"]["gibberish"] == 1
        and filter_metrics["rejected"]["unscorable"] == 0
    )
