"""The `llm` params section, and the glue every LLM stage and CLI command shares: read a params
file's own section together with `llm`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from kun.core.engine import Engine
from kun.core.params import (
    NonNegativeFloat,
    NonNegativeInt,
    OpenShare,
    PositiveInt,
    load_params,
    require,
    section,
)


@dataclass
class LLMParams:
    backend: Literal["transformers", "vllm", "openai"] = "transformers"
    device: str = "auto"  # transformers: auto | cpu | cuda | cuda:N
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = (
        "auto"  # auto: bf16 on GPU, fp32 on CPU (bfloat16 is ~2x faster on CPUs with AMX-BF16)
    )
    batch_size: Annotated[int, Field(ge=1, le=4096)] = (
        64  # prompts per forward pass (transformers): generation is memory-bound, so larger batches give more tokens/s
    )
    max_batch_tokens: NonNegativeInt = 2048  # transformers, forward-only passes (perplexity, log-probabilities): at most this many tokens per batch, padding included (0 = batch_size only)
    num_threads: NonNegativeInt = 0  # torch CPU threads; 0 = torch's default
    max_input_tokens: PositiveInt = 2048  # longer prompts keep their end
    trust_remote_code: bool = False
    tensor_parallel_size: PositiveInt = 1  # vllm
    gpu_memory_utilization: OpenShare = 0.9  # vllm
    base_url: str = "http://127.0.0.1:8000/v1"  # openai: the server's /v1 URL
    served_model: str = ""  # openai: model name on the server (default: the model path's name)
    api_key_env: str | None = "OPENAI_API_KEY"  # openai: environment variable holding the key (null: no key)
    max_concurrency: Annotated[int, Field(ge=1, le=1024)] = 8  # openai: requests in flight
    timeout_s: Annotated[float, Field(ge=0.001, le=86400)] = 120.0  # openai: per request
    max_retries: Annotated[int, Field(ge=0, le=100)] = 5  # openai: on 429, 5xx and connection errors
    max_backoff_s: Annotated[float, Field(ge=0, le=3600)] = (
        30.0  # openai: longest wait between retries, Retry-After included (never more than timeout_s)
    )
    server: Literal["vllm", "sglang", "llamacpp", "transformers", "openai"] = (
        "vllm"  # openai: the server kind: the field names of its sampling settings and whether it echoes prompt log-probabilities
    )
    tokenizer: str = ""  # openai: the served model's tokenizer (local directory or hub id) for log-probability requests; "" = the stage's model directory when it exists here
    chunk_size: PositiveInt = (
        64  # records per backend call (and per task on the ray engine); each chunk is committed when it ends
    )
    commit_every_s: NonNegativeFloat = (
        10.0  # results that finish inside a chunk are committed this often (0 = each at once)
    )
    engine: Engine = "local"  # local: this process; ray: chunks spread over model replicas with Ray Data
    replicas: PositiveInt = 1  # ray: model copies, one Ray actor each
    cpus_per_replica: Annotated[float, Field(gt=0)] = 1.0  # ray: CPUs reserved per replica
    gpus_per_replica: NonNegativeFloat = 0.0  # ray: GPUs per replica (vllm: tensor_parallel_size)

    def validate(self, section: str) -> None:
        require(
            self.api_key_env is None or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.api_key_env) is not None,
            f"{section}.api_key_env",
            "must be the NAME of an environment variable (letters, digits, _) that holds the key, or null; never the key itself",
        )


def stage_params(
    name: str, cls: type, params_path: str | Path = "params.yaml"
) -> tuple[Any, LLMParams, dict]:
    """(the stage's params dataclass, the llm section, the raw params)."""
    raw = load_params(params_path)
    return section(cls, raw, name), section(LLMParams, raw, "llm"), raw
