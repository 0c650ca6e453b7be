"""label -> assemble with the real default model on 8 segments (slow)."""

import json
from pathlib import Path

import pytest
from killing import kill_once_cached
from test_generation_stages import segments_frame

from kun.instructions.assemble import AssembleParams, assemble
from kun.instructions.curate import FilterParams, curate
from kun.instructions.label import LabelParams, label
from kun.instructions.polish import PolishParams, polish
from kun.instructions.score import ScoreParams, score
from kun.instructions.seed import read_seed
from kun.llm import LLM
from kun.llm.cache import RecordCache
from kun.llm.transformers_backend import TransformersBackend

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_default_model_label_to_assemble_on_8_segments(default_model_dir, tmp_path):
    assert (default_model_dir / "model.safetensors").exists() and (
        default_model_dir / "tokenizer.json"
    ).exists()
    config = json.loads((default_model_dir / "config.json").read_text())
    assert "quantization_config" not in config
    llm = LLM(
        TransformersBackend(default_model_dir, device="cpu", batch_size=8), RecordCache(tmp_path / "c.sqlite")
    )
    segments = segments_frame().head(8)
    candidates, rejected, metrics = label(
        segments,
        LabelParams(mode="prompt", max_new_tokens=32, truncated="keep"),
        llm,
        read_seed(REPO / "data/seed/seed.jsonl"),
    )
    assert candidates.height + rejected.height == 8 and candidates.height >= 4
    assert all(len(instruction) >= 2 for instruction in candidates.get_column("instruction"))
    scored, score_metrics = score(candidates, ScoreParams(verdict="logprob"), llm)
    values = scored.get_column("score").to_list()
    assert all(0.0 <= value <= 1.0 for value in values) and len(set(values)) > 1  # a real model discriminates
    lenient = FilterParams(
        min_score=0.0,
        instruction_min_cjk_ratio=0.0,
        unseen_context_keywords=[],
        unseen_context_patterns=False,
        fragments=False,
        min_word_coverage=0.0,
        request_markers=[],
        unexpected_scripts=[],
    )
    kept, _, _ = curate(scored, lenient)
    polished, polish_metrics = polish(kept, PolishParams(max_new_tokens=48), llm)
    assert polish_metrics["empty_answers"] < polished.height
    final, dropped, drops = assemble(polished, AssembleParams(length_floor="fixed", min_answer_chars=5))
    assert final.height + dropped.height == polished.height
    calls = llm.stats["backend_calls"]
    label(
        segments,
        LabelParams(mode="prompt", max_new_tokens=32, truncated="keep"),
        llm,
        read_seed(REPO / "data/seed/seed.jsonl"),
    )
    assert llm.stats["backend_calls"] == calls  # second pass entirely from the cache


KILLED_GENERATION = """
import sys
from kun.llm import LLM
from kun.llm.base import SamplingParams
from kun.llm.cache import RecordCache
from kun.llm.transformers_backend import TransformersBackend
prompts = {prompts!r}
llm = LLM(TransformersBackend({model!r}, device="cpu", batch_size=64), RecordCache({cache!r}), chunk_size=64, commit_every_s=0.5)
llm.generate(prompts, SamplingParams(max_new_tokens=64, repetition_penalty=1.2))
"""
SHORT_AND_LONG = [
    [{"role": "user", "content": text}]
    for text in [
        "你好",
        "1+1等于几？只回答数字。",
        "用一句话介绍长城。",
        "床前明月光的下一句是什么？",
        "请说一个颜色。",
        "Say hi.",
        "What is 2+2? Answer with a number.",
        "Name a fruit.",
    ]
]


@pytest.mark.slow
def test_kill_9_inside_one_batch_keeps_the_rows_that_ended_on_the_default_model(default_model_dir, tmp_path):
    """The demo's case: every request of a stage in one chunk and one decoding batch. Rows that
    end early are committed by time, so `kill -9` before the batch ends keeps them; the rerun
    computes only the rest and gives what an uninterrupted run gives."""
    from kun.llm.base import SamplingParams

    cache = tmp_path / "killed.sqlite"
    kept = kill_once_cached(
        KILLED_GENERATION.format(prompts=SHORT_AND_LONG, model=str(default_model_dir), cache=str(cache)),
        cache,
        at_least=1,
        timeout_s=300,
    )
    assert 1 <= kept < len(SHORT_AND_LONG)
    sampling = SamplingParams(max_new_tokens=64, repetition_penalty=1.2)
    resumed = LLM(TransformersBackend(default_model_dir, device="cpu", batch_size=64), RecordCache(cache))
    fresh = LLM(resumed.backend, RecordCache(tmp_path / "fresh.sqlite"))
    assert resumed.generate_full(SHORT_AND_LONG, sampling) == fresh.generate_full(SHORT_AND_LONG, sampling)
    assert (
        resumed.stats["cache_hits"] == kept and resumed.stats["backend_calls"] == len(SHORT_AND_LONG) - kept
    )
