"""An LLM backend for any OpenAI-compatible HTTP server (vLLM serve, SGLang, TGI).

Reads a batch of prompts (conversations or plain strings) and sampling params; writes nothing,
returns generated texts or log-probabilities. It is the "served cluster" backend of the LLM
interface in kun.llm.base, used by every LLM step of the pipeline (labelling, scoring, polishing,
evaluation) when the model runs behind an HTTP endpoint instead of in this process.

Point it at a vLLM server like this:

    vllm serve Qwen/Qwen2.5-7B-Instruct --port 8000 --api-key "$OPENAI_API_KEY"
    OpenAIBackend(base_url="http://gpu-host:8000/v1", model="Qwen/Qwen2.5-7B-Instruct")

`base_url` ends in `/v1`; `model` is the name the server serves (`vllm serve MODEL`, or its
`--served-model-name`). The API key is read from the environment variable named by `api_key_env`
and never stored in the fingerprint; a server on localhost may run without one.

Requests run concurrently (at most `max_concurrency` in flight) and results come back in input
order; each is also handed to `on_result(position, value)` as soon as it arrives, so the cache
can commit it before the whole call ends. HTTP 429, 5xx, timeouts and dropped connections are
retried with exponential backoff (honouring Retry-After); any other 4xx fails at once with one
line naming the status, the URL, the server's message and what to check.

Log-probabilities: for a plain-string prompt the continuation is scored exactly through
/completions with `echo=true, max_tokens=0` (summing the echoed token log-probs that start at or
after the end of the prompt). For a conversation the chat template lives on the server, so the
continuation must be a single token (e.g. a multiple-choice letter) and is looked up among the
top 20 log-probs of the first generated token; a server that returns no log-probabilities gives
None (unscorable), with one warning on stderr.
"""

from __future__ import annotations

import json
import math
import os
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Callable, TypeVar

from kun.core.errors import KunError, warn
from kun.llm.base import OnResult, Prompt, SamplingParams, finished, record_seed
from kun.llm.http import JsonClient, clip
from kun.core.progress import bar

T = TypeVar("T")
R = TypeVar("R")

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
SERVERS = ("vllm", "sglang", "transformers", "openai")  # llm.server: how extensions such as repetition_penalty are sent
CHAT_TOP_LOGPROBS = 20  # the most the OpenAI API allows; vLLM's default --max-logprobs is 20 too


class OpenAIBackend:
    """The Backend protocol (kun.llm.base) over an OpenAI-compatible /v1 endpoint."""

    name = "openai"

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key_env: str | None = "OPENAI_API_KEY",
        max_concurrency: int = 8,
        timeout_s: float = 60.0,
        max_retries: int = 5,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        server: str = "vllm",
    ) -> None:
        if max_concurrency < 1:
            raise KunError(f"max_concurrency={max_concurrency} for the OpenAI backend must be at least 1")
        if max_retries < 0:
            raise KunError(f"max_retries={max_retries} for the OpenAI backend must be 0 or more")
        host = urllib.parse.urlsplit(base_url).hostname
        if not host:
            raise KunError(f"base_url {base_url!r} is not a URL: use e.g. http://host:8000/v1 (what `vllm serve` listens on)")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self.max_concurrency = max_concurrency
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        if server not in SERVERS:
            raise KunError(f"llm.server {server!r}: use one of {', '.join(SERVERS)} (how the server takes sampling settings the OpenAI API lacks)")
        self.server = server
        self._warned_no_logprobs = False
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s

        api_key: str | None = None
        if api_key_env is not None:
            api_key = os.environ.get(api_key_env) or None
            if api_key is None and host not in LOCAL_HOSTS:
                raise KunError(
                    f"environment variable {api_key_env} is not set: export it with the API key of the server at "
                    f"{self.base_url}, or set api_key_env to None if that server needs no key"
                )
        self._http = JsonClient(api_key, api_key_env, model, timeout_s, max_retries, backoff_s, max_backoff_s, local=host in LOCAL_HOSTS)
        self._post = self._http.post

    def _repetition_penalty(self, value: float) -> dict[str, Any]:
        """The request field that carries a repetition penalty on this kind of server."""
        if self.server == "transformers":
            # transformers serve rejects unknown fields (HTTP 422) and reads frequency_penalty as
            # repetition_penalty - 1 on top of the model's own generation config (a `generation_config`
            # field would replace that config, end-of-sequence ids included).
            return {"frequency_penalty": value - 1.0}
        if self.server == "openai":
            raise KunError(f"repetition_penalty {value} cannot be sent to an OpenAI-API server (llm.server: openai has no such setting); set the stage's repetition_penalty to 1.0 or serve the model with vLLM")
        return {"repetition_penalty": value}  # vLLM and SGLang take it as a top-level extension

    def __repr__(self) -> str:
        return f"OpenAIBackend(base_url={self.base_url!r}, model={self.model!r}, api_key_env={self.api_key_env!r})"

    def fingerprint(self) -> str:
        return f"openai:{self.base_url}:{self.model}"

    # -- the Backend protocol -------------------------------------------------------------------

    def generate(self, prompts: list[Prompt], sampling: SamplingParams, on_result: OnResult = None) -> list[dict]:
        def one(prompt: Prompt) -> dict:
            body: dict[str, Any] = {
                "model": self.model,
                "messages": _messages(prompt),
                "temperature": sampling.temperature,
                "top_p": sampling.top_p,
                "max_tokens": sampling.max_new_tokens,
                "seed": record_seed(sampling.seed, prompt),
            }
            if sampling.stop:
                body["stop"] = list(sampling.stop)
            if sampling.repetition_penalty != 1.0:
                body.update(self._repetition_penalty(sampling.repetition_penalty))
            url = f"{self.base_url}/chat/completions"
            for attempt in range(self.max_retries + 1):
                reply = self._post(url, body)
                try:
                    choice = reply["choices"][0]
                    content = choice["message"]["content"]
                except (KeyError, IndexError, TypeError):
                    raise KunError(f"POST {url} returned no choices[0].message.content: {clip(json.dumps(reply))}") from None
                if content is not None and not isinstance(content, str):
                    raise KunError(f"POST {url} returned a {type(content).__name__} as choices[0].message.content, not text: {clip(json.dumps(reply))}; check the server")
                if content:
                    break
            else:  # `content: null` or "" is a failed request, never an answer (and never cached)
                raise KunError(f"POST {url} returned empty content {self.max_retries + 1} times: {clip(json.dumps(reply))}; check the server's log")
            usage = reply.get("usage") if isinstance(reply.get("usage"), dict) else {}
            tokens = usage.get("completion_tokens")
            # Servers already stop server-side; cutting again covers those that include the marker.
            result = finished(content or "", choice.get("finish_reason"), tokens if isinstance(tokens, int) else None, sampling.stop)
            if isinstance(usage.get("prompt_tokens"), int):
                result["prompt_tokens"] = usage["prompt_tokens"]  # the server's count, for the cost ledger
            return result

        return self._map(one, prompts, "openai generate", on_result)

    def logprobs(self, pairs: list[tuple[Prompt, str]], on_result: OnResult = None) -> list[float]:
        def one(pair: tuple[Prompt, str]) -> float:
            prompt, continuation = pair
            if isinstance(prompt, str):
                return self._text_logprob(prompt, continuation)
            return self._chat_token_logprob(prompt, continuation)

        return self._map(one, pairs, "openai logprobs", on_result)

    def perplexity(self, texts: list[str], on_result: OnResult = None) -> list[float]:
        return self._map(self._text_perplexity, texts, "openai perplexity", on_result)

    # -- log-probabilities ----------------------------------------------------------------------

    def _text_perplexity(self, text: str) -> float:
        """exp(-mean echoed log-prob) over the text's tokens (the first has none and is skipped)."""
        url = f"{self.base_url}/completions"
        reply = self._post(url, {"model": self.model, "prompt": text, "max_tokens": 0, "echo": True, "logprobs": 1, "temperature": 0.0})
        try:
            logprobs = reply["choices"][0]["logprobs"]
            pairs = zip(logprobs["text_offset"], logprobs["token_logprobs"])
            values = [float(logprob) for offset, logprob in pairs if offset < len(text) and logprob is not None]
        except (KeyError, IndexError, TypeError, ValueError):
            values = []
        if not values:
            raise KunError(
                f"POST {url} returned no choices[0].logprobs.token_logprobs for the echoed text: {clip(json.dumps(reply))}; "
                "the server must support echo=true with logprobs on /completions (vllm serve does)"
            )
        return math.exp(-sum(values) / len(values))

    def _text_logprob(self, prompt: str, continuation: str) -> float:
        """Sum of the echoed log-probs of the tokens that start inside the continuation.

        A token that straddles the prompt/continuation boundary counts as prompt; end prompts at a
        word boundary (the continuation starting with a space) to avoid that. Tokens starting past
        the end of the text are generated ones from a server that ignored max_tokens=0: skipped.
        """
        url = f"{self.base_url}/completions"
        text = prompt + continuation
        body = {"model": self.model, "prompt": text, "max_tokens": 0, "echo": True, "logprobs": 1, "temperature": 0.0}
        reply = self._post(url, body)
        try:
            logprobs = reply["choices"][0]["logprobs"]
            offsets = logprobs["text_offset"]
            token_logprobs = logprobs["token_logprobs"]
        except (KeyError, IndexError, TypeError):
            raise KunError(
                f"POST {url} returned no choices[0].logprobs.text_offset/token_logprobs: {clip(json.dumps(reply))}; "
                "the server must support echo=true with logprobs on /completions"
            ) from None
        total = 0.0
        for offset, logprob in zip(offsets, token_logprobs):
            if len(prompt) <= offset < len(text) and logprob is not None:  # first token has no logprob
                total += float(logprob)
        return total

    def _chat_token_logprob(self, messages: list[dict[str, str]], continuation: str) -> float | None:
        """Log-prob of `continuation` as the start of the reply, from the top log-probabilities of
        the reply's first tokens; None when the server's lists do not contain it.

        The reply is generated greedily; while the greedy tokens spell the start of the
        continuation their log-probs add up. At the first greedy token that leaves it, the
        continuation's own next token is looked up in that position's top list and the walk ends
        (so `【好】` and `【差】` both get log P(【) plus their verdict token's). A continuation whose
        first token is in no list gets None: the caller must not guess (unscorable).
        """
        url = f"{self.base_url}/chat/completions"
        body = {
            "model": self.model,
            "messages": _messages(messages),
            "max_tokens": max(1, min(8, len(continuation))),
            "temperature": 0.0,
            "logprobs": True,
            "top_logprobs": CHAT_TOP_LOGPROBS,
        }
        reply = self._post(url, body)
        try:
            positions = reply["choices"][0]["logprobs"]["content"]
            steps = [(str(step["token"]), [(str(entry["token"]), float(entry["logprob"])) for entry in step["top_logprobs"]]) for step in positions]
        except (KeyError, IndexError, TypeError, ValueError):
            steps = []
        if not steps or not steps[0][1]:
            # A server without log-probabilities (transformers serve ignores logprobs=true): the
            # verdict is unknown, so unscorable, never guessed; said once, so a run shows why.
            if not self._warned_no_logprobs:
                self._warned_no_logprobs = True
                warn(f"POST {url} returned no choices[0].logprobs.content[0].top_logprobs ({clip(json.dumps(reply))}); "
                     "logprob verdicts from this server are unscorable: use a server with logprobs (vLLM, SGLang) or score.verdict: sampled")
            return None
        remaining, total = continuation, 0.0
        for greedy, top in steps:
            # (characters of `remaining` the token spells, its log-prob, the token): exact
            # prefixes first, then tokens that spell a prefix once whitespace is stripped.
            exact = [(len(text), logprob, text) for text, logprob in top if text and remaining.startswith(text)]
            stripped = [(len(text.strip()), logprob, text) for text, logprob in top if text.strip() and remaining.startswith(text.strip())]
            matching = max(exact, default=None) or max(stripped, default=None)
            if matching is None:
                return None if remaining == continuation else total
            spelled, logprob, text = matching
            total += logprob
            remaining = remaining[spelled:]
            if not remaining or greedy != text:
                return total  # the continuation is spelled out, or the greedy reply leaves it here
        return total

    # -- HTTP -----------------------------------------------------------------------------------

    def _map(self, function: Callable[[T], R], items: list[T], desc: str, on_result: OnResult = None) -> list[R]:
        """`function` over `items` with at most max_concurrency in flight, results in input order;
        `on_result(position, result)` is called (on this thread) for each as it arrives, and on a
        failure for every request that succeeded, so the caller can keep them."""
        if not items:
            return []
        failure: BaseException | None = None
        results: list[Any] = [None] * len(items)
        reported: set[int] = set()
        with ThreadPoolExecutor(max_workers=min(self.max_concurrency, len(items))) as pool, bar(len(items), desc) as progress:
            futures = {pool.submit(function, item): position for position, item in enumerate(items)}
            try:
                for future in as_completed(futures):
                    position = futures[future]
                    results[position] = future.result()
                    progress.update(1)
                    reported.add(position)
                    if on_result is not None:
                        on_result(position, results[position])
            except BaseException as error:
                for future in futures:  # a failure fails the call: do not send what is still queued
                    future.cancel()
                failure = error
        if isinstance(failure, KunError) and on_result is not None:  # requests in flight have finished now: hand over their answers too
            for future, position in futures.items():
                if position not in reported and future.done() and not future.cancelled() and future.exception() is None:
                    on_result(position, future.result())
        if failure is not None:
            raise failure
        return results


def _messages(prompt: Prompt) -> list[dict[str, str]]:
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    return [{"role": message["role"], "content": message["content"]} for message in prompt]
