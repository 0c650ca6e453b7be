"""Which backend serves a model: `make_backend` builds it now, `LazyBackend` on its first request.

Local models (transformers, vllm) load lazily: the fingerprint and the tokenizer need no
weights, so a stage whose every request is a cache hit never loads the model. The Ray engine's
replicas build their backend here too (kun.llm.ray_backend), so this module imports neither
loading nor ray_backend.
"""

from __future__ import annotations

from pathlib import Path

from kun.llm.base import Backend, Prompt, SamplingParams
from kun.llm.params import LLMParams


def make_backend(params: LLMParams, model_path: str | Path) -> Backend:
    if params.backend == "transformers":
        from kun.llm.transformers_backend import TransformersBackend

        return TransformersBackend(
            model_path,
            params.device,
            params.dtype,
            params.batch_size,
            params.num_threads,
            params.trust_remote_code,
            params.max_input_tokens,
            params.max_batch_tokens,
        )
    if params.backend == "vllm":
        from kun.llm.vllm_backend import VLLMBackend

        return VLLMBackend(
            model_path,
            params.tensor_parallel_size,
            params.gpu_memory_utilization,
            params.dtype,
            params.trust_remote_code,
            params.max_input_tokens,
        )
    from kun.llm.openai_backend import OpenAIBackend

    local = Path(str(model_path))
    tokenizer = params.tokenizer or (str(local) if (local / "tokenizer_config.json").exists() else None)
    return OpenAIBackend(
        params.base_url,
        params.served_model or local.name,
        params.api_key_env,
        params.max_concurrency,
        params.timeout_s,
        params.max_retries,
        server=params.server,
        max_backoff_s=params.max_backoff_s,
        tokenizer=tokenizer,
        max_input_tokens=params.max_input_tokens,
    )


def local_fingerprint(params: LLMParams, model_path: str | Path) -> str:
    """The cache fingerprint of a local model with these settings, without loading it."""
    if params.backend == "vllm":
        from kun.llm.vllm_backend import VLLMBackend

        return VLLMBackend.fingerprint_of(
            model_path, params.dtype, params.max_input_tokens, params.tensor_parallel_size
        )
    from kun.llm.transformers_backend import TransformersBackend

    return TransformersBackend.fingerprint_of(
        model_path, params.device, params.dtype, params.max_input_tokens
    )


class LazyBackend:
    """A local model (transformers or vllm) loaded on its first request.

    The fingerprint and the tokenizer need no weights, so a stage whose every request is a
    cache hit (a rerun after a threshold change) never loads the model.
    """

    def __init__(self, params: LLMParams, model_path: str | Path) -> None:
        self.name = params.backend
        self._params, self._path = params, model_path
        self._fingerprint = local_fingerprint(params, model_path)
        self._backend: Backend | None = None
        self._tokenizer = None

    def fingerprint(self) -> str:
        return self._fingerprint

    @property
    def tokenizer(self):
        if self._backend is not None:
            return self._backend.tokenizer
        if self._tokenizer is None:
            from transformers import AutoTokenizer

            self._tokenizer = AutoTokenizer.from_pretrained(
                self._path, trust_remote_code=self._params.trust_remote_code
            )
        return self._tokenizer

    @property
    def loaded(self) -> Backend:
        if self._backend is None:
            self._backend = make_backend(self._params, self._path)
        return self._backend

    def generate(self, prompts: list[Prompt], sampling: SamplingParams) -> list[dict]:
        return self.loaded.generate(prompts, sampling)

    def logprobs(self, pairs: list[tuple[Prompt, str]]) -> list[float | None]:
        return self.loaded.logprobs(pairs)

    def perplexity(self, texts: list[str]) -> list[float]:
        return self.loaded.perplexity(texts)
