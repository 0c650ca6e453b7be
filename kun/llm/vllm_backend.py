"""vLLM backend (GPU, optional): offline `LLM.generate` with tensor parallelism.

Install with `pip install -e .[vllm]` on a CUDA machine and set `llm.backend: vllm` and
`llm.tensor_parallel_size` in params.yaml. vLLM renders the chat template itself
(`LLM.chat`); log-probabilities use `prompt_logprobs` over prompt + continuation.
Not used in CI (no GPU there); the import is guarded so the rest of kun works without it.
"""

from __future__ import annotations

from pathlib import Path

from kun.core.errors import KunError
from kun.llm.base import Prompt, SamplingParams, finished, record_seed, reply_fingerprint


class VLLMBackend:
    name = "vllm"

    def __init__(self, model_path: str | Path, tensor_parallel_size: int = 1, gpu_memory_utilization: float = 0.9, dtype: str = "auto", trust_remote_code: bool = False, max_input_tokens: int = 2048) -> None:
        try:
            import vllm
        except ImportError:
            raise KunError("llm.backend is vllm but vllm is not installed: pip install -e '.[vllm]' on a CUDA machine, or use llm.backend: transformers") from None
        self._vllm = vllm
        self.engine = vllm.LLM(model=str(model_path), tensor_parallel_size=tensor_parallel_size, gpu_memory_utilization=gpu_memory_utilization, dtype=dtype, trust_remote_code=trust_remote_code, max_model_len=max_input_tokens * 2, enable_prefix_caching=True)  # shared prompt prefixes (the score prompt's examples) are computed once
        self.tokenizer = self.engine.get_tokenizer()
        self._max_input_tokens = max_input_tokens
        self._fingerprint = self.fingerprint_of(model_path, dtype, max_input_tokens, tensor_parallel_size)

    @staticmethod
    def fingerprint_of(model_path: str | Path, dtype: str = "auto", max_input_tokens: int = 2048, tensor_parallel_size: int = 1) -> str:
        """The fingerprint without loading the model (lazy loading and the ray driver need it)."""
        return reply_fingerprint("vllm", model_path, dtype=dtype, max_input_tokens=max_input_tokens, tensor_parallel_size=tensor_parallel_size)

    def fingerprint(self) -> str:
        return self._fingerprint

    def _render(self, prompt: Prompt) -> str:
        if isinstance(prompt, str):
            return prompt
        return self.tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True)

    def generate(self, prompts: list[Prompt], sampling: SamplingParams) -> list[dict]:
        params = [
            self._vllm.SamplingParams(temperature=sampling.temperature, top_p=sampling.top_p, max_tokens=sampling.max_new_tokens, repetition_penalty=sampling.repetition_penalty, seed=record_seed(sampling.seed, prompt), stop=list(sampling.stop) or None)
            for prompt in prompts
        ]  # one seed per request: a sample does not depend on its batch
        outputs = self.engine.generate([self._render(p) for p in prompts], params, use_tqdm=False)
        return [finished(output.outputs[0].text, output.outputs[0].finish_reason, len(output.outputs[0].token_ids), sampling.stop) for output in outputs]

    def logprobs(self, pairs: list[tuple[Prompt, str]]) -> list[float]:
        params = self._vllm.SamplingParams(max_tokens=1, prompt_logprobs=0)
        requests, spans = [], []
        for prompt, continuation in pairs:
            context = self.tokenizer(self._render(prompt), add_special_tokens=False)["input_ids"]
            target = self.tokenizer(continuation, add_special_tokens=False)["input_ids"]
            requests.append({"prompt_token_ids": context + target})
            spans.append((len(context), target))
        outputs = self.engine.generate(requests, params, use_tqdm=False)
        results = []
        for output, (start, target) in zip(outputs, spans):
            total = 0.0
            for offset, token in enumerate(target):
                total += output.prompt_logprobs[start + offset][token].logprob
            results.append(total)
        return results

    def perplexity(self, texts: list[str]) -> list[float]:
        import math

        params = self._vllm.SamplingParams(max_tokens=1, prompt_logprobs=0)
        encoded = [self.tokenizer(text, add_special_tokens=True)["input_ids"][: self._max_input_tokens] for text in texts]
        outputs = self.engine.generate([{"prompt_token_ids": ids} for ids in encoded], params, use_tqdm=False)
        results = []
        for output, ids in zip(outputs, encoded):
            values = [output.prompt_logprobs[position][token].logprob for position, token in enumerate(ids) if position > 0]
            results.append(math.exp(-sum(values) / len(values)) if values else float("nan"))
        return results
