"""JSON over HTTP for served models: one POST with retries, and error messages a user can act on.

HTTP 429, 5xx, timeouts and dropped connections are retried with exponential backoff and
jitter (honouring Retry-After, capped by max_backoff_s); any other 4xx fails at once with one
line naming the status, the URL, the server's message and what to check.
"""

from __future__ import annotations

import datetime
import email.utils
import http.client
import json
import math
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Callable, TypeVar

from kun.core.errors import KunError, redact, register_secret
from kun.core.progress import bar
from kun.llm.base import OnResult

T = TypeVar("T")
R = TypeVar("R")

RETRYABLE_ERRORS = (OSError, http.client.HTTPException)  # URLError, timeouts, resets, IncompleteRead
MAX_MESSAGE_CHARS = 300


class _RetryableHTTPStatus(Exception):
    """A 429 or 5xx answer; carries the Retry-After delay the server asked for, if any."""

    def __init__(self, status: int, message: str, retry_after_s: float | None) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.retry_after_s = retry_after_s


class JsonClient:
    """POSTs JSON to one server, with the key, timeout and retry policy of a backend."""

    def __init__(
        self,
        api_key: str | None,
        api_key_env: str | None,
        model: str,
        timeout_s: float,
        max_retries: int,
        backoff_s: float,
        max_backoff_s: float,
        local: bool,
    ) -> None:
        self.api_key, self.api_key_env, self.model = api_key, api_key_env, model
        register_secret(api_key)
        self.timeout_s, self.max_retries = timeout_s, max_retries
        # No wait between retries exceeds the deadline of one request.
        self.backoff_s, self.max_backoff_s = backoff_s, min(max_backoff_s, timeout_s)
        # A proxy from the environment can never reach this machine's loopback server.
        self._local = local
        # Jitter spreads out retries of concurrent requests; seeded so test runs are reproducible.
        self._random = random.Random(0)
        self._random_lock = threading.Lock()

    def post(
        self,
        url: str,
        body: dict[str, Any] | None,
        retry_if: Callable[[dict[str, Any]], str | None] | None = None,
    ) -> dict[str, Any]:
        """POST `body` as JSON (GET when it is None) and return the JSON reply, retrying 429, 5xx,
        network errors and replies for which `retry_if` names a reason (an empty answer): one
        retry layer, at most max_retries + 1 requests in all. Every message that leaves this
        class has the API key blanked out."""
        try:
            return self._send_with_retries(url, body, retry_if)
        except KunError as error:
            raise KunError(redact(str(error))) from None  # a server may echo the Authorization header

    def get(self, url: str) -> dict[str, Any]:
        """GET `url` (a server's health or version probe)."""
        return self.post(url, None)

    def _send_with_retries(
        self, url: str, body: dict[str, Any] | None, retry_if: Callable[[dict[str, Any]], str | None] | None
    ) -> dict[str, Any]:
        attempts = self.max_retries + 1
        last_error = ""
        for attempt in range(attempts):
            retry_after_s: float | None = None
            try:
                reply = self._send_once(url, body)
                last_error = retry_if(reply) if retry_if is not None else None
                if not last_error:
                    return reply
            except _RetryableHTTPStatus as error:
                last_error = str(error)
                retry_after_s = error.retry_after_s
            except RETRYABLE_ERRORS as error:
                last_error = _describe_network_error(error)
            if attempt + 1 < attempts:
                time.sleep(self._delay(attempt, retry_after_s))
        raise KunError(
            f"{'GET' if body is None else 'POST'} {url} failed after {attempts} attempts; last error: {last_error}"
        )

    def _send_once(self, url: str, body: dict[str, Any] | None) -> dict[str, Any]:
        """One request: POST `body` as JSON, or GET when `body` is None."""
        method = "GET" if body is None else "POST"
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        deadline = _Deadline(self.timeout_s)
        opener = urllib.request.build_opener(
            *([urllib.request.ProxyHandler({})] if self._local else []), *deadline.handlers()
        )
        try:
            with deadline, opener.open(request, timeout=self.timeout_s) as response:
                raw = self._read_before_deadline(response, deadline.at)
        except urllib.error.HTTPError as error:
            status = error.code
            try:
                error_body = error.read()
            except RETRYABLE_ERRORS:
                error_body = b""
            message = _server_message(error_body) or error.reason or ""
            if status == 429 or status >= 500:
                raise _RetryableHTTPStatus(status, message, _retry_after_s(error.headers)) from None
            hint = _hint(status, self.api_key_env, self.model)
            raise KunError(
                f"HTTP {status} from {method} {url}: {message}" + (f"; {hint}" if hint else "")
            ) from None
        try:
            return json.loads(raw)
        except ValueError:
            raise KunError(
                f"{method} {url} returned a body that is not JSON: {clip(raw.decode('utf-8', 'replace'))}"
            ) from None

    @staticmethod
    def _read_before_deadline(response: Any, deadline: float) -> bytes:
        """The body, in pieces, failing (retryably) once `deadline` passes: `timeout_s` bounds the
        whole reply, not only the wait for each byte (a server dripping one byte a second would
        otherwise hold the request forever)."""
        parts = []
        while True:
            if time.monotonic() > deadline:
                raise TimeoutError("the reply did not finish within timeout_s")
            part = response.read1(65536) if hasattr(response, "read1") else response.read(65536)
            if not part:
                return b"".join(parts)
            parts.append(part)

    def _delay(self, attempt: int, retry_after_s: float | None) -> float:
        if retry_after_s is not None:
            return min(retry_after_s, self.max_backoff_s)
        delay = min(self.backoff_s * 2**attempt, self.max_backoff_s)
        with self._random_lock:
            return delay * (1.0 + 0.1 * self._random.random())


class _Deadline:
    """The whole exchange (connect, status line, headers, body) ends by `seconds` from now: a
    timer shuts down the connection's socket at the deadline, so a server that drips its status
    line one byte at a time cannot hold a request past timeout_s (a socket timeout only bounds
    each wait for a byte)."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self._connections: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()
        self._expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def handlers(self) -> list[urllib.request.BaseHandler]:
        deadline = self

        def connection(cls):
            def make(*args: Any, **kwargs: Any) -> http.client.HTTPConnection:
                made = cls(*args, **kwargs)
                with deadline._lock:
                    deadline._connections.append(made)
                return made

            return make

        class Plain(urllib.request.HTTPHandler):
            def http_open(self, req):  # noqa: ANN001
                return self.do_open(connection(http.client.HTTPConnection), req)

        class Secure(urllib.request.HTTPSHandler):
            def https_open(self, req):  # noqa: ANN001
                return self.do_open(connection(http.client.HTTPSConnection), req, context=self._context)

        return [Plain(), Secure()]

    def _expire(self) -> None:
        with self._lock:
            self._expired = True
            for made in self._connections:
                if made.sock is not None:
                    try:
                        made.sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

    def __enter__(self) -> "_Deadline":
        self._timer.start()
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        self._timer.cancel()
        if (
            self._expired
            and kind is not None
            and issubclass(kind, RETRYABLE_ERRORS)
            and not issubclass(kind, urllib.error.HTTPError)
        ):
            raise TimeoutError("the reply did not finish within timeout_s") from None


def _retry_after_s(headers: Any) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date (RFC 9110); None if absent or unreadable."""
    value = headers.get("Retry-After") if headers is not None else None
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        seconds = max(0.0, (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds())
    return seconds if seconds >= 0 and math.isfinite(seconds) else None


def _server_message(raw: bytes) -> str:
    """The error message from an OpenAI ({"error": {"message"}}), vLLM ({"message"}) or TGI
    ({"error": "..."}) error body, else the body itself, clipped to one line."""
    text = raw.decode("utf-8", "replace")
    try:
        payload = json.loads(text)
    except ValueError:
        return clip(text)
    if isinstance(payload, dict):
        error = payload.get("error")
        if isinstance(error, dict) and error.get("message"):
            return clip(str(error["message"]))
        if isinstance(error, str) and error:
            return clip(error)
        if payload.get("message"):
            return clip(str(payload["message"]))
    return clip(text)


def _hint(status: int, api_key_env: str | None, model: str) -> str:
    if status in (401, 403):
        if api_key_env is None:
            return "the server wants an API key: set api_key_env to the name of an environment variable holding it"
        return f"check that the environment variable {api_key_env} holds a valid API key for this server"
    if status == 404:
        return f"check base_url (it usually ends in /v1) and that the server serves model {model!r}"
    if status in (400, 422):
        return "the server rejected the request: check the sampling params and that the prompt fits the model's context"
    return ""


def _describe_network_error(error: BaseException) -> str:
    if isinstance(error, urllib.error.URLError) and not isinstance(error, urllib.error.HTTPError):
        error = error.reason if isinstance(error.reason, BaseException) else error
    if isinstance(error, (TimeoutError, socket.timeout)):
        return "timed out (raise timeout_s if the server is just slow)"
    return clip(f"{type(error).__name__}: {error}")


def clip(text: str) -> str:
    """One line of at most MAX_MESSAGE_CHARS, secrets blanked before the cut."""
    one_line = " ".join(redact(str(text)).split())
    return one_line if len(one_line) <= MAX_MESSAGE_CHARS else one_line[: MAX_MESSAGE_CHARS - 3] + "..."


def map_concurrently(
    function: Callable[[T], R], items: list[T], max_concurrency: int, desc: str, on_result: OnResult = None
) -> list[R]:
    """`function` over `items` with at most `max_concurrency` in flight, results in input order;
    `on_result(position, result)` is called (on this thread) for each as it arrives, and on a
    failure for every request that succeeded, so the caller can keep them."""
    if not items:
        return []
    failure: BaseException | None = None
    results: list[Any] = [None] * len(items)
    reported: set[int] = set()
    with (
        ThreadPoolExecutor(max_workers=min(max_concurrency, len(items))) as pool,
        bar(len(items), desc) as progress,
    ):
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
    if (
        isinstance(failure, KunError) and on_result is not None
    ):  # requests in flight have finished now: hand over their answers too
        for future, position in futures.items():
            if (
                position not in reported
                and future.done()
                and not future.cancelled()
                and future.exception() is None
            ):
                on_result(position, future.result())
    if failure is not None:
        raise failure
    return results
