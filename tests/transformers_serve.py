"""Start `transformers serve` (the OpenAI-compatible server inside transformers 5) on 127.0.0.1.

Used by the slow server test and by benchmarks/bench_generate.py. Without `continuous_batching`
the server runs one `generate` per request, honouring each request's sampling settings; with it,
transformers 5.x drops the repetition penalty and keeps the first request's generation settings
for every later one (see README, "Serving the models").
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_server(
    command: list[str], probe_url: str, name: str, log: Path | None, start_timeout_s: float
) -> Iterator[None]:
    """Run `command` until the block ends; ready once `probe_url` answers (a clear error naming
    the log if the server exits or stays silent)."""
    with open(log or "/dev/null", "w") as sink:
        server = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + start_timeout_s
            while True:
                if server.poll() is not None:
                    raise RuntimeError(f"{name} exited with {server.returncode}; log: {log}")
                try:
                    urllib.request.urlopen(probe_url, timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError(
                            f"{name} did not answer {probe_url} within {start_timeout_s:.0f} s; log: {log}"
                        ) from None
                    time.sleep(0.5)
            yield
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


@contextlib.contextmanager
def transformers_serve(
    model_dir: Path, continuous_batching: bool = False, log: Path | None = None, start_timeout_s: float = 180
) -> Iterator[str]:
    """Yield the /v1 base URL of a running server for `model_dir`; stop it on exit."""
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("transformers")),
        "serve",
        str(Path(model_dir).resolve()),
        "--device",
        "cpu",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    if continuous_batching:
        command.append("--continuous-batching")
    with running_server(
        command,
        f"http://127.0.0.1:{port}/health",
        "transformers serve (pip install 'transformers[serving]')",
        log,
        start_timeout_s,
    ):
        yield f"http://127.0.0.1:{port}/v1"
