"""The cached wrapper `LLM` every stage talks to.

Stages call `load_llm(params.llm, model_path)` (kun.llm.loading) and then `llm.generate(...)`
or `llm.logprobs(...)`. Every request goes through the per-record cache first; only misses reach
the backend in chunks of `chunk_size`. Results are committed to the cache as they finish: a
backend that reports results before its whole call returns (`on_result`: the transformers
backend each row that ends early and each batch, the openai backend each request) has them
committed every `commit_every_s` seconds by a background thread (0: each at once), and every
chunk is committed when it ends. So a crash or a kill loses at most the last `commit_every_s`
seconds of finished results plus the rows still decoding, and a rerun computes only those;
results reported before an error are committed before it is raised. Committing never changes
which requests are batched together, so results do not depend on when commits happen. With
`engine: ray` the chunks go to model replicas on a Ray cluster (kun.llm.ray_backend) and are
committed as they come back; the cache stays on the driver.
`llm.stats` is the stage's cost ledger: cache hits and misses, backend calls, the prompt and
generated tokens of the requests the backend computed (counted with the model's tokenizer; a
served model without one reports its own usage for generations, and its other requests are
counted in `uncounted_requests`) and the seconds spent waiting for the backend.
"""

from __future__ import annotations

import inspect
import math
import threading
import time
from collections import Counter
from typing import Any, Callable, Iterable, Iterator

from kun.core.progress import bar
from kun.llm import tokens
from kun.llm.base import Backend, Prompt, SamplingParams, as_generation, prompt_key
from kun.llm.cache import RecordCache, cache_key

Compute = Callable[[list[int], Callable[[int, Any], None]], Iterator[tuple[list[int], list[Any]]]]


def reports_results(method: Callable) -> bool:
    """Whether a backend method takes `on_result(position, value)`, called for each result as it
    finishes (before the call returns), so the cache can commit it early."""
    try:
        return "on_result" in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def is_valid_result(kind: str, value: Any) -> bool:
    """Whether a computed value may enter the cache: a log-probability must be None (the backend
    could not tell) or a finite number <= 0; anything else (NaN, +inf, a positive number a
    broken server sent) is a failure, returned as None and counted, never cached."""
    if kind == "logprob":
        return value is None or (isinstance(value, (int, float)) and math.isfinite(value) and value <= 1e-6)
    return True


class LLM:
    """A backend behind the record cache."""

    def __init__(
        self,
        backend: Backend,
        cache: RecordCache | None = None,
        chunk_size: int = 64,
        commit_every_s: float = 10.0,
    ) -> None:
        self.backend = backend
        self.cache = cache if cache is not None else RecordCache()
        self.chunk_size = chunk_size
        self.commit_every_s = commit_every_s
        self.stats: dict[str, Any] = {
            "cache_hits": 0,
            "cache_misses": 0,
            "backend_calls": 0,
            "prompt_tokens": 0,
            "generated_tokens": 0,
            "uncounted_requests": 0,
            "invalid_results": 0,
            "backend_seconds": 0.0,
        }

    @property
    def fingerprint(self) -> str:
        return self.backend.fingerprint()

    def count_tokens(self, text: str) -> int:
        counted = self._tokens(text)
        return (
            len(text) if counted is None else counted
        )  # without a tokenizer: about one token per CJK character

    def _tokens(self, text: str) -> int | None:
        tokenizer = getattr(self.backend, "tokenizer", None)
        return None if tokenizer is None else len(tokenizer(text, add_special_tokens=False)["input_ids"])

    def _prompt_text(self, prompt: Prompt) -> str:
        if isinstance(prompt, str):
            return prompt
        tokenizer = getattr(self.backend, "tokenizer", None)
        if tokenizer is not None and getattr(tokenizer, "chat_template", None):
            return tokens.render(tokenizer, prompt)
        return "".join(message["content"] for message in prompt)

    def _account(self, kind: str, request: Any, value: Any) -> None:
        """Add one computed request to the ledger."""
        if kind == "generation":
            result = as_generation(value)
            self.stats["generated_tokens"] += result.get("tokens") or 0
            counted = result.get("prompt_tokens")
            if counted is None:
                counted = self._tokens(self._prompt_text(request))
        elif kind == "logprob":
            prompt, continuation = request
            counted = self._tokens(self._prompt_text(prompt) + continuation)
        else:
            counted = self._tokens(request)
        if counted is None:
            self.stats["uncounted_requests"] += 1
        else:
            self.stats["prompt_tokens"] += counted

    def _cached(
        self, keys: list[str], compute: Compute, desc: str, kind: str, requests: list[Any]
    ) -> list[Any]:
        found = self.cache.get_many(list(dict.fromkeys(keys)))
        results = [found.get(key) for key in keys]
        missing = [index for index, key in enumerate(keys) if key not in found]
        # Identical requests in one batch are computed once.
        first_of: dict[str, int] = {}
        todo = [index for index in missing if first_of.setdefault(keys[index], index) == index]
        self.stats["cache_hits"] += len(keys) - len(missing)
        self.stats["cache_misses"] += len(todo)
        # Requests served by each computed one (itself plus identical requests in this batch).
        served = Counter(first_of[keys[index]] for index in missing)
        pending: dict[int, Any] = {}  # computed, not yet committed
        computed: set[int] = set()
        lock = threading.Lock()  # the committer thread and the backend's reports share `pending`

        def commit() -> None:
            """Write the pending results (only the cache: the committer thread never touches the
            tokenizer, which is not safe to share between threads)."""
            with lock:
                if pending:
                    self.cache.put_many(((keys[index], pending[index]) for index in sorted(pending)), kind)
                    pending.clear()

        with bar(len(keys), desc, initial=len(keys) - len(missing)) as progress:

            def finish(index: int, value: Any) -> None:
                """One result computed: kept, counted, and committed within commit_every_s."""
                valid = is_valid_result(kind, value)
                with lock:
                    if index in computed:
                        return
                    computed.add(index)
                    results[index] = value if valid else None
                    if valid:
                        pending[index] = value
                    else:  # a NaN or positive log-probability is a failed request: never cached
                        self.stats["invalid_results"] += 1
                self.stats["backend_calls"] += 1
                self._account(kind, requests[index], value)
                progress.update(served[index])
                if self.commit_every_s == 0:
                    commit()

            stop = threading.Event()

            def commit_every_interval() -> None:
                while not stop.wait(self.commit_every_s):
                    commit()

            committer = threading.Thread(target=commit_every_interval, name="kun-cache-commit", daemon=True)
            if self.commit_every_s > 0 and todo:
                committer.start()
            waiting = time.perf_counter()
            try:
                for chunk, values in compute(todo, finish):
                    self.stats["backend_seconds"] = round(
                        self.stats["backend_seconds"] + time.perf_counter() - waiting, 3
                    )
                    for index, value in zip(chunk, values):
                        finish(index, value)
                    commit()  # a chunk that ended is on disk
                    waiting = time.perf_counter()
            finally:  # results reported before a failure are kept too
                stop.set()
                if committer.is_alive():
                    committer.join()
                commit()
        for index in missing:
            results[index] = results[first_of[keys[index]]]
        return results

    def _run(self, method: str, requests: list[Any], args: tuple) -> Compute:
        """Request indices -> (a chunk of them, its results) as each chunk finishes; a backend
        that reports results before its call returns passes each to `finish` (request index, value).

        Chunks hold `chunk_size` requests, fixed: a local backend batches a chunk's requests
        together, so chunk boundaries decide which rows share a padded batch (and the last bits of
        their logits); sizing chunks by time would make results depend on the machine's speed,
        and splitting a small stage costs a memory-bound decoder a whole extra pass per chunk.
        Commits by time need neither: they write what `finish` received. The ray engine sends
        the chunks in one job."""

        def run(todo: list[int], finish: Callable[[int, Any], None]) -> Iterator[tuple[list[int], list[Any]]]:
            chunks = [todo[start : start + self.chunk_size] for start in range(0, len(todo), self.chunk_size)]
            map_chunks = getattr(self.backend, "map_chunks", None)
            if map_chunks is not None:  # the ray engine: all chunks in one job, in completion order
                for number, values in map_chunks(
                    method, [[requests[index] for index in chunk] for chunk in chunks], args
                ):
                    yield chunks[number], values
                return
            call = getattr(self.backend, method)
            streams = reports_results(call)
            for chunk in chunks:
                kwargs = (
                    {"on_result": lambda position, value, chunk=chunk: finish(chunk[position], value)}
                    if streams
                    else {}
                )
                yield chunk, call([requests[index] for index in chunk], *args, **kwargs)

        return run

    def generate_full(
        self, prompts: list[Prompt], sampling: SamplingParams, desc: str = "generate"
    ) -> list[dict]:
        """Generations with metadata: {"text", "finish_reason" (stop | length | None), "tokens"}."""
        fingerprint, params = self.fingerprint, sampling.key()
        keys = [cache_key(fingerprint, "generation", prompt_key(prompt), params) for prompt in prompts]
        results = self._cached(keys, self._run("generate", prompts, (sampling,)), desc, "generation", prompts)
        return [as_generation(result) for result in results]

    def generate(self, prompts: list[Prompt], sampling: SamplingParams, desc: str = "generate") -> list[str]:
        return [result["text"] for result in self.generate_full(prompts, sampling, desc)]

    def logprobs(self, pairs: list[tuple[Prompt, str]], desc: str = "logprobs") -> list[float | None]:
        """Summed log-probability of each continuation after its prompt (None: the backend could not tell)."""
        fingerprint = self.fingerprint
        keys = [
            cache_key(fingerprint, "logprob2", prompt_key(prompt), continuation)
            for prompt, continuation in pairs
        ]
        return self._cached(keys, self._run("logprobs", pairs, ()), desc, "logprob", pairs)

    def perplexity(self, texts: list[str], desc: str = "perplexity") -> list[float]:
        """Perplexity of each plain text under the model (nan for texts under two tokens)."""
        fingerprint = self.fingerprint
        keys = [cache_key(fingerprint, "perplexity", text, "") for text in texts]
        return self._cached(keys, self._run("perplexity", texts, ()), desc, "perplexity", texts)

    def choice_probability(
        self, prompts: list[Prompt], good: str, bad: str, desc: str = "score"
    ) -> list[float | None]:
        """P(good) / (P(good) + P(bad)) of the answers after each prompt, in [0, 1].

        None (unscorable) when the backend could not read either answer's log-probability (a
        failed or invalid value); when it read only one, the other counts as impossible.
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


COST_KEYS = (
    "prompt_tokens",
    "generated_tokens",
    "backend_seconds",
    "backend_calls",
    "cache_hits",
    "uncounted_requests",
)


def total_cost(ledgers: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The sum of several LLMs' ledgers (a stage that uses more than one model)."""
    total: dict[str, Any] = dict.fromkeys(COST_KEYS, 0)
    for ledger in ledgers:
        for key in COST_KEYS:
            total[key] += ledger.get(key) or 0
    total["backend_seconds"] = round(total["backend_seconds"], 3)
    return total
