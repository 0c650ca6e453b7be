"""label -> score -> polish through `llm.backend: openai` against a real `transformers serve`, and the
same chain through the local transformers backend: equal rows under greedy decoding (slow).

The server runs without --continuous-batching: in transformers 5.x continuous batching drops the
repetition penalty and keeps the first request's sampling settings for all later requests, so
its replies differ from the local backend's wherever a stage sets repetition_penalty (README,
"Serving the models"). transformers serve returns no prompt log-probabilities: a logprob verdict
is refused before any request, never guessed. Two seeds at temperature 0.7 give different
replies: every request states its own seed and the server samples with it.
"""

from pathlib import Path

import polars as pl
import pytest
from test_generation_stages import segments_frame
from transformers_serve import transformers_serve

from kun.core.errors import KunError
from kun.instructions.label import LabelParams, label
from kun.instructions.polish import PolishParams, polish
from kun.instructions.score import ScoreParams, score
from kun.instructions.seed import read_seed
from kun.llm import LLM
from kun.llm.backends import make_backend
from kun.llm.base import SamplingParams
from kun.llm.cache import RecordCache
from kun.llm.params import LLMParams

REPO = Path(__file__).resolve().parent.parent
# Greedy everywhere; the authors' repetition penalty 1.2 stays on, so the test covers how it is sent.
LABEL = LabelParams(mode="prompt", temperature=0.0, max_new_tokens=32, truncated="keep")
SCORE = ScoreParams(verdict="sampled", temperature=0.0, max_new_tokens=12)
POLISH = PolishParams(temperature=0.0, max_new_tokens=32)


def chain(llm: LLM) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(label candidates, their rows after scoring (sampled verdict) and polishing); four segments, none dropped."""
    candidates, rejected, _ = label(
        segments_frame().head(4), LABEL, llm, read_seed(REPO / "data/seed/seed.jsonl")
    )
    assert rejected.height == 0
    scored, _ = score(candidates, SCORE, llm)
    polished, _ = polish(scored.with_columns(pl.lit(1.0).alias("score")), POLISH, llm)
    rows = scored.select("segment_id", "instruction", "score_raw").join(
        polished.select("segment_id", "output", "output_finish_reason"), on="segment_id"
    )
    return candidates, rows.sort("segment_id")


@pytest.mark.slow
def test_label_score_polish_through_transformers_serve_equal_the_local_backend(default_model_dir, tmp_path):
    local = LLM(
        make_backend(LLMParams(device="cpu", batch_size=8), default_model_dir),
        RecordCache(tmp_path / "local.sqlite"),
    )
    _, expected = chain(local)
    with transformers_serve(default_model_dir, log=tmp_path / "serve.log") as base_url:
        params = LLMParams(
            backend="openai",
            base_url=base_url,
            served_model=str(default_model_dir.resolve()),
            api_key_env=None,
            server="transformers",
            max_concurrency=4,
            timeout_s=300,
        )
        served = LLM(make_backend(params, default_model_dir), RecordCache(tmp_path / "served.sqlite"))
        candidates, got = chain(served)
        with pytest.raises(KunError, match="llm.server transformers does not return"):
            score(candidates, ScoreParams(verdict="logprob"), served)
        question = [[{"role": "user", "content": "写一句关于春天的话。"}]]
        sampled = {
            served.generate(question, SamplingParams(temperature=0.7, max_new_tokens=24, seed=seed))[0]
            for seed in range(4)
        }
    assert served.stats["backend_calls"] > 0 and served.stats["cache_hits"] == 0
    assert got.height == expected.height == 4
    for column in ("instruction", "score_raw", "output", "output_finish_reason"):
        assert got.get_column(column).to_list() == expected.get_column(column).to_list(), column
    assert len(sampled) > 1  # the seeds reach the server's sampler
