"""Run a Python script in a child process and `kill -9` it once the LLM cache holds enough records."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from kun.llm.cache import RecordCache

REPO = Path(__file__).resolve().parent.parent


def records(cache: Path) -> int:
    store = RecordCache(cache)
    try:
        return len(store)
    finally:
        store.close()


def kill_once_cached(script: str, cache: Path, at_least: int, timeout_s: float = 60.0) -> int:
    """Start `script` (Python source), SIGKILL it as soon as `cache` holds `at_least` records
    while it still runs, and return the records on disk after the kill. Fails when the child
    ends first (its stderr is shown) or the records never come within `timeout_s`."""
    records(cache)  # create the file, so the child and this process share one schema
    path = cache.with_suffix(".run.py")
    path.write_text(script, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, str(path)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + timeout_s
        while records(cache) < at_least and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert process.poll() is None, process.stderr.read().decode()  # still inside its one chunk
        assert records(cache) >= at_least, f"fewer than {at_least} records after {timeout_s} s"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        process.kill()
        process.stderr.close()
    return records(cache)
