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
        self.script: list[tuple] = []  # ("status", code, json, headers) | ("raw", code, bytes) | ("sleep", s) | ("drop",)
        self.requests: list[dict] = []  # path, headers, body of every request received
        self.in_flight = 0
        self.max_in_flight = 0
        self.reply_delay_s = 0.0
        self.top_logprobs = [("A", -0.1), (" B", -2.5), ("C", -4.0)]
        self.chat_steps: list[list[tuple[str, float]]] | None = None  # several reply positions; the first token of each is the greedy one
        self.extra_generated_token = False  # simulate a server that ignores max_tokens=0
        handler = type("Handler", (_Handler,), {"fake": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def attempts(self) -> int:
        return len(self.requests)

    def next_fault(self) -> tuple | None:
        with self.lock:
            return self.script.pop(0) if self.script else None

    def reply(self, path: str, body: dict) -> dict:
        if path == "/v1/completions":
            return self.completion_reply(body)
        if body.get("logprobs"):
            steps = (self.chat_steps or [self.top_logprobs])[: body.get("max_tokens", 1)]
            content = [{"token": step[0][0], "logprob": step[0][1], "top_logprobs": [{"token": token, "logprob": logprob} for token, logprob in step]} for step in steps]
            return {"choices": [{"message": {"role": "assistant", "content": "".join(step[0][0] for step in steps)}, "logprobs": {"content": content}}]}
        last_user = [message["content"] for message in body["messages"] if message["role"] == "user"][-1]
        # Deliberately ignores "stop", so the client-side cut is what the tests see.
        return {"choices": [{"index": 0, "message": {"role": "assistant", "content": "echo:" + last_user}}]}

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
        logprobs = {"tokens": tokens, "token_logprobs": token_logprobs, "text_offset": offsets, "top_logprobs": None}
        return {"choices": [{"index": 0, "text": "".join(tokens), "logprobs": logprobs}]}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeOpenAIServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # keep test output clean
        pass

    def do_POST(self):
        fake = self.fake
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        with fake.lock:
            fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            fake.in_flight += 1
            fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
        fault = fake.next_fault()
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
        elif fault is not None and fault[0] == "drip_head":  # the status line itself, one byte every fault[1] s
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
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
            pass
        self.close_connection = True


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
        assert (body["model"], body["temperature"], body["top_p"], body["max_tokens"], body["seed"]) == ("tiny-model", 0.7, 0.9, 33, record_seed(5, prompt))
        assert "stop" not in body and "repetition_penalty" not in body
    assert texts(backend.generate([], sampling)) == []


def test_repetition_penalty_sent_only_when_not_one(server):
    backend = backend_for(server)
    backend.generate(["x"], SamplingParams(repetition_penalty=1.1))
    assert server.requests[-1]["body"]["repetition_penalty"] == 1.1


def test_stop_strings_are_sent_and_applied(server):
    backend = backend_for(server)
    replies = texts(backend.generate(["one END two", "a\n\nb", "no marker"], SamplingParams(stop=("END", "\n\n"))))
    assert replies == ["echo:one", "echo:a", "echo:no marker"]  # cut at the marker, ends stripped as every backend does
    assert all(request["body"]["stop"] == ["END", "\n\n"] for request in server.requests)


def test_concurrent_requests_keep_input_order_and_respect_the_limit(server):
    server.reply_delay_s = 0.05  # long enough that requests overlap
    backend = backend_for(server, max_concurrency=4)
    prompts = [f"prompt {index}" for index in range(24)]
    assert texts(backend.generate(prompts, SamplingParams())) == [f"echo:prompt {index}" for index in range(24)]
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
    vllm_style = {"object": "error", "message": "max_tokens must be at least 1, got 0.", "type": "BadRequestError", "code": 400}
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
    server.script = [("status", 401, error_body("Invalid API key: Bearer sk-wrong"), {})]  # a server that echoes the key
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


def test_string_logprobs_sum_only_continuation_tokens(server):
    backend = backend_for(server)
    # Tokens: "The"(None) " capital"(-1) " is"(-2) " Paris"(-3) " indeed."(-4)
    pairs = [("The capital is", " Paris indeed."), ("", "Hello world"), ("One two", "")]
    assert backend.logprobs(pairs) == [-7.0, -1.0, 0.0]
    request = server.requests[0]
    assert request["path"] == "/v1/completions"
    assert {key: request["body"][key] for key in ("max_tokens", "echo", "logprobs")} == {"max_tokens": 0, "echo": True, "logprobs": 1}
    assert sorted(r["body"]["prompt"] for r in server.requests) == sorted(p + c for p, c in pairs)


def test_string_logprobs_skip_tokens_a_server_generated_anyway(server):
    server.extra_generated_token = True
    assert backend_for(server).logprobs([("The capital is", " Paris")]) == [-3.0]


def test_chat_logprobs_from_top_logprobs(server):
    backend = backend_for(server)
    conversation = [{"role": "user", "content": "Answer A, B or C."}]
    present, stripped, absent = backend.logprobs([(conversation, "A"), (conversation, "B"), (conversation, "D")])
    assert present == pytest.approx(-0.1)
    assert stripped == pytest.approx(-2.5)  # " B" matches "B" after stripping whitespace
    assert absent is None  # not among the top log-probabilities: no guess
    body = server.requests[0]["body"]
    assert (body["max_tokens"], body["temperature"], body["logprobs"], body["top_logprobs"]) == (1, 0.0, True, 20)


def test_chat_logprobs_of_a_bracketed_verdict_follow_the_greedy_reply(server):
    server.chat_steps = [[("【", -0.05), ("这", -3.0)], [("好", -0.2), ("差", -1.8)], [("】", -0.01), ("，", -5.0)]]
    conversation = [{"role": "user", "content": "判断："}]
    good, bad = backend_for(server).logprobs([(conversation, "【好】"), (conversation, "【差】")])
    assert good == pytest.approx(-0.05 - 0.2 - 0.01)
    assert bad == pytest.approx(-0.05 - 1.8)  # the greedy reply leaves 【差】 at its second token


def test_focused_score_without_verdict_tokens_is_unscorable_and_never_kept(server):
    """A server whose top tokens hold neither verdict gives a null score, not 0.5."""
    import polars as pl

    from kun.instructions.curate import FilterParams, curate
    from kun.llm import LLM
    from kun.core.records import CANDIDATE_SCHEMA
    from kun.instructions.score import ScoreParams, score

    server.chat_steps = [[("这", -0.1), ("那", -2.0), ("我", -3.0)]]
    rows = [{"candidate_id": f"c{i}", "segment_id": f"s{i}", "source": "x", "candidate_index": 0, "segment": "段", "instruction": f"什么是光合作用{i}？", "label_model": "m", "label_prompt_version": "v"} for i in range(3)]
    scored, metrics = score(pl.DataFrame(rows, schema=CANDIDATE_SCHEMA), ScoreParams(verdict="logprob"), LLM(backend_for(server)))
    assert scored.get_column("score").to_list() == [None, None, None] and set(scored.get_column("score_error")) == {"unscorable"}
    assert metrics["unparsable"] == 3
    kept, _, filtered = curate(scored, FilterParams(min_score=0.5))
    assert kept.height == 0 and filtered["rejected"]["unscorable"] == 3
    server.chat_steps = [[("【", -0.1)], [("好", -0.3), ("差", -0.9)], [("】", -0.01)]]
    rescored, _ = score(pl.DataFrame(rows, schema=CANDIDATE_SCHEMA).with_columns(pl.col("instruction") + "。"), ScoreParams(verdict="logprob"), LLM(backend_for(server)))
    assert all(0.5 < value < 1.0 for value in rescored.get_column("score"))


def test_logprobs_keep_input_order_across_both_paths(server):
    backend = backend_for(server, max_concurrency=3)
    conversation = [{"role": "user", "content": "?"}]
    pairs = [("a b", " c"), (conversation, "A"), ("a", " b c"), (conversation, "Z")]
    values = backend.logprobs(pairs)
    assert values[:3] == pytest.approx([-2.0, -0.1, -3.0]) and values[3] is None


def test_logprob_judge_reads_one_letter_and_never_defaults(server):
    from kun.evaluation.judge import judge_pairwise
    from kun.llm import LLM

    server.top_logprobs = [("B", -0.2), ("A", -1.5), ("C", -3.0)]  # the judge prefers whichever answer is shown second
    result = judge_pairwise(LLM(backend_for(server)), ["问题一", "问题二"], ["甲的回答", "甲的另一个回答"], ["乙的回答", "乙的另一个回答"], mode="logprob")
    assert result["judged"] == 2 and result["position_inconsistent"] == 2 and result["ties"] == 2
    assert all(request["body"]["messages"][-1]["content"].rstrip().endswith("C 表示两者相当。") for request in server.requests)
    server.top_logprobs = [("我", -0.1), ("这", -2.0)]  # no letter among the top tokens: no verdict, not "1"
    unreadable = judge_pairwise(LLM(backend_for(server)), ["问题三"], ["甲"], ["乙"], mode="logprob")
    assert unreadable["judged"] == 0 and unreadable["unparsable"] == 1 and unreadable["reply_errors"] == {"no_verdict_token": 2}


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


@pytest.mark.parametrize("server_kind, expected", [("vllm", {"repetition_penalty": 1.2}), ("sglang", {"repetition_penalty": 1.2}), ("transformers", {"frequency_penalty": pytest.approx(0.2)})])
def test_repetition_penalty_goes_where_each_server_reads_it(server, server_kind, expected):
    backend = backend_for(server, server=server_kind)
    assert texts(backend.generate(["hi"], SamplingParams(repetition_penalty=1.2))) == ["echo:hi"]
    body = server.requests[-1]["body"]
    assert {key: body[key] for key in expected} == expected
    assert "repetition_penalty" not in body or server_kind != "transformers"  # transformers serve rejects the field (HTTP 422)


def test_an_openai_api_server_refuses_a_repetition_penalty_before_sending(server):
    with pytest.raises(KunError, match="repetition_penalty 1.2 cannot be sent"):
        backend_for(server, server="openai").generate(["hi"], SamplingParams(repetition_penalty=1.2))
    assert server.attempts == 0
    with pytest.raises(KunError, match="llm.server 'tgi'"):
        backend_for(server, server="tgi")


def test_a_server_without_logprobs_makes_the_verdict_unscorable_not_an_error(server, capsys):
    from kun.llm import LLM
    from kun.llm.cache import RecordCache

    no_logprobs = {"choices": [{"index": 0, "message": {"role": "assistant", "content": "【好】"}}]}  # transformers serve's reply
    server.script = [("status", 200, no_logprobs, {})] * 4
    llm = LLM(backend_for(server), RecordCache(None))
    assert llm.choice_probability([[{"role": "user", "content": "指令：写一首诗"}]] * 1, "【好】", "【差】") == [None]
    assert "unscorable" in capsys.readouterr().err


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
    server.script = [("status", 500, error_body("y" * 280 + f" Bearer {KEY}"), {})]  # unredacted, 9 characters of it would survive the cut
    with pytest.raises(KunError) as caught:
        backend.generate(["cut key"], SamplingParams())
    message = redact(str(caught.value))
    assert KEY[:6] not in message and "Bearer ***" in message


def test_the_no_logprobs_warning_blanks_the_key(server, monkeypatch, capsys):
    monkeypatch.setenv("KUN_TEST_KEY", KEY)
    backend = backend_for(server, api_key_env="KUN_TEST_KEY", max_retries=0)
    server.script = [("raw", 200, json.dumps({"choices": [{"message": {"content": "好"}, "logprobs": None}], "echo": KEY}).encode())]
    backend.logprobs([([{"role": "user", "content": "评分"}], "【好】")])
    err = capsys.readouterr().err
    assert "warning:" in err and KEY not in err and "***" in err


@pytest.mark.parametrize("value", ["sk-live-0123456789abcdef", "my key", "1ABC"])
def test_an_api_key_env_that_is_not_a_variable_name_is_refused_without_echoing_it(value):
    from kun.core.params import from_mapping
    from kun.llm.params import LLMParams

    with pytest.raises(KunError) as caught:
        from_mapping(LLMParams, {"api_key_env": value}, "llm")
    assert "llm.api_key_env" in str(caught.value) and value not in str(caught.value)


# -- issue 24, items 4 and 8: odd replies are failures, never cached answers --------------------------


@pytest.mark.parametrize("content, message", [("", "empty content"), (42, "returned a int as"), (["a", "b"], "returned a list as")])
def test_empty_or_non_text_content_is_a_failure_and_is_not_cached(server, tmp_path, content, message):
    from kun.llm import LLM
    from kun.llm.cache import RecordCache

    reply = {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
    server.script = [("status", 200, reply, {})] * (3 if content == "" else 1)  # empty content is retried, odd types are not
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
    probabilities = LLM(Broken(), RecordCache(tmp_path / "d.sqlite")).choice_probability([[{"role": "user", "content": "q"}]], "【好】", "【差】")
    assert probabilities == [None]  # never a score of 9.9e-305 from a NaN or a positive log-probability
