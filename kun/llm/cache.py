"""Persistent per-record cache of LLM results (SQLite), so no call is ever paid for twice.

Keyed by sha256 of (model fingerprint, kind, backend-independent prompt text, sampling params).
A stage killed half-way resumes where it stopped; a rerun whose inputs did not change costs no
model call. Each batch is committed in one transaction (WAL mode), so a crash leaves the cache
consistent. The file lives in `.kun_cache/` (or $KUN_CACHE_DIR), outside DVC outputs, so DVC
never deletes it. Each record keeps its kind (generation, logprob, perplexity) and when it was
last used, so `kun cache info` can say what the cache holds and `kun cache prune` can drop
records no run has used for a while.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterable

from kun.core.errors import KunError

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
        try:
            self._connection = sqlite3.connect(self.path, check_same_thread=False, timeout=60)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
            )
            columns = {row[1] for row in self._connection.execute("PRAGMA table_info(records)")}
            if not {"key", "value"} <= columns:
                raise sqlite3.DatabaseError(
                    f"its table `records` has columns {sorted(columns)}, not kun's key and value"
                )
            if "kind" not in columns:  # a cache written before kinds and use times were kept
                self._connection.execute("ALTER TABLE records ADD COLUMN kind TEXT")
            if "used" not in columns:
                self._connection.execute("ALTER TABLE records ADD COLUMN used REAL")
            self._connection.commit()
        except sqlite3.DatabaseError as error:
            raise self.broken(error) from None

    def broken(self, error: Exception) -> KunError:
        return KunError(
            f"{self.path}: not a readable kun cache ({error}); it only holds model replies kun can compute again: "
            f"delete it (with its -wal and -shm files) and rerun"
        )

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        try:
            return self._get_many(keys)
        except sqlite3.DatabaseError as error:
            raise self.broken(error) from None

    def _get_many(self, keys: list[str]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for key, value in self._connection.execute(
                    f"SELECT key, value FROM records WHERE key IN ({marks})", chunk
                ):
                    try:
                        found[key] = json.loads(value)
                    except (
                        TypeError,
                        ValueError,
                    ):  # a damaged record is a miss: recomputed and written again
                        continue
            if found:  # mark them used, so prune keeps what runs still read
                hits = list(found)
                with self._connection:
                    for start in range(0, len(hits), 500):
                        chunk = hits[start : start + 500]
                        self._connection.execute(
                            f"UPDATE records SET used = ? WHERE key IN ({','.join('?' * len(chunk))})",
                            [time.time(), *chunk],
                        )
        return found

    def put_many(self, items: Iterable[tuple[str, Any]], kind: str | None = None) -> None:
        now = time.time()
        rows = [(key, json.dumps(value, ensure_ascii=False), kind, now) for key, value in items]
        try:
            with self._lock, self._connection:  # one transaction: all or nothing
                self._connection.executemany(
                    "INSERT OR REPLACE INTO records (key, value, kind, used) VALUES (?, ?, ?, ?)", rows
                )
        except sqlite3.DatabaseError as error:
            raise self.broken(error) from None

    def __len__(self) -> int:
        with self._lock:
            return self._connection.execute("SELECT COUNT(*) FROM records").fetchone()[0]

    def info(self) -> dict[str, Any]:
        """Where the cache is, its size on disk, and its records per kind with their last use."""
        with self._lock:
            kinds = {
                kind or "unknown": {"records": count, "oldest_use": oldest, "newest_use": newest}
                for kind, count, oldest, newest in self._connection.execute(
                    "SELECT kind, COUNT(*), MIN(used), MAX(used) FROM records GROUP BY kind ORDER BY kind"
                )
            }
        size = sum(
            path.stat().st_size for path in self.path.parent.glob(self.path.name + "*") if path.is_file()
        )
        return {
            "path": str(self.path),
            "bytes": size,
            "records": sum(kind["records"] for kind in kinds.values()),
            "kinds": kinds,
        }

    def prune(self, unused_for_s: float | None = None, kind: str | None = None) -> int:
        """Delete the records not used for `unused_for_s` seconds (all, with None), of one kind or
        every kind; then give the space back. Returns the records deleted. Records from before use
        times were kept count as unused."""
        where, args = [], []
        if unused_for_s is not None:
            where.append("(used IS NULL OR used < ?)")
            args.append(time.time() - unused_for_s)
        if kind is not None:
            where.append("kind IS ?" if kind != "unknown" else "kind IS NULL")
            if kind != "unknown":
                args.append(kind)
        with self._lock:
            with self._connection:
                deleted = self._connection.execute(
                    "DELETE FROM records" + (" WHERE " + " AND ".join(where) if where else ""), args
                ).rowcount
            self._connection.execute("VACUUM")
            self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return deleted

    def close(self) -> None:
        with self._lock:
            self._connection.close()
