"""The offline vLLM backend submits the token ids the transformers backend reads (no GPU here:
a stand-in `vllm` module records what would be submitted)."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field

import pytest

from kun.llm.base import SamplingParams, record_seed


@dataclass
class _Sampling:
    kwargs: dict = field(default_factory=dict)


class _Output:
    def __init__(self, ids, prompt_logprobs=None):
        self.outputs = [types.SimpleNamespace(text="好", finish_reason="stop", token_ids=[1])]
        self.prompt_logprobs = prompt_logprobs


class _LLM:
    submitted: list = []
    settings: dict = {}

    def __init__(self, model, **settings):
        from transformers import AutoTokenizer

        _LLM.settings = settings
        self._tokenizer = AutoTokenizer.from_pretrained(model)

    def get_tokenizer(self):
        return self._tokenizer

    def generate(self, requests, params, use_tqdm=False):
        _LLM.submitted.append((requests, params))
        outputs = []
        for request in requests:
            ids = request["prompt_token_ids"]
            logprobs = [None] + [{token: types.SimpleNamespace(logprob=-0.5)} for token in ids[1:]]
            outputs.append(_Output(ids, logprobs))
        return outputs


@pytest.fixture
def fake_vllm(monkeypatch):
    module = types.ModuleType("vllm")
    module.LLM = _LLM
    module.SamplingParams = lambda **kwargs: _Sampling(kwargs)
    monkeypatch.setitem(sys.modules, "vllm", module)
    _LLM.submitted = []
    return module


def test_offline_vllm_submits_the_transformers_backends_token_ids(fake_vllm, tiny_model_dir):
    from kun.llm.transformers_backend import TransformersBackend
    from kun.llm.vllm_backend import VLLMBackend

    local = TransformersBackend(tiny_model_dir, device="cpu", max_input_tokens=24)
    offline = VLLMBackend(tiny_model_dir, max_input_tokens=24)
    assert _LLM.settings["generation_config"] == "vllm"  # not the model's generation_config.json defaults
    long = [{"role": "user", "content": "学而时习之，不亦说乎？" * 10}]
    short = [{"role": "user", "content": "你好"}]
    sampling = SamplingParams(temperature=0.5, top_p=0.95, max_new_tokens=9, repetition_penalty=1.2, seed=3)
    offline.generate([short, long], sampling)
    requests, params = _LLM.submitted[-1]
    assert [request["prompt_token_ids"] for request in requests] == [
        local._encode(short),
        local._encode(long),
    ]
    ids = requests[0]["prompt_token_ids"]
    assert (
        ids.count(local.tokenizer.bos_token_id)
        == ids.count(local.tokenizer.convert_tokens_to_ids("<|im_start|>"))
        == 2
    )  # the template's own, never one more
    assert len(requests[1]["prompt_token_ids"]) == 24  # cut from the left, as the transformers backend cuts
    assert requests[1]["prompt_token_ids"][-3:] == local._encode(long)[-3:]
    assert params[0].kwargs == {
        "temperature": 0.5,
        "top_p": 0.95,
        "top_k": -1,
        "min_p": 0.0,
        "repetition_penalty": 1.2,
        "max_tokens": 9,
        "seed": record_seed(3, short),
        "stop": None,
    }
    (value,) = offline.logprobs([(short, "【差】")])
    target = local.tokenizer("【差】", add_special_tokens=False)["input_ids"]
    requests, _ = _LLM.submitted[-1]
    assert requests[0]["prompt_token_ids"] == local._encode(short) + target and value == pytest.approx(
        -0.5 * len(target)
    )
