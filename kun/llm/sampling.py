"""Every sampling setting of a served request, in the field names its server kind reads.

A server fills in what a request leaves out, and not with kun's values: `vllm serve` and SGLang
apply the model's generation_config.json (Qwen2.5: repetition_penalty 1.05, top_k 20), llama.cpp
its own defaults (top_k 40, min_p 0.05, repeat_penalty 1.1). So every request states all of them,
at their neutral values too (repetition penalty 1.0, top_k and min_p off), and a setting a server
kind cannot take is refused before anything is sent. transformers serve (transformers >= 5, whose
`generation_config` field updates the model's settings for one request) also gets `do_sample`: it
samples only when told, whatever the temperature.

| server | temperature, top_p, seed, max_tokens | top_k (off) | min_p | repetition penalty |
|---|---|---|---|---|
| vllm, sglang | as named | `top_k` (-1) | `min_p` | `repetition_penalty` |
| llamacpp | as named | `top_k` (0) | `min_p` | `repeat_penalty` |
| transformers | as named | in `generation_config` (0) | in `generation_config` (null) | in `generation_config`, with `do_sample` |
| openai | as named | refused unless off | refused unless 0 | refused unless 1.0 |
"""

from __future__ import annotations

import json
from typing import Any

from kun.core.errors import KunError
from kun.llm.base import SamplingParams

SERVERS = ("vllm", "sglang", "llamacpp", "transformers", "openai")
# Server kinds that echo prompt log-probabilities (verdicts, perplexity, multiple choice).
PROMPT_LOGPROB_SERVERS = ("vllm", "sglang", "llamacpp")


def request_fields(server: str, sampling: SamplingParams, seed: int) -> dict[str, Any]:
    """The sampling fields of one OpenAI-style request body for `server`."""
    fields: dict[str, Any] = {
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "max_tokens": sampling.max_new_tokens,
        "seed": seed,
    }
    if server in ("vllm", "sglang"):
        return {
            **fields,
            "top_k": sampling.top_k or -1,
            "min_p": sampling.min_p,
            "repetition_penalty": sampling.repetition_penalty,
        }
    if server == "llamacpp":
        return {
            **fields,
            "top_k": sampling.top_k,
            "min_p": sampling.min_p,
            "repeat_penalty": sampling.repetition_penalty,
        }
    if server == "transformers":
        # Fields outside the OpenAI API are rejected (HTTP 422); `generation_config` is the server's
        # own field for the rest (kun.llm.openai_backend checks the server is transformers >= 5).
        config = {
            "do_sample": sampling.temperature > 0,
            "top_k": sampling.top_k,
            "min_p": sampling.min_p or None,
            "repetition_penalty": sampling.repetition_penalty,
        }
        return {**fields, "generation_config": json.dumps(config, sort_keys=True)}
    if sampling.top_k or sampling.min_p:
        raise KunError(
            f"llm.server {server} has no top_k/min_p setting (top_k={sampling.top_k}, min_p={sampling.min_p}): "
            "leave them off or serve the model with vLLM, SGLang or llama.cpp"
        )
    if sampling.repetition_penalty != 1.0:
        raise KunError(
            f"repetition_penalty {sampling.repetition_penalty} cannot be sent to an OpenAI-API server (llm.server: "
            "openai has no such setting); set the stage's repetition_penalty to 1.0 or serve the model with vLLM"
        )
    return fields


def native_sglang_fields(sampling: SamplingParams) -> dict[str, Any]:
    """The same settings as `sampling_params` of SGLang's native /generate (used for greedy
    one-token log-probability requests, where no seed matters)."""
    return {
        "temperature": sampling.temperature,
        "top_p": sampling.top_p,
        "top_k": sampling.top_k or -1,
        "min_p": sampling.min_p,
        "repetition_penalty": sampling.repetition_penalty,
        "max_new_tokens": sampling.max_new_tokens,
    }
