"""vLLM backend (GPU, optional): offline `vllm.LLM.generate` with tensor parallelism.

Install with `pip install -e .[vllm]` on a CUDA machine and set `llm.backend: vllm` and
`llm.tensor_parallel_size` in params.yaml. Prompts go in as token ids built exactly as the
transformers backend builds them (kun.llm.tokens: the chat template rendered once, special tokens
not added again, the end kept past `llm.max_input_tokens`), so both backends read the same
tokens; log-probabilities use `prompt_logprobs` over prompt + continuation ids. Not used in CI
(no GPU there); the import is guarded so the rest of kun works without it.
"""

from __future__ import annotations

import math
from pathlib import Path

from kun.core.errors import KunError
from kun.llm import tokens
from kun.llm.base import Prompt, SamplingParams, finished, record_seed, reply_fingerprint


class VLLMBackend:
    name = "vllm"

    def __init__(
        self,
        model_path: str | Path,
        tensor_parallel_size: int = 1,
        gpu_memory_utilization: float = 0.9,
        dtype: str = "auto",
        trust_remote_code: bool = False,
        max_input_tokens: int = 2048,
    ) -> None:
        try:
            import vllm
        except ImportError:
            raise KunError(
                "llm.backend is vllm but vllm is not installed: pip install -e '.[vllm]' on a CUDA machine, or use llm.backend: transformers"
            ) from None
        self._vllm = vllm
        self.path = str(model_path)
        # generation_config="vllm": vLLM's neutral defaults, not the model's generation_config.json
        # (kun states every sampling setting itself, as the transformers backend applies them).
        self.engine = vllm.LLM(
            model=str(model_path),
            tensor_parallel_size=tensor_parallel_size,
            gpu_memory_utilization=gpu_memory_utilization,
            dtype=dtype,
            trust_remote_code=trust_remote_code,
            max_model_len=max_input_tokens * 2,
            enable_prefix_caching=True,  # shared prompt prefixes (the score prompt's examples) are computed once
            generation_config="vllm",
        )
        self.tokenizer = self.engine.get_tokenizer()
        self._max_input_tokens = max_input_tokens
        self._fingerprint = self.fingerprint_of(model_path, dtype, max_input_tokens, tensor_parallel_size)

    @staticmethod
    def fingerprint_of(
        model_path: str | Path,
        dtype: str = "auto",
        max_input_tokens: int = 2048,
        tensor_parallel_size: int = 1,
    ) -> str:
        """The fingerprint without loading the model (lazy loading and the ray driver need it)."""
        return reply_fingerprint(
            "vllm",
            model_path,
            dtype=dtype,
            max_input_tokens=max_input_tokens,
            tensor_parallel_size=tensor_parallel_size,
        )

    def fingerprint(self) -> str:
        return self._fingerprint

    def _context(self, prompt: Prompt) -> list[int]:
        return tokens.context_ids(self.tokenizer, prompt, self._max_input_tokens, self.path)

    def _sampling(self, sampling: SamplingParams, seed: int | None, **overrides):
        """Every setting stated (vLLM's own default for top_k is off too: -1)."""
        settings = dict(
            temperature=sampling.temperature,
            top_p=sampling.top_p,
            top_k=sampling.top_k or -1,
            min_p=sampling.min_p,
            repetition_penalty=sampling.repetition_penalty,
            max_tokens=sampling.max_new_tokens,
            seed=seed,
            stop=list(sampling.stop) or None,
        )
        return self._vllm.SamplingParams(**{**settings, **overrides})

    def generate(self, prompts: list[Prompt], sampling: SamplingParams) -> list[dict]:
        # one seed per request: a sample does not depend on its batch
        params = [self._sampling(sampling, record_seed(sampling.seed, prompt)) for prompt in prompts]
        requests = [{"prompt_token_ids": self._context(prompt)} for prompt in prompts]
        outputs = self.engine.generate(requests, params, use_tqdm=False)
        return [
            finished(
                output.outputs[0].text,
                output.outputs[0].finish_reason,
                len(output.outputs[0].token_ids),
                sampling.stop,
            )
            for output in outputs
        ]

    def _prompt_logprobs(self, sequences: list[list[int]]) -> list[list[float | None]]:
        """Each sequence's log-probability of every token given the ones before it (None first)."""
        params = self._sampling(SamplingParams(max_new_tokens=1), 0, prompt_logprobs=0, stop=None)
        outputs = self.engine.generate(
            [{"prompt_token_ids": ids} for ids in sequences], params, use_tqdm=False
        )
        return [
            [
                None if entry is None else entry[token].logprob
                for entry, token in zip(output.prompt_logprobs, ids)
            ]
            for output, ids in zip(outputs, sequences)
        ]

    def logprobs(self, pairs: list[tuple[Prompt, str]]) -> list[float]:
        targets = [tokens.continuation_ids(self.tokenizer, continuation) for _, continuation in pairs]
        sequences = [self._context(prompt) + target for (prompt, _), target in zip(pairs, targets)]
        values = self._prompt_logprobs(sequences)
        return [float(sum(row[-len(target) :])) for row, target in zip(values, targets)]

    def perplexity(self, texts: list[str]) -> list[float]:
        encoded = [tokens.text_ids(self.tokenizer, text, self._max_input_tokens) for text in texts]
        starts = [tokens.perplexity_start(self.tokenizer, ids) for ids in encoded]
        measured = [
            index for index, ids in enumerate(encoded) if len(ids) > starts[index]
        ]  # nan for a text without a counted token
        results = [float("nan")] * len(texts)
        for index, row in zip(measured, self._prompt_logprobs([encoded[index] for index in measured])):
            values = [value for value in row[starts[index] :] if value is not None]
            results[index] = math.exp(-sum(values) / len(values)) if values else float("nan")
        return results
