"""The LLM layer: cache and resume, transformers batching and log-probabilities, templates."""

import math

import pytest
from fake_backend import CrashError, FakeBackend

from kun.llm import LLM
from kun.llm.base import SamplingParams, apply_stop, prompt_key
from kun.llm.cache import RecordCache


def conversations(n):
    return [[{"role": "user", "content": f"第{i}个问题：天为什么是蓝色的？"}] for i in range(n)]


def test_cache_hits_on_rerun_and_survives_reopen(tmp_path):
    backend = FakeBackend()
    llm = LLM(backend, RecordCache(tmp_path / "c.sqlite"), chunk_size=4)
    first = llm.generate(conversations(10), SamplingParams())
    assert {k: llm.stats[k] for k in ("cache_hits", "cache_misses", "backend_calls")} == {
        "cache_hits": 0,
        "cache_misses": 10,
        "backend_calls": 10,
    }
    assert llm.stats["uncounted_requests"] == 10  # the fake backend has no tokenizer to count with
    again = LLM(FakeBackend(), RecordCache(tmp_path / "c.sqlite"))
    assert again.generate(conversations(10), SamplingParams()) == first
    assert {
        k: again.stats[k]
        for k in ("cache_hits", "cache_misses", "backend_calls", "prompt_tokens", "uncounted_requests")
    } == {
        "cache_hits": 10,
        "cache_misses": 0,
        "backend_calls": 0,
        "prompt_tokens": 0,
        "uncounted_requests": 0,
    }
    # Different sampling params are different records.
    again.generate(conversations(2), SamplingParams(seed=1))
    assert again.stats["cache_misses"] == 2


def test_duplicate_prompts_in_a_batch_are_computed_once(tmp_path):
    backend = FakeBackend()
    llm = LLM(backend, RecordCache(tmp_path / "c.sqlite"))
    replies = llm.generate(conversations(3) * 2, SamplingParams())
    assert replies[:3] == replies[3:] and len(backend.generated) == 3


def test_crash_mid_stage_resumes_without_recomputing(tmp_path):
    cache_path = tmp_path / "c.sqlite"
    crashing = FakeBackend(crash_after=9)
    with pytest.raises(CrashError):
        LLM(crashing, RecordCache(cache_path), chunk_size=4).generate(conversations(20), SamplingParams())
    assert len(RecordCache(cache_path)) == 8  # two whole chunks committed, the third lost
    resumed_backend = FakeBackend()
    resumed = LLM(resumed_backend, RecordCache(cache_path), chunk_size=4)
    replies = resumed.generate(conversations(20), SamplingParams())
    assert {k: resumed.stats[k] for k in ("cache_hits", "cache_misses", "backend_calls")} == {
        "cache_hits": 8,
        "cache_misses": 12,
        "backend_calls": 12,
    }
    assert len(resumed_backend.generated) == 12
    clean = LLM(FakeBackend(), RecordCache(tmp_path / "clean.sqlite")).generate(
        conversations(20), SamplingParams()
    )
    assert replies == clean


def test_choice_probability_is_a_normalised_probability(tmp_path):
    llm = LLM(FakeBackend(), RecordCache(tmp_path / "c.sqlite"))
    scores = llm.choice_probability(conversations(5), "好", "差")
    assert all(0.0 <= s <= 1.0 for s in scores)
    good, bad = llm.logprobs([(conversations(1)[0], "好"), (conversations(1)[0], "差")])
    assert scores[0] == pytest.approx(math.exp(good) / (math.exp(good) + math.exp(bad)))


def test_prompt_key_and_stop():
    assert prompt_key("abc") != prompt_key([{"role": "user", "content": "abc"}])
    assert apply_stop("答案是42。\n问题：", ("\n问题",)) == "答案是42。"


@pytest.fixture(scope="module")
def tiny_backend(tiny_model_dir):
    from kun.llm.transformers_backend import TransformersBackend

    return TransformersBackend(tiny_model_dir, device="cpu", batch_size=4)


def test_batched_greedy_generation_equals_one_at_a_time(tiny_backend):
    prompts = conversations(6) + ["学而时习之", "床前明月光，疑是地上霜。举头望明月"]
    sampling = SamplingParams(max_new_tokens=8)
    batched = tiny_backend.generate(prompts, sampling)
    tiny_backend.batch_size = 1
    try:
        single = tiny_backend.generate(prompts, sampling)
    finally:
        tiny_backend.batch_size = 4
    assert batched == single


def test_logprobs_batched_match_single_and_manual_forward(tiny_backend):
    import torch

    pairs = [("学而时习之，", "不亦说乎"), ("床前", "明月光"), (conversations(1)[0], "好")]
    batched = tiny_backend.logprobs(pairs)
    tiny_backend.batch_size = 1
    try:
        single = tiny_backend.logprobs(pairs)
    finally:
        tiny_backend.batch_size = 4
    assert batched == pytest.approx(single, abs=1e-4)
    tokenizer, model = tiny_backend.tokenizer, tiny_backend.model
    context = tokenizer("学而时习之，", add_special_tokens=False)["input_ids"]
    target = tokenizer("不亦说乎", add_special_tokens=False)["input_ids"]
    with torch.inference_mode():
        logits = model(torch.tensor([context + target])).logits[0].log_softmax(-1)
    manual = sum(float(logits[len(context) - 1 + i, token]) for i, token in enumerate(target))
    assert batched[0] == pytest.approx(manual, abs=1e-4)
    assert all(value < 0 for value in batched)


def test_missing_model_dir_is_a_user_error(tmp_path):
    from kun.core.errors import KunError
    from kun.llm import LLMParams, load_llm

    with pytest.raises(KunError, match="model not found"):
        load_llm(LLMParams(), tmp_path / "nope")


def test_shared_prompt_single_token_continuations_match_separate_passes(tiny_backend):
    prompt = "以下是单项选择题。\\n问题：1+1=?\\nA. 1\\nB. 2\\nC. 3\\nD. 4\\n答案："
    letters = ["A", "B", "C", "D"]
    shared = tiny_backend.logprobs([(prompt, letter) for letter in letters] + [("床前", "明月光")])
    separate = [tiny_backend.logprobs([(prompt, letter), ("无关", "文本")])[0] for letter in letters]
    assert shared[:4] == pytest.approx(separate, abs=1e-4)


def test_generations_carry_finish_reason_and_token_count(tiny_backend, tmp_path):
    from kun.llm import LLM
    from kun.llm.cache import RecordCache

    results = tiny_backend.generate(conversations(3), SamplingParams(max_new_tokens=3))
    assert all(result["finish_reason"] == "length" and result["tokens"] == 3 for result in results)
    eos = tiny_backend.tokenizer.eos_token_id
    ids = tiny_backend.tokenizer("学而时习之", add_special_tokens=False)["input_ids"]
    stopped = tiny_backend._finish(ids + [eos, 5, 6], SamplingParams(max_new_tokens=len(ids) + 3))
    assert (stopped["text"], stopped["finish_reason"], stopped["tokens"]) == ("学而时习之", "stop", len(ids))
    # The cache keeps the metadata: a rerun answers with it and calls nothing.
    llm = LLM(tiny_backend, RecordCache(tmp_path / "c.sqlite"))
    first = llm.generate_full(conversations(2), SamplingParams(max_new_tokens=3))
    again = LLM(tiny_backend, RecordCache(tmp_path / "c.sqlite"))
    assert (
        again.generate_full(conversations(2), SamplingParams(max_new_tokens=3)) == first
        and again.stats["backend_calls"] == 0
    )


def test_a_token_limit_inside_a_cjk_character_leaves_no_replacement_character(tiny_backend):
    """The tiny byte-level tokenizer spells rare CJK characters as several byte tokens: a limit
    between them makes a plain decode end in U+FFFD; the backend's decode does not."""
    tokenizer = tiny_backend.tokenizer
    text = "龘龘学而"  # 龘 is not in the tiny vocabulary: three byte tokens each
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    cut = next(k for k in range(1, len(ids)) if tokenizer.decode(ids[:k]).endswith("\ufffd"))
    assert "\ufffd" in tokenizer.decode(ids[:cut])
    result = tiny_backend._finish(ids[:cut], SamplingParams(max_new_tokens=cut))
    assert "\ufffd" not in result["text"] and result["finish_reason"] == "length"
    assert text.startswith(result["text"])


def test_the_cost_ledger_counts_what_the_backend_computed(tiny_model_dir):
    from kun.llm import LLMParams, load_llm
    from kun.llm.cached import total_cost

    llm = load_llm(LLMParams(device="cpu", dtype="float32"), tiny_model_dir)
    prompts = conversations(3)
    results = llm.generate_full(prompts, SamplingParams(max_new_tokens=5))
    tokenizer = llm.backend.tokenizer
    expected_prompt = sum(
        len(
            tokenizer(
                tokenizer.apply_chat_template(p, tokenize=False, add_generation_prompt=True),
                add_special_tokens=False,
            )["input_ids"]
        )
        for p in prompts
    )
    assert llm.stats["prompt_tokens"] == expected_prompt
    assert llm.stats["generated_tokens"] == sum(r["tokens"] for r in results) > 0
    assert llm.stats["backend_seconds"] > 0 and llm.stats["uncounted_requests"] == 0
    llm.perplexity(["床前明月光，疑是地上霜。"])
    assert llm.stats["prompt_tokens"] == expected_prompt + len(
        tokenizer("床前明月光，疑是地上霜。", add_special_tokens=False)["input_ids"]
    )
    before = dict(llm.stats)
    llm.generate_full(prompts, SamplingParams(max_new_tokens=5))  # all cached: costs nothing
    assert {k: llm.stats[k] for k in ("prompt_tokens", "generated_tokens", "backend_calls")} == {
        k: before[k] for k in ("prompt_tokens", "generated_tokens", "backend_calls")
    }
    assert total_cost([llm.stats, llm.stats])["prompt_tokens"] == 2 * llm.stats["prompt_tokens"]
