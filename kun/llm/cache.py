"""Persistent per-record cache of LLM results (SQLite), so no call is ever paid for twice.

Keyed by sha256 of (model fingerprint, kind, backend-independent prompt text, sampling params).
A stage killed half-way resumes where it stopped; a rerun whose inputs did not change costs no
model call. Each batch is committed in one transaction (WAL mode), so a crash leaves the cache
consistent. The file lives in `.kun_cache/` (or $KUN_CACHE_DIR), outside DVC outputs, so DVC
never deletes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable

DEFAULT_DIR = ".kun_cache"


def cache_dir() -> Path:
    return Path(os.environ.get("KUN_CACHE_DIR", DEFAULT_DIR))


def cache_key(fingerprint: str, kind: str, prompt: str, params: str) -> str:
    payload = json.dumps([fingerprint, kind, prompt, params], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class RecordCache:
    """A key -> JSON value store; `get_many` / `put_many` work on whole batches."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else cache_dir() / "llm.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(self.path, check_same_thread=False, timeout=60)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._connection.execute("CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        self._connection.commit()

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in self._connection.execute(f"SELECT key, value FROM records WHERE key IN ({marks})", chunk):
                    found[key] = json.loads(value)
        return found

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        rows = [(key, json.dumps(value, ensure_ascii=False)) for key, value in items]
        with self._lock, self._connection:  # one transaction: all or nothing
            self._connection.executemany("INSERT OR REPLACE INTO records (key, value) VALUES (?, ?)", rows)

    def __len__(self) -> int:
        with self._lock:
            return self._connection.execute("SELECT COUNT(*) FROM records").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._connection.close()
