"""The `llm` params section, and the glue every LLM stage and CLI command shares: read a params
file's own section together with `llm`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from kun.core.engine import Engine
from kun.core.params import load_params, require, section


@dataclass
class LLMParams:
    backend: Literal["transformers", "vllm", "openai"] = "transformers"
    device: str = "auto"  # transformers: auto | cpu | cuda | cuda:N
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = (
        "auto"  # auto: bf16 on GPU, fp32 on CPU (bfloat16 is ~2x faster on CPUs with AMX-BF16)
    )
    batch_size: int = 64  # prompts per forward pass (transformers): generation is memory-bound, so larger batches give more tokens/s
    max_batch_tokens: int = 2048  # transformers, forward-only passes (perplexity, log-probabilities): at most this many tokens per batch, padding included (0 = batch_size only)
    num_threads: int = 0  # torch CPU threads; 0 = torch's default
    max_input_tokens: int = 2048  # longer prompts keep their end
    trust_remote_code: bool = False
    tensor_parallel_size: int = 1  # vllm
    gpu_memory_utilization: float = 0.9  # vllm
    base_url: str = "http://127.0.0.1:8000/v1"  # openai: the server's /v1 URL
    served_model: str = ""  # openai: model name on the server (default: the model path's name)
    api_key_env: str | None = "OPENAI_API_KEY"  # openai: environment variable holding the key (null: no key)
    max_concurrency: int = 8  # openai: requests in flight
    timeout_s: float = 120.0  # openai: per request
    max_retries: int = 5  # openai: on 429, 5xx and connection errors
    max_backoff_s: float = (
        30.0  # openai: longest wait between retries, Retry-After included (never more than timeout_s)
    )
    server: Literal["vllm", "sglang", "llamacpp", "transformers", "openai"] = (
        "vllm"  # openai: the server kind: the field names of its sampling settings and whether it echoes prompt log-probabilities
    )
    tokenizer: str = ""  # openai: the served model's tokenizer (local directory or hub id) for log-probability requests; "" = the stage's model directory when it exists here
    chunk_size: int = (
        64  # records per backend call (and per task on the ray engine); each chunk is committed when it ends
    )
    commit_every_s: float = (
        10.0  # results that finish inside a chunk are committed this often (0 = each at once)
    )
    engine: Engine = "local"  # local: this process; ray: chunks spread over model replicas with Ray Data
    replicas: int = 1  # ray: model copies, one Ray actor each
    cpus_per_replica: float = 1.0  # ray: CPUs reserved per replica
    gpus_per_replica: float = 0.0  # ray: GPUs per replica (vllm: tensor_parallel_size)

    def validate(self, section: str) -> None:
        require(
            1 <= self.batch_size <= 4096,
            f"{section}.batch_size",
            f"{self.batch_size} must be between 1 and 4096 (a batch is held in memory at once)",
        )
        require(
            self.max_batch_tokens >= 0,
            f"{section}.max_batch_tokens",
            f"{self.max_batch_tokens} must be >= 0 (0 = batch_size only)",
        )
        require(self.replicas >= 1, f"{section}.replicas", "must be >= 1")
        require(self.cpus_per_replica > 0, f"{section}.cpus_per_replica", "must be > 0")
        require(self.gpus_per_replica >= 0, f"{section}.gpus_per_replica", "must be >= 0")
        require(self.chunk_size >= 1, f"{section}.chunk_size", "must be >= 1")
        require(
            self.commit_every_s >= 0,
            f"{section}.commit_every_s",
            f"{self.commit_every_s} must be >= 0 (0 = commit each result at once)",
        )
        require(self.tensor_parallel_size >= 1, f"{section}.tensor_parallel_size", "must be >= 1")
        require(self.num_threads >= 0, f"{section}.num_threads", "must be >= 0 (0 = torch's default)")
        require(self.max_input_tokens >= 1, f"{section}.max_input_tokens", "must be >= 1")
        require(
            0 < self.gpu_memory_utilization <= 1, f"{section}.gpu_memory_utilization", "must be in (0, 1]"
        )
        require(
            1 <= self.max_concurrency <= 1024,
            f"{section}.max_concurrency",
            f"{self.max_concurrency} must be between 1 and 1024 (requests in flight, one thread each)",
        )
        require(
            0.001 <= self.timeout_s <= 86400,
            f"{section}.timeout_s",
            f"{self.timeout_s} must be between 0.001 and 86400 (seconds for each whole reply)",
        )
        require(
            0 <= self.max_backoff_s <= 3600,
            f"{section}.max_backoff_s",
            f"{self.max_backoff_s} must be between 0 and 3600 (seconds)",
        )
        require(
            0 <= self.max_retries <= 100,
            f"{section}.max_retries",
            f"{self.max_retries} must be between 0 and 100 (0 = no retry)",
        )
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
