"""JSON over HTTP for served models: one POST with retries, and error messages a user can act on.

Requests go through one pooled httpx client per backend (httpx2, the HTTP client huggingface_hub
and openai use): connections are kept alive and reused, at most `max_connections` at a time, with
httpx's phase timeouts (connect, read, write, pool). On top of it kun keeps three things:
- one retry layer: HTTP 429, 5xx, timeouts and dropped connections are retried with exponential
  backoff and jitter (honouring Retry-After, capped by max_backoff_s); httpx itself retries nothing;
- a deadline for the whole exchange: connect, status line, headers and body end within
  `timeout_s`, so a server that drips its reply one byte at a time cannot hold a request (httpx's
  read timeout bounds each wait for a byte). The client runs on its own event loop thread, where
  `asyncio.timeout` cancels the exchange at the deadline;
- messages: any other 4xx fails at once with one line naming the status, the URL, the server's
  message and what to check, and no message carries the API key.
"""

from __future__ import annotations

import asyncio
import datetime
import email.utils
import json
import math
import random
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, Callable, TypeVar

import httpx2 as httpx

from kun.core.errors import KunError, redact, register_secret
from kun.core.progress import bar
from kun.llm.base import OnResult

T = TypeVar("T")
R = TypeVar("R")

MAX_MESSAGE_CHARS = 300
CONNECT_TIMEOUT_S = 10.0  # a server that does not accept within this is down, however long replies may take


class _Retryable(Exception):
    """A failed attempt worth repeating: a 429 or 5xx (with the Retry-After the server asked for,
    if any), a timeout or a network error."""

    def __init__(self, message: str, retry_after_s: float | None = None) -> None:
        super().__init__(message)
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
        max_connections: int = 8,
    ) -> None:
        self.api_key, self.api_key_env, self.model = api_key, api_key_env, model
        register_secret(api_key)
        self.timeout_s, self.max_retries = timeout_s, max_retries
        # No wait between retries exceeds the deadline of one request.
        self.backoff_s, self.max_backoff_s = backoff_s, min(max_backoff_s, timeout_s)
        # A proxy from the environment can never reach this machine's loopback server.
        self._local = local
        self.max_connections = max_connections
        # Jitter spreads out retries of concurrent requests; seeded so test runs are reproducible.
        self._random = random.Random(0)
        self._random_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: httpx.AsyncClient | None = None

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        """The client's event loop, started on first use in a daemon thread, with the pooled client."""
        with self._start_lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="kun-http", daemon=True).start()
                self._client = httpx.AsyncClient(
                    timeout=httpx.Timeout(self.timeout_s, connect=min(CONNECT_TIMEOUT_S, self.timeout_s)),
                    limits=httpx.Limits(
                        max_connections=self.max_connections, max_keepalive_connections=self.max_connections
                    ),
                    trust_env=not self._local,
                )
                self._loop = loop
            return self._loop

    def __del__(self) -> None:  # the loop thread ends with its client; sockets close with it
        loop = getattr(self, "_loop", None)
        if loop is not None:
            try:
                loop.call_soon_threadsafe(loop.stop)
            except RuntimeError:  # the loop is already closed (interpreter shutdown)
                pass

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
        loop = self._event_loop()
        try:
            return asyncio.run_coroutine_threadsafe(
                self._send_with_retries(url, body, retry_if), loop
            ).result()
        except KunError as error:
            raise KunError(redact(str(error))) from None  # a server may echo the Authorization header

    def get(self, url: str) -> dict[str, Any]:
        """GET `url` (a server's health or version probe)."""
        return self.post(url, None)

    async def _send_with_retries(
        self, url: str, body: dict[str, Any] | None, retry_if: Callable[[dict[str, Any]], str | None] | None
    ) -> dict[str, Any]:
        attempts = self.max_retries + 1
        last_error = ""
        for attempt in range(attempts):
            retry_after_s: float | None = None
            try:
                reply = await self._send_once(url, body)
                last_error = retry_if(reply) if retry_if is not None else None
                if not last_error:
                    return reply
            except _Retryable as error:
                last_error = str(error)
                retry_after_s = error.retry_after_s
            if attempt + 1 < attempts:
                await asyncio.sleep(self._delay(attempt, retry_after_s))
        raise KunError(
            f"{'GET' if body is None else 'POST'} {url} failed after {attempts} attempts; last error: {last_error}"
        )

    async def _send_once(self, url: str, body: dict[str, Any] | None) -> dict[str, Any]:
        """One request: POST `body` as JSON, or GET when `body` is None, within timeout_s in all."""
        method = "GET" if body is None else "POST"
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        content = None if body is None else json.dumps(body).encode("utf-8")
        assert self._client is not None
        try:
            async with asyncio.timeout(self.timeout_s):
                response = await self._client.request(method, url, content=content, headers=headers)
        except (TimeoutError, httpx.TimeoutException):
            raise _Retryable("timed out (raise timeout_s if the server is just slow)") from None
        except httpx.TransportError as error:
            raise _Retryable(clip(f"{type(error).__name__}: {error}")) from None
        raw = response.content
        status = response.status_code
        if status >= 400:
            message = _server_message(raw) or response.reason_phrase or ""
            if status == 429 or status >= 500:
                raise _Retryable(f"HTTP {status}: {message}", _retry_after_s(response.headers))
            hint = _hint(status, self.api_key_env, self.model)
            raise KunError(f"HTTP {status} from {method} {url}: {message}" + (f"; {hint}" if hint else ""))
        try:
            return json.loads(raw)
        except ValueError:
            raise KunError(
                f"{method} {url} returned a body that is not JSON: {clip(raw.decode('utf-8', 'replace'))}"
            ) from None

    def _delay(self, attempt: int, retry_after_s: float | None) -> float:
        if retry_after_s is not None:
            return min(retry_after_s, self.max_backoff_s)
        delay = min(self.backoff_s * 2**attempt, self.max_backoff_s)
        with self._random_lock:
            return delay * (1.0 + 0.1 * self._random.random())


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
