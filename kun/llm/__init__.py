"""LLM access for every stage: params, backend choice and the cached wrapper `LLM`.

Stages call `load_llm(params.llm, model_path)` and then `llm.generate(...)` or
`llm.logprobs(...)`. Every request goes through the per-record cache first; only misses reach
the backend, in chunks that are committed to the cache as they finish, so a crash loses at most
one chunk and a rerun costs nothing. With `engine: ray` the chunks go to model replicas on a
Ray cluster (kun.llm.ray_backend) and come back as they finish; the cache stays on the driver.
`llm.stats` counts hits, misses and backend calls for the stage's metrics.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

from kun.engine import Engine
from kun.errors import KunError
from kun.llm.base import Backend, Prompt, SamplingParams, as_generation, prompt_key
from kun.llm.cache import RecordCache, cache_key
from kun.params import require
from kun.progress import bar


@dataclass
class LLMParams:
    backend: Literal["transformers", "vllm", "openai"] = "transformers"
    device: str = "auto"  # transformers: auto | cpu | cuda | cuda:N
    dtype: Literal["auto", "float32", "bfloat16", "float16"] = "auto"  # auto: bf16 on GPU, fp32 on CPU
    batch_size: int = 8  # prompts per forward pass (transformers)
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
    chunk_size: int = 64  # records per cache commit (and per task on the ray engine)
    engine: Engine = "local"  # local: this process; ray: chunks spread over model replicas with Ray Data
    replicas: int = 1  # ray: model copies, one Ray actor each
    cpus_per_replica: float = 1.0  # ray: CPUs reserved per replica
    gpus_per_replica: float = 0.0  # ray: GPUs per replica (vllm: tensor_parallel_size)

    def validate(self, section: str) -> None:
        require(self.batch_size >= 1, f"{section}.batch_size", "must be >= 1")
        require(self.replicas >= 1, f"{section}.replicas", "must be >= 1")
        require(self.cpus_per_replica > 0, f"{section}.cpus_per_replica", "must be > 0")
        require(self.gpus_per_replica >= 0, f"{section}.gpus_per_replica", "must be >= 0")
        require(self.chunk_size >= 1, f"{section}.chunk_size", "must be >= 1")
        require(self.tensor_parallel_size >= 1, f"{section}.tensor_parallel_size", "must be >= 1")


def make_backend(params: LLMParams, model_path: str | Path) -> Backend:
    if params.backend == "transformers":
        from kun.llm.transformers_backend import TransformersBackend

        return TransformersBackend(model_path, params.device, params.dtype, params.batch_size, params.num_threads, params.trust_remote_code, params.max_input_tokens)
    if params.backend == "vllm":
        from kun.llm.vllm_backend import VLLMBackend

        return VLLMBackend(model_path, params.tensor_parallel_size, params.gpu_memory_utilization, params.dtype, params.trust_remote_code, params.max_input_tokens)
    from kun.llm.openai_backend import OpenAIBackend

    return OpenAIBackend(params.base_url, params.served_model or Path(str(model_path)).name, params.api_key_env, params.max_concurrency, params.timeout_s, params.max_retries)


class LLM:
    """A backend behind the record cache."""

    def __init__(self, backend: Backend, cache: RecordCache | None = None, chunk_size: int = 64) -> None:
        self.backend = backend
        self.cache = cache if cache is not None else RecordCache()
        self.chunk_size = chunk_size
        self.stats = {"cache_hits": 0, "cache_misses": 0, "backend_calls": 0}

    @property
    def fingerprint(self) -> str:
        return self.backend.fingerprint()

    def count_tokens(self, text: str) -> int:
        tokenizer = getattr(self.backend, "tokenizer", None)
        if tokenizer is None:
            return len(text)  # about one token per CJK character
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    def _cached(self, keys: list[str], compute: Callable[[list[list[int]]], Iterator[tuple[int, list[Any]]]], desc: str) -> list[Any]:
        found = self.cache.get_many(list(dict.fromkeys(keys)))
        results = [found.get(key) for key in keys]
        missing = [index for index, key in enumerate(keys) if key not in found]
        # Identical requests in one batch are computed once.
        first_of: dict[str, int] = {}
        todo = [index for index in missing if first_of.setdefault(keys[index], index) == index]
        self.stats["cache_hits"] += len(keys) - len(missing)
        self.stats["cache_misses"] += len(todo)
        chunks = [todo[start : start + self.chunk_size] for start in range(0, len(todo), self.chunk_size)]
        # Requests served by each computed one (itself plus identical requests in this batch).
        served = Counter(first_of[keys[index]] for index in missing)
        with bar(len(keys), desc, initial=len(keys) - len(missing)) as progress:
            for number, values in compute(chunks):
                chunk = chunks[number]
                self.stats["backend_calls"] += len(chunk)
                self.cache.put_many((keys[index], value) for index, value in zip(chunk, values))
                for index, value in zip(chunk, values):
                    results[index] = value
                progress.update(sum(served[index] for index in chunk))
        for index in missing:
            results[index] = results[first_of[keys[index]]]
        return results

    def _run(self, method: str, requests: list[Any], args: tuple) -> Callable[[list[list[int]]], Iterator[tuple[int, list[Any]]]]:
        """Chunks of request indices -> (chunk number, results) as each chunk finishes."""

        def run(chunks: list[list[int]]) -> Iterator[tuple[int, list[Any]]]:
            map_chunks = getattr(self.backend, "map_chunks", None)
            if map_chunks is not None:  # the ray engine: all chunks in one job, in completion order
                yield from map_chunks(method, [[requests[index] for index in chunk] for chunk in chunks], args)
                return
            for number, chunk in enumerate(chunks):
                yield number, getattr(self.backend, method)([requests[index] for index in chunk], *args)

        return run

    def generate_full(self, prompts: list[Prompt], sampling: SamplingParams, desc: str = "generate") -> list[dict]:
        """Generations with metadata: {"text", "finish_reason" (stop | length | None), "tokens"}."""
        fingerprint, params = self.fingerprint, sampling.key()
        keys = [cache_key(fingerprint, "generation", prompt_key(prompt), params) for prompt in prompts]
        results = self._cached(keys, self._run("generate", prompts, (sampling,)), desc)
        return [as_generation(result) for result in results]

    def generate(self, prompts: list[Prompt], sampling: SamplingParams, desc: str = "generate") -> list[str]:
        return [result["text"] for result in self.generate_full(prompts, sampling, desc)]

    def logprobs(self, pairs: list[tuple[Prompt, str]], desc: str = "logprobs") -> list[float | None]:
        """Summed log-probability of each continuation after its prompt (None: the backend could not tell)."""
        fingerprint = self.fingerprint
        keys = [cache_key(fingerprint, "logprob2", prompt_key(prompt), continuation) for prompt, continuation in pairs]
        return self._cached(keys, self._run("logprobs", pairs, ()), desc)

    def perplexity(self, texts: list[str], desc: str = "perplexity") -> list[float]:
        """Perplexity of each plain text under the model (nan for texts under two tokens)."""
        fingerprint = self.fingerprint
        keys = [cache_key(fingerprint, "perplexity", text, "") for text in texts]
        return self._cached(keys, self._run("perplexity", texts, ()), desc)

    def choice_probability(self, prompts: list[Prompt], good: str, bad: str, desc: str = "score") -> list[float | None]:
        """P(good) / (P(good) + P(bad)) of the answers after each prompt, in [0, 1].

        None (unscorable) when the backend could not see either answer (a served model's top
        log-probabilities hold neither); when it saw only one, the other counts as impossible.
        """
        pairs = [(prompt, answer) for prompt in prompts for answer in (good, bad)]
        values = self.logprobs(pairs, desc)
        scores: list[float | None] = []
        for index in range(len(prompts)):
            good_logprob, bad_logprob = values[2 * index], values[2 * index + 1]
            if good_logprob is None and bad_logprob is None:
                scores.append(None)
            elif good_logprob is None or bad_logprob is None:
                scores.append(0.0 if good_logprob is None else 1.0)
            else:
                scores.append(1.0 / (1.0 + math.exp(max(-700.0, min(700.0, bad_logprob - good_logprob)))))
        return scores


class LazyBackend:
    """A local model (transformers or vllm) loaded on its first request.

    The fingerprint and the tokenizer need no weights, so a stage whose every request is a
    cache hit (a rerun after a threshold change) never loads the model.
    """

    def __init__(self, params: LLMParams, model_path: str | Path) -> None:
        from kun.models import model_fingerprint

        self.name = params.backend
        self._params, self._path = params, model_path
        self._fingerprint = f"{params.backend}:{model_fingerprint(model_path)}"
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

            self._tokenizer = AutoTokenizer.from_pretrained(self._path, trust_remote_code=self._params.trust_remote_code)
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


def load_llm(params: LLMParams, model_path: str | Path, key: str = "model", chat: bool = True) -> LLM:
    """The cached LLM for a stage; `key` names the params entry that chose `model_path`, for errors.

    With `chat`, a local model must have a chat template (checked now, from the tokenizer alone,
    rather than after other work has run)."""
    if params.backend != "openai":
        path = Path(model_path)
        if not path.exists():
            raise KunError(f"params.yaml: {key}: {model_path}: model not found; run `dvc repro` for the stage that writes it, or set {key} to a model directory")
        if not (path / "config.json").exists():
            raise KunError(f"params.yaml: {key}: {model_path}: not a model directory (no config.json); set {key} to a directory written by save_pretrained")
    if params.engine == "ray":
        from kun.llm.ray_backend import RayBackend

        return LLM(RayBackend(params, model_path), chunk_size=params.chunk_size)
    backend = make_backend(params, model_path) if params.backend == "openai" else LazyBackend(params, model_path)
    if chat and params.backend != "openai" and not getattr(backend.tokenizer, "chat_template", None):
        raise KunError(f"params.yaml: {key}: {model_path}: the tokenizer has no chat template (chat_template.jinja or tokenizer_config.json); use a chat model or add a template")
    return LLM(backend, chunk_size=params.chunk_size)
