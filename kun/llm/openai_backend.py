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

Every request states every sampling setting (temperature, top_p, top_k, min_p, repetition
penalty, seed, max_tokens) in the field names of its server kind (`server`, kun.llm.sampling), so
no server fills in its own or the model's generation_config defaults.

Log-probabilities (verdicts, perplexity, multiple choice) are read by token ids, as the local
backends compute them (kun.llm.tokens): the prompt is rendered and tokenized here with the served
model's tokenizer (`tokenizer`), the continuation's ids appended, and the server echoes the
log-probability of every prompt token: `/v1/completions` with a token-id prompt and `echo` on
vLLM and llama.cpp, SGLang's native `/generate` with `return_logprob` and `logprob_start_len: 0`.
The last ids are the continuation's, so no text offset is needed and a verdict character split
over byte tokens counts whole. transformers serve and the OpenAI API return no prompt
log-probabilities: such a request is refused before it is sent.
"""

from __future__ import annotations

import json
import math
import os
import threading
import urllib.parse
from typing import Any

from kun.core.errors import KunError
from kun.llm import tokens
from kun.llm.base import OnResult, Prompt, SamplingParams, finished, record_seed
from kun.llm.http import JsonClient, clip, map_concurrently
from kun.llm.sampling import PROMPT_LOGPROB_SERVERS, SERVERS, native_sglang_fields, request_fields

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
# A log-probability request generates one token (SGLang refuses max_tokens 0); it is not read.
LOGPROB_REQUEST = SamplingParams(temperature=0.0, max_new_tokens=1)


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
        tokenizer: str | None = None,
        max_input_tokens: int = 2048,
    ) -> None:
        if max_concurrency < 1:
            raise KunError(f"max_concurrency={max_concurrency} for the OpenAI backend must be at least 1")
        if max_retries < 0:
            raise KunError(f"max_retries={max_retries} for the OpenAI backend must be 0 or more")
        host = urllib.parse.urlsplit(base_url).hostname
        if not host:
            raise KunError(
                f"base_url {base_url!r} is not a URL: use e.g. http://host:8000/v1 (what `vllm serve` listens on)"
            )
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.api_key_env = api_key_env
        self.max_concurrency = max_concurrency
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        if server not in SERVERS:
            raise KunError(
                f"llm.server {server!r}: use one of {', '.join(SERVERS)} (how the server takes sampling settings the OpenAI API lacks)"
            )
        self.server = server
        self.tokenizer_path = tokenizer
        self.max_input_tokens = max_input_tokens
        self._tokenizer = None
        self._checked = threading.Lock()
        self._server_ok = server != "transformers"
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
        self._http = JsonClient(
            api_key,
            api_key_env,
            model,
            timeout_s,
            max_retries,
            backoff_s,
            max_backoff_s,
            local=host in LOCAL_HOSTS,
            max_connections=max_concurrency,
        )
        self._post = self._http.post

    @property
    def tokenizer(self):
        """The served model's tokenizer (for token-id log-probability requests and the cost
        ledger), loaded on first use; None when `tokenizer` is not set."""
        if self._tokenizer is None and self.tokenizer_path:
            from transformers import AutoTokenizer

            try:
                self._tokenizer = AutoTokenizer.from_pretrained(self.tokenizer_path)
            except (OSError, ValueError) as error:
                raise KunError(
                    f"llm.tokenizer {self.tokenizer_path!r}: cannot load the served model's tokenizer ({clip(str(error))}); "
                    "set llm.tokenizer to its local directory or hub id"
                ) from None
        return self._tokenizer

    def _check_server(self) -> None:
        """kun states transformers serve's settings in its `generation_config` field, which the
        server layout of transformers 5 (`transformers/cli/serving`, which also answers GET
        /health) merges into the model's settings for one request; an older server replaced the
        model's whole config with it (end-of-sequence ids included). Probed once, before the
        first request."""
        with self._checked:
            if self._server_ok:
                return
            try:
                self._http.get(f"{_root(self.base_url)}/health")
            except KunError as error:
                if "HTTP 404" in str(error) or "HTTP 405" in str(error):
                    raise KunError(
                        f"{_root(self.base_url)}: this transformers serve has no /health, so it predates transformers 5, whose server merges a "
                        "request's generation_config into the model's (how kun sends do_sample, top_k, min_p and repetition_penalty); "
                        "run the server with transformers >= 5, or use llm.server: vllm"
                    ) from None
                raise
            self._server_ok = True

    def _logprob_tokenizer(self, what: str):
        """The tokenizer, or a refusal before any request when this server or setup cannot
        give prompt log-probabilities."""
        if self.server not in PROMPT_LOGPROB_SERVERS:
            raise KunError(
                f"{what} needs prompt log-probabilities, which llm.server {self.server} does not return; serve the model with "
                f"{', '.join(PROMPT_LOGPROB_SERVERS)} (and set llm.server), use llm.backend: transformers, or for scoring set score.verdict: sampled"
            )
        if self.tokenizer is None:
            raise KunError(
                f"{what} through llm.backend openai reads log-probabilities by token ids: set llm.tokenizer to the served model's "
                f"tokenizer (a local directory or hub id; the stage's model directory is used when it exists here), or set score.verdict: sampled"
            )
        return self.tokenizer

    def __repr__(self) -> str:
        return f"OpenAIBackend(base_url={self.base_url!r}, model={self.model!r}, api_key_env={self.api_key_env!r})"

    def fingerprint(self) -> str:
        return f"openai:{self.base_url}:{self.model}"

    # -- the Backend protocol -------------------------------------------------------------------

    def generate(
        self, prompts: list[Prompt], sampling: SamplingParams, on_result: OnResult = None
    ) -> list[dict]:
        fields = request_fields(
            self.server, sampling, 0
        )  # refuses a setting this server cannot take, before any request
        if prompts:
            self._check_server()

        def one(prompt: Prompt) -> dict:
            body: dict[str, Any] = {
                "model": self.model,
                "messages": _messages(prompt),
                **fields,
                "seed": record_seed(sampling.seed, prompt),
            }
            if sampling.stop:
                body["stop"] = list(sampling.stop)
            url = f"{self.base_url}/chat/completions"
            # `content: null` or "" is a failed request, never an answer (and never cached): it is
            # retried in the client's one retry loop, with the 429/5xx and network failures.
            reply = self._post(url, body, retry_if=_empty_content)
            try:
                choice = reply["choices"][0]
                content = choice["message"]["content"]
            except (KeyError, IndexError, TypeError):
                raise KunError(
                    f"POST {url} returned no choices[0].message.content: {clip(json.dumps(reply))}"
                ) from None
            if not isinstance(content, str):
                raise KunError(
                    f"POST {url} returned a {type(content).__name__} as choices[0].message.content, not text: {clip(json.dumps(reply))}; "
                    "check the server"
                )
            usage = reply.get("usage") if isinstance(reply.get("usage"), dict) else {}
            generated = usage.get("completion_tokens")
            # Servers already stop server-side; cutting again covers those that include the marker.
            result = finished(
                content,
                choice.get("finish_reason"),
                generated if isinstance(generated, int) else None,
                sampling.stop,
            )
            if isinstance(usage.get("prompt_tokens"), int):
                result["prompt_tokens"] = usage["prompt_tokens"]  # the server's count, for the cost ledger
            return result

        return map_concurrently(one, prompts, self.max_concurrency, "openai generate", on_result)

    def logprobs(self, pairs: list[tuple[Prompt, str]], on_result: OnResult = None) -> list[float]:
        """Summed log-probability of each continuation's tokens after its prompt's tokens."""
        tokenizer = self._logprob_tokenizer(
            "a log-probability request (score.verdict: logprob, multiple choice, judge_mode: logprob)"
        )
        # Tokenized here, on the calling thread: a tokenizer is not safe to share between threads.
        targets = [tokens.continuation_ids(tokenizer, continuation) for _, continuation in pairs]
        sequences = [
            self._prepared(tokens.context_ids(tokenizer, prompt, self.max_input_tokens, self.model) + target)
            for (prompt, _), target in zip(pairs, targets)
        ]

        def one(position: int) -> float:
            values = self._prompt_logprobs(*sequences[position])[-len(targets[position]) :]
            if None in values:
                raise KunError(
                    f"llm.server {self.server} gave no log-probability for a token of the continuation {pairs[position][1]!r}"
                )
            return float(sum(values))

        return map_concurrently(
            one, list(range(len(pairs))), self.max_concurrency, "openai logprobs", on_result
        )

    def perplexity(self, texts: list[str], on_result: OnResult = None) -> list[float]:
        """exp(-mean log-prob) of each text's tokens after the first; nan under two tokens."""
        tokenizer = self._logprob_tokenizer("perplexity")
        encoded = [tokens.text_ids(tokenizer, text, self.max_input_tokens) for text in texts]
        starts = [tokens.perplexity_start(tokenizer, ids) for ids in encoded]
        prepared = [self._prepared(ids) if len(ids) > start else None for ids, start in zip(encoded, starts)]

        def one(position: int) -> float:
            if prepared[position] is None:
                return float("nan")
            values = [
                value
                for value in self._prompt_logprobs(*prepared[position])[starts[position] :]
                if value is not None
            ]
            return math.exp(-sum(values) / len(values)) if values else float("nan")

        return map_concurrently(
            one, list(range(len(texts))), self.max_concurrency, "openai perplexity", on_result
        )

    # -- log-probabilities ----------------------------------------------------------------------

    def _prepared(self, ids: list[int]) -> tuple[list[int], str | None, int | None]:
        """(ids, the text llama.cpp is sent, its BOS id), made on the calling thread (a tokenizer is
        not safe to share between threads) and refused there, before any request.

        llama-cpp-python's server takes text prompts only and echoes a prompt's log-probabilities
        in the right positions only when the prompt starts with the BOS token (otherwise each is
        the next position's distribution read at this token: abetlen/llama-cpp-python#1983); it
        leaves every BOS token out of the echo. So the prompt must start with BOS (ChatML prompts
        of a model whose BOS is <|im_start|> do), and the echo is mapped back to the ids."""
        if self.server != "llamacpp":
            return ids, None, None
        bos = getattr(self.tokenizer, "bos_token_id", None)
        if bos is None or ids[0] != bos:
            raise KunError(
                "llm.server llamacpp: llama-cpp-python's server echoes prompt log-probabilities one position off unless the prompt "
                "starts with the BOS token, and this prompt (a plain text: perplexity or multiple choice, with a tokenizer that adds "
                "no BOS) does not; run that stage on the local backend (llm.backend: transformers) or serve the model with vLLM or SGLang"
            )
        return (
            ids,
            self.tokenizer.decode(ids, skip_special_tokens=False, clean_up_tokenization_spaces=False),
            bos,
        )

    def _prompt_logprobs(
        self, ids: list[int], text: str | None = None, bos: int | None = None
    ) -> list[float | None]:
        """log P(token i | tokens before it) for each of `ids`, echoed by the server; None for the
        first token and wherever the server gives none (llama.cpp skips BOS tokens)."""
        if self.server == "sglang":
            url, values, reply = self._sglang_echo(ids)
        elif self.server == "llamacpp":
            url, values, reply = self._llamacpp_echo(ids, text, bos)
        else:
            url, values, reply = self._completions_echo(ids, ids)
            if len(values) < len(ids):
                raise KunError(
                    f"POST {url} echoed {len(values)} prompt log-probabilities for {len(ids)} prompt tokens: {clip(json.dumps(reply))}"
                )
            values = values[len(values) - len(ids) :]  # a server may put a BOS before the prompt
        checked: list[float | None] = [None]
        for index, value in enumerate(values[1:], start=1):
            if value is None and self.server == "llamacpp":
                checked.append(None)
                continue
            if (
                not isinstance(value, (int, float))
                or isinstance(value, bool)
                or not math.isfinite(value)
                or value > 1e-6
            ):
                raise KunError(
                    f"POST {url} returned {value!r} as the log-probability of prompt token {index}: {clip(json.dumps(reply))}; check the server"
                )
            checked.append(float(value))
        return checked

    def _sglang_echo(self, ids: list[int]) -> tuple[str, list, dict]:
        """SGLang's native /generate: `input_token_logprobs` holds [logprob, token id, text] per prompt token."""
        url = f"{_root(self.base_url)}/generate"
        body = {
            "input_ids": ids,
            "sampling_params": native_sglang_fields(LOGPROB_REQUEST),
            "return_logprob": True,
            "logprob_start_len": 0,
        }
        reply = self._post(url, body)
        try:
            values = [entry[0] for entry in reply["meta_info"]["input_token_logprobs"]]
        except (KeyError, IndexError, TypeError):
            raise KunError(
                f"POST {url} returned no meta_info.input_token_logprobs: {clip(json.dumps(reply))}; check that the "
                "server is SGLang (llm.server: sglang)"
            ) from None
        if len(values) != len(ids):
            raise KunError(
                f"POST {url} returned {len(values)} prompt log-probabilities for {len(ids)} prompt tokens: {clip(json.dumps(reply))}"
            )
        return url, values, reply

    def _completions_echo(self, ids: list[int], prompt: list[int] | str) -> tuple[str, list, dict]:
        """/v1/completions with `echo`: the prompt's tokens' log-probabilities, then the generated ones (dropped)."""
        url = f"{self.base_url}/completions"
        body = {
            "model": self.model,
            "prompt": prompt,
            "echo": True,
            "logprobs": 1,
            **request_fields(self.server, LOGPROB_REQUEST, 0),
        }
        reply = self._post(url, body)
        try:
            values = list(reply["choices"][0]["logprobs"]["token_logprobs"])
        except (KeyError, IndexError, TypeError):
            raise KunError(
                f"POST {url} returned no choices[0].logprobs.token_logprobs: {clip(json.dumps(reply))}; "
                f"the server must echo prompt log-probabilities (llm.server: {self.server})"
            ) from None
        usage = reply.get("usage") if isinstance(reply.get("usage"), dict) else {}
        generated = usage.get("completion_tokens")
        return (
            url,
            values[
                : len(values) - (generated if isinstance(generated, int) else max(0, len(values) - len(ids)))
            ],
            reply,
        )

    def _llamacpp_echo(self, ids: list[int], text: str, bos: int) -> tuple[str, list, dict]:
        """The llama.cpp echo of `text` (see `_prepared`) mapped back to `ids`: the server leaves
        every BOS token out."""
        url, values, reply = self._completions_echo(ids, text)
        positions = [index for index in range(1, len(ids)) if ids[index] != bos]
        if len(values) != len(positions):
            raise KunError(
                f"POST {url} echoed {len(values)} prompt tokens where kun's tokenizer has {len(positions)} (BOS tokens aside): "
                "set llm.tokenizer to the served model's own tokenizer"
            )
        aligned: list = [None] * len(ids)
        for index, value in zip(positions, values):
            aligned[index] = value
        return url, aligned, reply


def _root(base_url: str) -> str:
    """The server's root URL (SGLang's native endpoints sit beside /v1)."""
    return base_url[: -len("/v1")] if base_url.endswith("/v1") else base_url


def _messages(prompt: Prompt) -> list[dict[str, str]]:
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    return [{"role": message["role"], "content": message["content"]} for message in prompt]


def _empty_content(reply: dict[str, Any]) -> str | None:
    """Why a chat reply must be asked again: its content is null or empty (None: it is an answer)."""
    try:
        content = reply["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        return None  # malformed: refused by the caller, not retried
    return f"empty content: {clip(json.dumps(reply))}" if content is None or content == "" else None
