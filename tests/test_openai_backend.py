"""OpenAIBackend against a real in-process HTTP server on 127.0.0.1 that speaks enough of the
OpenAI chat-completions and completions protocol, with scripted faults (5xx, 429, slow replies,
dropped connections, 4xx) so retries, timeouts and error messages are checked end to end."""

from __future__ import annotations

import json
import math
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kun.core.errors import KunError
from kun.llm.base import Backend, SamplingParams, record_seed
from kun.llm.openai_backend import OpenAIBackend

FAST = dict(backoff_s=0.01, max_backoff_s=0.05, timeout_s=5.0)
TOKEN_PATTERN = re.compile(r"\s*\S+")


def texts(generations: list[dict]) -> list[str]:
    return [generation["text"] for generation in generations]


class FakeOpenAIServer:
    """Replies "echo:" + the last user message; `script` holds one fault per coming request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.script: list[
            tuple
        ] = []  # ("status", code, json, headers) | ("raw", code, bytes) | ("sleep", s) | ("drop",)
        # | ("after", n, fault): held until n replies have been sent, then that fault
        self.requests: list[dict] = []  # path, headers, body of every request received
        self.replies_sent = 0
        self.keep_alive = False  # HTTP/1.1 keep-alive instead of one connection per reply
        self.client_ports: set[int] = set()  # one per TCP connection the client opened
        self.in_flight = 0
        self.max_in_flight = 0
        self.reply_delay_s = 0.0
        self.top_logprobs = [("A", -0.1), (" B", -2.5), ("C", -4.0)]
        self.chat_steps: list[list[tuple[str, float]]] | None = (
            None  # several reply positions; the first token of each is the greedy one
        )
        self.extra_generated_token = False  # simulate a server that ignores max_tokens=0
        # log P(token | tokens before) of a token-id prompt; the first is None (vLLM, SGLang, llama.cpp)
        self.prompt_logprobs = lambda ids: [None] + [-((token % 10) + 1) / 10 for token in ids[1:]]
        self.echo_bos: int | None = None  # a server that puts a BOS id before a token-id prompt
        self.report_usage = True
        self.health = True  # transformers serve from transformers 5 answers GET /health
        self.text_tokenizer = (
            None  # set: text prompts are echoed as llama-cpp-python does (BOS tokens left out)
        )
        handler = type("Handler", (_Handler,), {"fake": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def attempts(self) -> int:
        return len(self.requests)

    def next_fault(self) -> tuple | None:
        with self.lock:
            return self.script.pop(0) if self.script else None

    def reply(self, path: str, body: dict) -> dict:
        if path == "/generate":  # SGLang's native endpoint
            ids = body["input_ids"]
            values = self.prompt_logprobs(ids)
            return {
                "text": "x",
                "meta_info": {
                    "input_token_logprobs": [[value, token, None] for value, token in zip(values, ids)],
                    "output_token_logprobs": [[-0.5, 7, None]],
                },
            }
        if path == "/v1/completions" and isinstance(body.get("prompt"), list):
            ids = ([self.echo_bos] if self.echo_bos is not None else []) + body["prompt"]
            generated = body.get("max_tokens", 16)
            values = self.prompt_logprobs(ids) + [-0.5] * generated
            reply = {
                "choices": [
                    {
                        "index": 0,
                        "text": "x" * generated,
                        "logprobs": {
                            "tokens": [str(token) for token in ids] + ["x"] * generated,
                            "token_logprobs": values,
                            "text_offset": [0] * len(values),
                        },
                    }
                ]
            }
            if self.report_usage:
                reply["usage"] = {"prompt_tokens": len(ids), "completion_tokens": generated}
            return reply
        if path == "/v1/completions" and self.text_tokenizer is not None:
            return self.llamacpp_reply(body)
        if path == "/v1/completions":
            return self.completion_reply(body)
        if body.get("logprobs"):
            steps = (self.chat_steps or [self.top_logprobs])[: body.get("max_tokens", 1)]
            content = [
                {
                    "token": step[0][0],
                    "logprob": step[0][1],
                    "top_logprobs": [{"token": token, "logprob": logprob} for token, logprob in step],
                }
                for step in steps
            ]
            return {
                "choices": [
                    {
                        "message": {"role": "assistant", "content": "".join(step[0][0] for step in steps)},
                        "logprobs": {"content": content},
                    }
                ]
            }
        last_user = [message["content"] for message in body["messages"] if message["role"] == "user"][-1]
        # Deliberately ignores "stop", so the client-side cut is what the tests see.
        return {"choices": [{"index": 0, "message": {"role": "assistant", "content": "echo:" + last_user}}]}

    def llamacpp_reply(self, body: dict) -> dict:
        """llama-cpp-python 0.3: the text is tokenized, a leading BOS stripped, every BOS left out
        of the echo, and the first echoed entry is null."""
        bos = self.text_tokenizer.bos_token_id
        ids = self.text_tokenizer(body["prompt"], add_special_tokens=False)["input_ids"]
        values = self.prompt_logprobs(ids)
        echoed = [
            value for index, (token, value) in enumerate(zip(ids, values)) if index > 0 and token != bos
        ]
        echoed[0] = None
        generated = body.get("max_tokens", 16)
        logprobs = {
            "tokens": ["t"] * (len(echoed) + generated),
            "token_logprobs": echoed + [-0.5] * generated,
            "text_offset": [0] * (len(echoed) + generated),
        }
        return {
            "choices": [{"index": 0, "text": "x", "logprobs": logprobs}],
            "usage": {"prompt_tokens": len(ids), "completion_tokens": generated},
        }

    def completion_reply(self, body: dict) -> dict:
        """Echo the prompt as whitespace-led word tokens; token i has log-prob -i (the first None)."""
        text = body["prompt"]
        tokens = TOKEN_PATTERN.findall(text)
        offsets = [match.start() for match in TOKEN_PATTERN.finditer(text)]
        token_logprobs: list[float | None] = [None] + [-float(index) for index in range(1, len(tokens))]
        if self.extra_generated_token:
            tokens.append(" extra")
            offsets.append(len(text))
            token_logprobs.append(-100.0)
        logprobs = {
            "tokens": tokens,
            "token_logprobs": token_logprobs,
            "text_offset": offsets,
            "top_logprobs": None,
        }
        return {"choices": [{"index": 0, "text": "".join(tokens), "logprobs": logprobs}]}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # keep test output clean
        pass

    def do_GET(self):
        with self.fake.lock:
            self.fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": None})
        if self.path == "/health" and self.fake.health:
            self.send_json(200, {"status": "ok"}, {})
        else:
            self.send_json(404, {"detail": "Not Found"}, {})

    def do_POST(self):
        fake = self.fake
        self.protocol_version = "HTTP/1.1" if fake.keep_alive else "HTTP/1.0"
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        with fake.lock:
            fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            fake.client_ports.add(self.client_address[1])
            fake.in_flight += 1
            fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        fault = fake.next_fault()
        if fault is not None and fault[0] == "after":
            deadline = time.monotonic() + 10.0  # bounded: a client that never sends n requests
            while fake.replies_sent < fault[1] and time.monotonic() < deadline:
                if fake.stopping.wait(0.01):
                    break
            fault = fault[2]
        try:
            if fault is not None and fault[0] == "sleep":
                fake.stopping.wait(fault[1])  # bounded, and cut short when the fixture stops
            elif fault is None and fake.reply_delay_s:
                fake.stopping.wait(fake.reply_delay_s)
        finally:
            # Counted out before replying: once the client has the reply it may send its next
            # request, which must not overlap this one in the count.
            with fake.lock:
                fake.in_flight -= 1
        if fault is not None and fault[0] == "drop":
            self.close_connection = True  # close the socket without a status line
        elif fault is not None and fault[0] == "status":
            _, code, payload, headers = fault
            self.send_json(code, payload, headers)
        elif fault is not None and fault[0] == "raw":
            self.send_bytes(fault[1], fault[2], {})
        elif (
            fault is not None and fault[0] == "drip_head"
        ):  # the status line itself, one byte every fault[1] s
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            try:
                for index in range(len(head)):
                    if fake.stopping.wait(fault[1]):
                        break
                    self.wfile.write(head[index : index + 1])
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError, OSError):
                pass
            self.close_connection = True
        elif fault is not None and fault[0] == "drip":  # a valid reply, one byte every fault[1] s
            self.send_bytes(200, json.dumps(fake.reply(self.path, body)).encode("utf-8"), {}, drip_s=fault[1])
        else:
            self.send_json(200, fake.reply(self.path, body), {})

    def send_json(self, code: int, payload: dict, headers: dict) -> None:
        self.send_bytes(code, json.dumps(payload).encode("utf-8"), headers)

    def send_bytes(self, code: int, data: bytes, headers: dict, drip_s: float = 0.0) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if not self.fake.keep_alive:
                self.send_header("Connection", "close")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if drip_s:
                for index in range(len(data)):
                    if self.fake.stopping.wait(drip_s):
                        return
                    self.wfile.write(data[index : index + 1])
                    self.wfile.flush()
            else:
                self.wfile.write(data)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
            pass
        with self.fake.lock:
            self.fake.replies_sent += 1
        self.close_connection = not self.fake.keep_alive


@pytest.fixture
def server():
    fake = FakeOpenAIServer()
    fake.thread.start()
    yield fake
    fake.stopping.set()
    fake.httpd.shutdown()
    fake.httpd.server_close()
    fake.thread.join(timeout=5)


@pytest.fixture(autouse=True)
def _no_proxy_no_key(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


def backend_for(fake: FakeOpenAIServer, **overrides) -> OpenAIBackend:
    settings = {"model": "tiny-model", **FAST, **overrides}
    return OpenAIBackend(fake.base_url, **settings)


def error_body(message: str) -> dict:
    return {"error": {"message": message, "type": "invalid_request_error"}}


# -- generation ---------------------------------------------------------------------------------


def test_generate_echoes_request_and_sends_sampling_params(server):
    backend = backend_for(server)
    assert isinstance(backend, Backend)
    sampling = SamplingParams(temperature=0.7, top_p=0.9, max_new_tokens=33, seed=5)
    conversation = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "你好"}]
    assert texts(backend.generate(["plain", conversation], sampling)) == ["echo:plain", "echo:你好"]

    bodies = sorted((request["body"] for request in server.requests), key=lambda body: len(body["messages"]))
    assert bodies[0]["messages"] == [{"role": "user", "content": "plain"}]
    assert bodies[1]["messages"] == conversation
    assert all(request["path"] == "/v1/chat/completions" for request in server.requests)
    for body, prompt in zip(bodies, ["plain", conversation]):
        # one seed per request, from the run's seed and the prompt: a sample never depends on its batch
        assert (body["model"], body["temperature"], body["top_p"], body["max_tokens"], body["seed"]) == (
            "tiny-model",
            0.7,
            0.9,
            33,
            record_seed(5, prompt),
        )
        assert (
            "stop" not in body and body["repetition_penalty"] == 1.0
        )  # stated at 1.0 too: no server default applies
    assert texts(backend.generate([], sampling)) == []


def test_stop_strings_are_sent_and_applied(server):
    backend = backend_for(server)
    replies = texts(
        backend.generate(["one END two", "a\n\nb", "no marker"], SamplingParams(stop=("END", "\n\n")))
    )
    assert replies == [
        "echo:one",
        "echo:a",
        "echo:no marker",
    ]  # cut at the marker, ends stripped as every backend does
    assert all(request["body"]["stop"] == ["END", "\n\n"] for request in server.requests)


def test_concurrent_requests_keep_input_order_and_respect_the_limit(server):
    server.reply_delay_s = 0.05  # long enough that requests overlap
    backend = backend_for(server, max_concurrency=4)
    prompts = [f"prompt {index}" for index in range(24)]
    assert texts(backend.generate(prompts, SamplingParams())) == [
        f"echo:prompt {index}" for index in range(24)
    ]
    assert server.attempts == 24
    assert 1 < server.max_in_flight <= 4


# -- retries ------------------------------------------------------------------------------------


def test_server_errors_are_retried_until_success(server):
    server.script = [("status", 500, error_body("boom"), {}), ("status", 503, error_body("busy"), {})]
    backend = backend_for(server, max_concurrency=1)
    assert texts(backend.generate(["a", "b"], SamplingParams())) == ["echo:a", "echo:b"]
    assert server.attempts == 4  # two failures, then one success per prompt


def test_429_honours_retry_after(server):
    server.script = [("status", 429, error_body("slow down"), {"Retry-After": "0.3"})]
    backend = backend_for(server, max_backoff_s=5.0)
    started = time.monotonic()
    assert texts(backend.generate(["a"], SamplingParams())) == ["echo:a"]
    assert time.monotonic() - started >= 0.3
    assert server.attempts == 2


def test_retry_after_is_capped_by_max_backoff(server):
    server.script = [("status", 429, error_body("slow down"), {"Retry-After": "120"})]
    backend = backend_for(server, max_backoff_s=0.05)
    started = time.monotonic()
    assert texts(backend.generate(["a"], SamplingParams())) == ["echo:a"]
    assert time.monotonic() - started < 2.0
    assert server.attempts == 2


def test_slow_reply_times_out_and_the_retry_succeeds(server):
    server.script = [("sleep", 3.0)]
    backend = backend_for(server, timeout_s=0.3)
    started = time.monotonic()
    assert texts(backend.generate(["a"], SamplingParams())) == ["echo:a"]
    assert time.monotonic() - started < 2.5
    assert server.attempts == 2


def test_dropped_connection_is_retried(server):
    server.script = [("drop",)]
    backend = backend_for(server)
    assert texts(backend.generate(["a"], SamplingParams())) == ["echo:a"]
    assert server.attempts == 2


def test_exhausted_retries_raise_kun_error_naming_url_and_last_error(server):
    server.script = [("status", 503, error_body("overloaded"), {})] * 10
    backend = backend_for(server, max_retries=2)
    with pytest.raises(KunError) as caught:
        backend.generate(["a"], SamplingParams())
    message = str(caught.value)
    assert server.attempts == 3
    assert f"{server.base_url}/chat/completions" in message
    assert "3 attempts" in message and "503" in message and "overloaded" in message
    assert "\n" not in message


def test_unreachable_server_raises_kun_error_after_retries():
    with socket.socket() as probe:  # a port that was free a moment ago: connection refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = OpenAIBackend(f"http://127.0.0.1:{port}/v1", "tiny-model", max_retries=1, **FAST)
    with pytest.raises(KunError, match=r"2 attempts"):
        backend.generate(["a"], SamplingParams())


# -- client errors ------------------------------------------------------------------------------


def test_400_fails_at_once_with_status_and_message(server):
    vllm_style = {
        "object": "error",
        "message": "max_tokens must be at least 1, got 0.",
        "type": "BadRequestError",
        "code": 400,
    }
    server.script = [("status", 400, vllm_style, {})]
    backend = backend_for(server)
    with pytest.raises(KunError) as caught:
        backend.generate(["a"], SamplingParams())
    message = str(caught.value)
    assert server.attempts == 1
    assert "400" in message and "max_tokens must be at least 1" in message
    assert f"{server.base_url}/chat/completions" in message
    assert "\n" not in message


def test_401_fails_at_once_and_points_at_the_key_variable(server, monkeypatch):
    monkeypatch.setenv("KUN_TEST_KEY", "sk-wrong")
    server.script = [
        ("status", 401, error_body("Invalid API key: Bearer sk-wrong"), {})
    ]  # a server that echoes the key
    backend = backend_for(server, api_key_env="KUN_TEST_KEY")
    with pytest.raises(KunError) as caught:
        backend.generate(["a"], SamplingParams())
    message = str(caught.value)
    assert server.attempts == 1
    assert "401" in message and "Invalid API key" in message and "KUN_TEST_KEY" in message
    assert "sk-wrong" not in message and "Bearer ***" in message  # the key is redacted from every error


def test_one_failing_request_fails_the_batch(server):
    server.script = [("status", 404, error_body("The model `x` does not exist."), {})]
    backend = backend_for(server, max_concurrency=1)
    with pytest.raises(KunError, match=r"404.*does not exist.*base_url"):
        backend.generate([f"p{index}" for index in range(20)], SamplingParams())
    assert server.attempts < 20  # queued requests are cancelled, not sent


def test_malformed_replies_are_kun_errors_without_retry(server):
    server.script = [("raw", 200, b"<html>gateway</html>"), ("status", 200, {"object": "list"}, {})]
    backend = backend_for(server, max_concurrency=1)
    with pytest.raises(KunError, match="not JSON.*gateway"):
        backend.generate(["a"], SamplingParams())
    with pytest.raises(KunError, match="no choices"):
        backend.generate(["a"], SamplingParams())
    assert server.attempts == 2


# -- API key ------------------------------------------------------------------------------------


def test_authorization_header_carries_key_from_env(server, monkeypatch):
    monkeypatch.setenv("KUN_TEST_KEY", "sk-secret-123")
    backend = backend_for(server, api_key_env="KUN_TEST_KEY")
    backend.generate(["a"], SamplingParams())
    assert server.requests[0]["headers"]["Authorization"] == "Bearer sk-secret-123"
    assert backend.fingerprint() == f"openai:{server.base_url}:tiny-model"
    assert "sk-secret-123" not in backend.fingerprint() and "sk-secret-123" not in repr(backend)


def test_unset_key_on_localhost_sends_no_header(server):
    backend = backend_for(server)  # OPENAI_API_KEY is unset by the autouse fixture
    backend.generate(["a"], SamplingParams())
    assert "Authorization" not in server.requests[0]["headers"]


def test_unset_key_for_a_remote_server_is_a_kun_error():
    with pytest.raises(KunError, match="OPENAI_API_KEY") as caught:
        OpenAIBackend("http://gpu-cluster.example:8000/v1", "tiny-model")
    assert "\n" not in str(caught.value)
    OpenAIBackend("http://gpu-cluster.example:8000/v1", "tiny-model", api_key_env=None)  # explicitly keyless


# -- log-probabilities --------------------------------------------------------------------------


def test_timeout_bounds_the_whole_reply_not_each_byte(server):
    server.script = [("drip", 0.3)]
    backend = backend_for(server, timeout_s=1.0, max_retries=0)
    started = time.monotonic()
    with pytest.raises(KunError, match="timed out|timeout"):
        backend.generate(["slow"], SamplingParams())
    assert time.monotonic() - started < 4.0  # one byte every 0.3 s would take far longer


def test_retry_after_as_an_http_date_is_honoured(server):
    import email.utils

    soon = email.utils.formatdate(time.time() + 2.5, usegmt=True)  # whole seconds: 1.5 to 2.5 s from now
    server.script = [("status", 503, error_body("busy"), {"Retry-After": soon})]
    backend = backend_for(server, max_backoff_s=5.0)
    started = time.monotonic()
    assert texts(backend.generate(["hi"], SamplingParams())) == ["echo:hi"]
    assert time.monotonic() - started >= 1.0  # waited for the date, not the 0.01 s backoff


def test_content_null_is_a_failed_request_not_an_empty_answer(server):
    null_reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": None}}]}
    server.script = [("status", 200, null_reply, {})]
    assert texts(backend_for(server).generate(["hi"], SamplingParams())) == ["echo:hi"]  # retried
    server.script = [("status", 200, null_reply, {})] * 3
    with pytest.raises(KunError, match="empty content"):
        backend_for(server, max_retries=2).generate(["hi"], SamplingParams())


def test_an_openai_api_server_refuses_a_repetition_penalty_before_sending(server):
    with pytest.raises(KunError, match="repetition_penalty 1.2 cannot be sent"):
        backend_for(server, server="openai").generate(["hi"], SamplingParams(repetition_penalty=1.2))
    assert server.attempts == 0
    with pytest.raises(KunError, match="llm.server 'tgi'"):
        backend_for(server, server="tgi")


# -- issue 24, items 2 and 3: no key in any message, no request past its deadline -------------------


def test_a_status_line_dripped_byte_by_byte_cannot_hold_a_request_past_timeout_s(server):
    server.script = [("drip_head", 0.2)]
    backend = backend_for(server, timeout_s=1.5, max_retries=0)
    started = time.monotonic()
    with pytest.raises(KunError, match="timed out|timeout"):
        backend.generate(["slow head"], SamplingParams())
    assert time.monotonic() - started < 4.0  # 60 bytes at 0.2 s would take 12 s


KEY = "sk-live-0123456789abcdefXYZ"


def test_the_key_is_blanked_in_a_200_without_choices_and_in_a_clipped_5xx(server, monkeypatch, capsys):
    from kun.core.errors import redact

    monkeypatch.setenv("KUN_TEST_KEY", KEY)
    backend = backend_for(server, api_key_env="KUN_TEST_KEY", max_retries=0)
    server.script = [("raw", 200, json.dumps({"echo": f"Bearer {KEY}", "note": "x" * 40}).encode())]
    with pytest.raises(KunError) as caught:
        backend.generate(["no choices"], SamplingParams())
    assert KEY not in redact(str(caught.value)) and KEY[:8] not in redact(str(caught.value))
    # a 5xx whose message puts the key right at the 300-character cut
    server.script = [
        ("status", 500, error_body("y" * 280 + f" Bearer {KEY}"), {})
    ]  # unredacted, 9 characters of it would survive the cut
    with pytest.raises(KunError) as caught:
        backend.generate(["cut key"], SamplingParams())
    message = redact(str(caught.value))
    assert KEY[:6] not in message and "Bearer ***" in message


@pytest.mark.parametrize("value", ["sk-live-0123456789abcdef", "my key", "1ABC"])
def test_an_api_key_env_that_is_not_a_variable_name_is_refused_without_echoing_it(value):
    from kun.core.params import from_mapping
    from kun.llm.params import LLMParams

    with pytest.raises(KunError) as caught:
        from_mapping(LLMParams, {"api_key_env": value}, "llm")
    assert "llm.api_key_env" in str(caught.value) and value not in str(caught.value)


# -- issue 24, items 4 and 8: odd replies are failures, never cached answers --------------------------


@pytest.mark.parametrize(
    "content, message", [("", "empty content"), (42, "returned a int as"), (["a", "b"], "returned a list as")]
)
def test_empty_or_non_text_content_is_a_failure_and_is_not_cached(server, tmp_path, content, message):
    from kun.llm import LLM
    from kun.llm.cache import RecordCache

    reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
    server.script = [("status", 200, reply, {})] * (
        3 if content == "" else 1
    )  # empty content is retried, odd types are not
    cache = RecordCache(tmp_path / "c.sqlite")
    with pytest.raises(KunError, match=message):
        LLM(backend_for(server, max_retries=2), cache).generate(["hi"], SamplingParams())
    again = LLM(backend_for(server), RecordCache(tmp_path / "c.sqlite"))
    assert again.generate(["hi"], SamplingParams()) == ["echo:hi"] and again.stats["cache_hits"] == 0


def test_nan_or_positive_log_probabilities_are_counted_failures_not_cached(tmp_path):
    from kun.llm import LLM
    from kun.llm.cache import RecordCache

    class Broken:
        name = "broken"

        def fingerprint(self):
            return "broken:1"

        def logprobs(self, pairs):
            return [float("nan"), 0.7, -1.5, float("inf")][: len(pairs)]

    llm = LLM(Broken(), RecordCache(tmp_path / "c.sqlite"))
    pairs = [([{"role": "user", "content": f"q{i}"}], "【好】") for i in range(4)]
    assert llm.logprobs(pairs) == [None, None, -1.5, None]
    assert llm.stats["invalid_results"] == 3
    again = LLM(Broken(), RecordCache(tmp_path / "c.sqlite"))
    again.logprobs(pairs)
    assert again.stats["cache_hits"] == 1  # only the valid value was cached
    probabilities = LLM(Broken(), RecordCache(tmp_path / "d.sqlite")).choice_probability(
        [[{"role": "user", "content": "q"}]], "【好】", "【差】"
    )
    assert probabilities == [None]  # never a score of 9.9e-305 from a NaN or a positive log-probability


# -- issue 25: every setting stated per server kind; log-probabilities by token ids ----------------

SAMPLED = SamplingParams(temperature=0.7, top_p=0.9, max_new_tokens=33, repetition_penalty=1.2, seed=5)
NEUTRAL_VLLM = {"top_k": -1, "min_p": 0.0, "repetition_penalty": 1.0}
GENERATION_FIELDS = {
    "vllm": {"top_k": -1, "min_p": 0.0, "repetition_penalty": 1.2},
    "sglang": {"top_k": -1, "min_p": 0.0, "repetition_penalty": 1.2},
    "llamacpp": {"top_k": 0, "min_p": 0.0, "repeat_penalty": 1.2},
    "transformers": {
        "generation_config": json.dumps(
            {"do_sample": True, "min_p": None, "repetition_penalty": 1.2, "top_k": 0}, sort_keys=True
        )
    },
}
LOGPROB_FIELDS = {  # greedy, one generated token, everything neutral and stated
    "vllm": {"temperature": 0.0, "top_p": 1.0, "max_tokens": 1, "seed": 0, **NEUTRAL_VLLM},
}
LLAMACPP_LOGPROB_FIELDS = {
    "temperature": 0.0,
    "top_p": 1.0,
    "max_tokens": 1,
    "seed": 0,
    "top_k": 0,
    "min_p": 0.0,
    "repeat_penalty": 1.0,
}


@pytest.mark.parametrize("server_kind", sorted(GENERATION_FIELDS))
def test_a_generation_request_states_every_sampling_setting_in_the_servers_names(server, server_kind):
    conversation = [{"role": "user", "content": "你好"}]
    assert texts(backend_for(server, server=server_kind).generate([conversation], SAMPLED)) == ["echo:你好"]
    body = server.requests[-1]["body"]
    assert [request["path"] for request in server.requests] == (
        ["/health"] if server_kind == "transformers" else []
    ) + ["/v1/chat/completions"]
    base = {
        "model": "tiny-model",
        "messages": conversation,
        "temperature": 0.7,
        "top_p": 0.9,
        "max_tokens": 33,
        "seed": record_seed(5, conversation),
    }
    assert body == {
        **base,
        **GENERATION_FIELDS[server_kind],
    }  # the whole body: nothing left for the server to fill in


def test_an_openai_api_server_gets_only_openai_fields_and_refuses_the_rest_before_sending(server):
    conversation = [{"role": "user", "content": "你好"}]
    backend_for(server, server="openai").generate([conversation], SamplingParams(temperature=0.7, seed=5))
    assert set(server.requests[-1]["body"]) == {
        "model",
        "messages",
        "temperature",
        "top_p",
        "max_tokens",
        "seed",
    }
    for refused in (SamplingParams(top_k=20), SamplingParams(min_p=0.1)):
        with pytest.raises(KunError, match="top_k/min_p"):
            backend_for(server, server="openai").generate(["x"], refused)
    assert server.attempts == 1


@pytest.mark.parametrize("server_kind", sorted(LOGPROB_FIELDS))
def test_verdict_perplexity_and_choice_requests_are_token_id_echoes_with_every_setting(
    server, tiny_model_dir, server_kind
):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    backend = backend_for(server, server=server_kind, tokenizer=str(tiny_model_dir))
    conversation = [{"role": "user", "content": "指令：写一首诗"}]
    backend.logprobs([(conversation, "【差】")])  # a verdict (差 is two byte tokens here)
    backend.logprobs([("问题：1+1=？\n答案：", "A")])  # a multiple-choice letter after a plain prompt
    backend.perplexity(["床前明月光，疑是地上霜。"])
    context = tokenizer.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True)
    expected_prompts = [
        tokenizer(context, add_special_tokens=False)["input_ids"]
        + tokenizer("【差】", add_special_tokens=False)["input_ids"],
        tokenizer("问题：1+1=？\n答案：", add_special_tokens=False)["input_ids"]
        + tokenizer("A", add_special_tokens=False)["input_ids"],
        tokenizer("床前明月光，疑是地上霜。", add_special_tokens=True)["input_ids"],
    ]
    for request, prompt in zip(server.requests, expected_prompts):
        assert request["path"] == "/v1/completions"
        assert request["body"] == {
            "model": "tiny-model",
            "prompt": prompt,
            "echo": True,
            "logprobs": 1,
            **LOGPROB_FIELDS[server_kind],
        }


def test_sglang_reads_prompt_log_probabilities_from_its_native_generate(server, tiny_model_dir):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    backend = backend_for(server, server="sglang", tokenizer=str(tiny_model_dir))
    conversation = [{"role": "user", "content": "指令：写一首诗"}]
    (value,) = backend.logprobs([(conversation, "【好】")])
    ids = tokenizer(
        tokenizer.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True),
        add_special_tokens=False,
    )["input_ids"]
    target = tokenizer("【好】", add_special_tokens=False)["input_ids"]
    request = server.requests[-1]
    assert request["path"] == "/generate"  # beside /v1, not under it; no text offsets needed
    assert request["body"] == {
        "input_ids": ids + target,
        "sampling_params": {
            "temperature": 0.0,
            "top_p": 1.0,
            "top_k": -1,
            "min_p": 0.0,
            "repetition_penalty": 1.0,
            "max_new_tokens": 1,
        },
        "return_logprob": True,
        "logprob_start_len": 0,
    }
    assert value == pytest.approx(sum(-((token % 10) + 1) / 10 for token in target))  # never a silent 0.0
    (perplexity,) = backend.perplexity(["学而时习之"])
    assert perplexity > 1.0


@pytest.mark.parametrize("echo_bos, usage", [(None, True), (1, True), (None, False)])
def test_the_continuation_is_the_echoes_last_prompt_tokens(server, tiny_model_dir, echo_bos, usage):
    """Read backwards from the generated tokens: a BOS the server adds, or a reply without usage,
    does not shift which log-probabilities count."""
    from transformers import AutoTokenizer

    server.echo_bos, server.report_usage = echo_bos, usage
    target = AutoTokenizer.from_pretrained(tiny_model_dir)("【差】", add_special_tokens=False)["input_ids"]
    (value,) = backend_for(server, tokenizer=str(tiny_model_dir)).logprobs(
        [([{"role": "user", "content": "问"}], "【差】")]
    )
    assert value == pytest.approx(sum(-((token % 10) + 1) / 10 for token in target))


@pytest.mark.parametrize("server_kind", ["transformers", "openai"])
def test_a_server_without_prompt_log_probabilities_is_refused_before_any_request(
    server, tiny_model_dir, server_kind
):
    backend = backend_for(server, server=server_kind, tokenizer=str(tiny_model_dir))
    for call in (lambda: backend.logprobs([("q", "A")]), lambda: backend.perplexity(["text"])):
        with pytest.raises(KunError, match=f"llm.server {server_kind} does not return"):
            call()
    assert server.attempts == 0


def test_without_the_served_models_tokenizer_a_logprob_request_is_refused_naming_the_setting(server):
    with pytest.raises(KunError, match="set llm.tokenizer"):
        backend_for(server).logprobs([("q", "A")])
    assert server.attempts == 0


@pytest.mark.parametrize("bad", [float("nan"), 0.5, "x"])
def test_an_odd_prompt_log_probability_is_a_failure(server, tiny_model_dir, bad):
    server.prompt_logprobs = lambda ids: [None] + [bad] * (len(ids) - 1)
    with pytest.raises(KunError, match="as the log-probability of prompt token"):
        backend_for(server, tokenizer=str(tiny_model_dir)).logprobs([("问", "答")])


def test_a_served_verdict_and_perplexity_equal_the_local_backends_on_the_same_weights(server, tiny_model_dir):
    """The server echoes what the same model computes for each token: the served verdict (P(【好】)
    against P(【差】), 差 split over byte tokens) and perplexity then equal the local ones."""
    import torch

    from kun.llm import LLM
    from kun.llm.cache import RecordCache
    from kun.llm.transformers_backend import TransformersBackend

    local = TransformersBackend(tiny_model_dir, device="cpu")

    def forward(ids: list[int]) -> list[float | None]:
        with torch.inference_mode():
            logits = local.model(input_ids=torch.tensor([ids])).logits[0].float()
        values = torch.log_softmax(logits, dim=-1)[:-1].gather(1, torch.tensor(ids[1:])[:, None])[:, 0]
        return [None] + values.tolist()

    server.prompt_logprobs = forward
    served = LLM(backend_for(server, tokenizer=str(tiny_model_dir)), RecordCache(None))
    here = LLM(local, RecordCache(None))
    conversations = [
        [{"role": "user", "content": f"指令：写一首关于{topic}的诗"}]
        for topic in ("春天", "长城", "黄河", "明月")
    ]
    served_scores = served.choice_probability(conversations, "【好】", "【差】")
    local_scores = here.choice_probability(conversations, "【好】", "【差】")
    assert None not in served_scores and served_scores == pytest.approx(local_scores, abs=1e-4)
    texts_ = ["学而时习之，不亦说乎？", "床前明月光，疑是地上霜。"]
    assert served.perplexity(texts_) == pytest.approx(here.perplexity(texts_), rel=1e-4)
    assert (
        served.stats["prompt_tokens"] > 0 and served.stats["uncounted_requests"] == 0
    )  # counted in the ledger


def test_a_transformers_serve_older_than_transformers_5_is_refused_before_any_generation(server):
    """An older server replaced the model's whole generation config with a request's
    generation_config (end-of-sequence ids included)."""
    server.health = False
    with pytest.raises(KunError, match="predates transformers 5"):
        backend_for(server, server="transformers").generate(["hi"], SamplingParams(repetition_penalty=1.2))
    assert [request["path"] for request in server.requests] == ["/health"]


def test_llamacpp_gets_text_led_by_bos_and_its_echo_is_mapped_back_past_skipped_bos_tokens(
    server, tiny_model_dir
):
    """llama-cpp-python's server takes text only, leaves BOS tokens out of the echo and reads the
    positions right only when the prompt starts with BOS: chat prompts of a model whose BOS opens
    its template work; a plain prompt (perplexity, multiple choice) is refused before sending."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    server.text_tokenizer = tokenizer
    backend = backend_for(server, server="llamacpp", tokenizer=str(tiny_model_dir))
    conversation = [
        {"role": "system", "content": "简短"},
        {"role": "user", "content": "指令：写一首诗"},
    ]  # three BOS (<|im_start|>) tokens
    (value,) = backend.logprobs([(conversation, "【差】")])
    context = tokenizer.apply_chat_template(conversation, tokenize=False, add_generation_prompt=True)
    target = tokenizer("【差】", add_special_tokens=False)["input_ids"]
    assert value == pytest.approx(sum(-((token % 10) + 1) / 10 for token in target))
    assert server.requests[-1]["body"] == {
        "model": "tiny-model",
        "prompt": context + "【差】",
        "echo": True,
        "logprobs": 1,
        **LLAMACPP_LOGPROB_FIELDS,
    }
    before = server.attempts
    for call in (
        lambda: backend.logprobs([("问题：1+1=？\n答案：", "A")]),
        lambda: backend.perplexity(["床前明月光"]),
    ):
        with pytest.raises(KunError, match="one position off unless the prompt starts with the BOS token"):
            call()
    assert server.attempts == before
    (perplexity,) = backend.perplexity([context])  # a text that starts with BOS is measured
    ids = tokenizer(context, add_special_tokens=True)["input_ids"]
    counted = [
        -((token % 10) + 1) / 10
        for index, token in enumerate(ids)
        if index >= 2 and token != tokenizer.bos_token_id
    ]  # after the text's first token; BOS tokens have no echo
    assert perplexity == pytest.approx(math.exp(-sum(counted) / len(counted)))


def test_one_retry_layer_bounds_the_requests_for_one_prompt(server):
    """Busy answers and empty answers share one budget: max_retries + 1 requests in all (a retry
    loop for empty content around the client's own would send (max_retries + 1) squared)."""
    empty = {"choices": [{"index": 0, "message": {"role": "assistant", "content": ""}}]}
    server.script = [
        ("status", 503, error_body("busy"), {}),
        ("status", 200, empty, {}),
        ("status", 503, error_body("busy"), {}),
    ]
    with pytest.raises(KunError, match="failed after 3 attempts"):
        backend_for(server, max_retries=2).generate(["hi"], SamplingParams())
    assert server.attempts == 3


def test_connections_are_pooled_and_reused(server):
    server.keep_alive = True
    backend = backend_for(server, max_concurrency=2)
    for batch in range(3):
        assert texts(backend.generate([f"q{batch}-{index}" for index in range(6)], SamplingParams())) == [
            f"echo:q{batch}-{index}" for index in range(6)
        ]
    assert server.attempts == 18 and len(server.client_ports) <= 2  # 18 requests over at most 2 connections
