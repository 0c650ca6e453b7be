"""A record's output does not depend on how requests were chunked, batched or run before.

Sampling draws each record from its own seed (kun.llm.base.record_seed); the cache key holds no
operational knob. Checked with the tiny model on the transformers backend: chunk_size, batch_size
and the order in which records were first asked for change nothing.
"""

from __future__ import annotations

import dataclasses

import pytest

from kun.llm import LLMParams, load_llm
from kun.llm.base import SamplingParams, record_seed
from kun.llm.cache import RecordCache

TEXTS = [
    "床前明月光",
    "学而时习之，不亦说乎",
    "长城",
    "黄河是中国第二长河。",
    "请解释一下光合作用的过程。",
    "举头望明月",
    "有朋自远方来，不亦乐乎？",
    "低头思故乡",
    "白日依山尽",
    "疑是地上霜。",
    "黄河入海流",
    "欲穷千里目，更上一层楼",
]
PROMPTS = [[{"role": "user", "content": text}] for text in TEXTS]
SAMPLED = SamplingParams(temperature=1.0, top_p=0.95, max_new_tokens=8, seed=7)


def outputs(model_dir, cache_path, prompts=PROMPTS, **settings):
    params = dataclasses.replace(LLMParams(device="cpu", dtype="float32"), **settings)
    llm = load_llm(params, model_dir)
    llm.cache = RecordCache(cache_path)
    return llm.generate(prompts, SAMPLED)


def test_record_seed_depends_on_the_prompt_and_the_seed_only():
    assert record_seed(7, PROMPTS[0]) == record_seed(7, [dict(PROMPTS[0][0])])
    assert record_seed(7, PROMPTS[0]) != record_seed(8, PROMPTS[0]) != record_seed(7, PROMPTS[1])
    assert 0 <= record_seed(2**40, "x") < 2**63


@pytest.mark.parametrize(
    "settings",
    [
        {"chunk_size": 1, "batch_size": 1},
        {"chunk_size": 5, "batch_size": 2},
        {"chunk_size": 64, "batch_size": 8},
    ],
    ids=str,
)
def test_samples_do_not_depend_on_chunks_or_batches(tiny_model_dir, tmp_path, settings):
    reference = outputs(tiny_model_dir, tmp_path / "reference.sqlite", chunk_size=64, batch_size=12)
    assert len(set(reference)) > 1  # real samples, not one constant reply
    assert outputs(tiny_model_dir, tmp_path / "other.sqlite", **settings) == reference


def test_samples_do_not_depend_on_what_ran_before(tiny_model_dir, tmp_path):
    fresh = outputs(tiny_model_dir, tmp_path / "fresh.sqlite")
    outputs(
        tiny_model_dir, tmp_path / "grown.sqlite", prompts=PROMPTS[:5]
    )  # a smaller run first (label.limit 5, then 12)
    assert outputs(tiny_model_dir, tmp_path / "grown.sqlite") == fresh


def test_forward_passes_cut_by_max_batch_tokens_give_the_same_values(tiny_model_dir, tmp_path):
    """Perplexities and log-probabilities computed in token-bounded batches equal those of one
    big batch up to float rounding."""
    texts = TEXTS * 2
    pairs = [(prompt, "。") for prompt in PROMPTS] + [(text, "好") for text in TEXTS]
    values = {}
    for budget in (0, 32):
        llm = load_llm(
            LLMParams(device="cpu", dtype="float32", batch_size=64, max_batch_tokens=budget), tiny_model_dir
        )
        llm.cache = RecordCache(tmp_path / f"{budget}.sqlite")
        values[budget] = llm.perplexity(texts) + llm.logprobs(pairs)
    assert values[32] == pytest.approx(values[0], rel=1e-5, abs=1e-5)
