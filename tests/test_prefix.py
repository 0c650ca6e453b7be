"""A prompt prefix shared by every request is computed once, with the same results as without."""

from __future__ import annotations

import pytest

from kun import prompts as templates
from kun.llm.base import SamplingParams
from kun.llm.prefix import batches_by_length, shared_prefix_length, sorted_batches
from kun.llm.transformers_backend import TransformersBackend

INSTRUCTIONS = [
    "用通俗的语言解释什么是通货膨胀。",
    "总结一下这篇文章。",
    "写一首关于秋天的诗",
    "床前明月光是谁写的？",
    "关于的 春天 是 什么 写",
    "解释光合作用",
]


def test_shared_prefix_length_leaves_every_sequence_a_token():
    assert shared_prefix_length([[1, 2, 3, 4], [1, 2, 3, 5], [1, 2, 3]]) == 2
    assert shared_prefix_length([[1, 2], [9, 2]]) == 0 and shared_prefix_length([[1, 2, 3]]) == 0
    assert batches_by_length([3, 5, 3, 5, 3], 2) == [[0, 2], [4], [1, 3]]


@pytest.mark.parametrize(
    "sampling",
    [SamplingParams(max_new_tokens=6), SamplingParams(temperature=1.0, top_p=0.95, max_new_tokens=6, seed=3)],
    ids=["greedy", "sampled"],
)
def test_focused_scoring_prompts_give_the_same_replies_with_the_prefix_computed_once(
    tiny_model_dir, sampling
):
    conversations = [
        [
            {
                "role": "user",
                "content": templates.render(
                    "score_focused", "user", "zh", instruction=text, good="好", bad="差"
                ),
            }
        ]
        for text in INSTRUCTIONS
    ]
    backend = TransformersBackend(tiny_model_dir, device="cpu", dtype="float32", batch_size=4)
    encoded = [backend._encode(conversation) for conversation in conversations]
    assert shared_prefix_length(encoded) > 300  # the criteria and the eight examples
    shared = backend.generate(conversations, sampling)
    backend.share_prefix = False
    plain = backend.generate(conversations, sampling)
    assert [row["text"] for row in shared] == [row["text"] for row in plain]
    assert [row["tokens"] for row in shared] == [row["tokens"] for row in plain]


def test_focused_logprob_scores_are_the_same_with_the_prefix_computed_once(tiny_model_dir):
    from kun.llm import LLM
    from kun.llm.cache import RecordCache

    conversations = [
        [
            {
                "role": "user",
                "content": templates.render(
                    "score_focused", "user", "zh", instruction=text, good="好", bad="差"
                ),
            }
        ]
        for text in INSTRUCTIONS
    ]
    backend = TransformersBackend(tiny_model_dir, device="cpu", dtype="float32", batch_size=4)
    pairs = [
        (conversation, answer) for conversation in conversations for answer in ("【好】", "【差】", "好")
    ]
    shared = backend.logprobs(pairs)
    backend.share_prefix = False
    plain = backend.logprobs(pairs)
    assert shared == pytest.approx(plain, abs=1e-4)
    assert LLM(backend, RecordCache(None)).choice_probability(conversations, "【好】", "【差】") is not None


def test_batches_hold_at_most_max_tokens_once_padded():
    lengths = [5, 1, 3, 2, 4, 9]
    batches = sorted_batches(lengths, 10, max_tokens=6)
    assert batches == [[1, 3], [2], [4], [0], [5]]  # a row longer than the budget goes alone
    assert all(
        len(batch) * max(lengths[index] for index in batch) <= 6 or len(batch) == 1 for batch in batches
    )
    assert sorted_batches(lengths, 2) == sorted_batches(lengths, 2, max_tokens=0) == [[1, 3], [2, 4], [0, 5]]
    assert batches_by_length([3, 3, 3, 5, 5], 10, max_tokens=6) == [[0, 1], [2], [3], [4]]
