"""Atomic writes of metrics JSON files and other small outputs.

A crash never leaves a half-written file: we write beside the target and rename over it.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

from kun.core.errors import KunError


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    write_all({path: data})


def _stage(path: Path, data: bytes) -> str:
    """`data` in a temporary file beside `path`, with `path`'s mode if it exists (a 0600 output
    stays 0600), else the usual 0644."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        mode = stat.S_IMODE(path.stat().st_mode) if path.is_file() else 0o666 & ~_UMASK
        os.chmod(tmp, mode)  # mkstemp makes 0600
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_all(files: dict[str | Path, bytes]) -> None:
    """Write every file or none: each is staged beside its target first, then all are moved in
    place; a failure (read-only folder, a parent that is a file, a full disk) removes the staged
    files and is one KunError naming the path."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            path = Path(path)
            try:
                staged.append((_stage(path, data), path))
            except OSError as error:
                raise KunError(
                    f"{path}: cannot write ({error.strerror or error}); {_write_fix(error)}"
                ) from None
        for tmp, path in staged:
            try:
                os.replace(tmp, path)
            except OSError as error:
                raise KunError(
                    f"{path}: cannot write ({error.strerror or error}); {_write_fix(error)}"
                ) from None
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def _write_fix(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full: free space or write elsewhere"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "the folder is not writable: choose another path"
    if error.errno in (errno.EISDIR,):
        return "the path is a directory: name a file"
    if error.errno in (errno.ENOTDIR, errno.EEXIST):
        return "a parent of the path is a file: choose another path"
    return "check the path"


def json_bytes(payload: Any) -> bytes:
    """`payload` as pretty, key-sorted UTF-8 JSON."""
    return (json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def write_json(path: str | Path, payload: Any) -> None:
    """Write `payload` as pretty, key-sorted UTF-8 JSON, atomically."""
    atomic_write_bytes(path, json_bytes(payload))


def read_json(path: str | Path) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


# The figures of an LLM ledger (kun.llm.cached): the report also sums them over steps as cost.<figure>.
COST_FIGURES = ("prompt_tokens", "generated_tokens", "backend_seconds", "cache_hits")


def key_figures(metrics: dict[str, Any], spec: dict[str, str], ledger: str | None = None) -> dict[str, Any]:
    """The figures of a step's metrics worth comparing across revisions: the step writes them
    under `key_figures` in its metrics file and the report gathers every file's into
    metrics/metrics.json as <file>.<name>, knowing no step. `spec` maps a name to a dotted path in
    `metrics` (a number there is kept unless it is missing or None; a mapping gives each of its
    numbers as <name>.<its key in lower case>, or the key alone for the name ""); `ledger` is the dotted path of the step's LLM
    ledger ("" = `metrics` itself), whose COST_FIGURES join under their own names."""
    figures: dict[str, Any] = {}
    for name, dotted in spec.items():
        value = _at(metrics, dotted)
        if isinstance(value, dict):
            for item, number in value.items():
                if number is None or (isinstance(number, (int, float)) and not isinstance(number, bool)):
                    figures[f"{name}.{str(item).lower()}" if name else str(item).lower()] = number
        elif value is not None:
            figures[name] = value
    if ledger is not None:
        costs = _at(metrics, ledger) if ledger else metrics
        figures.update(
            {
                figure: costs[figure]
                for figure in COST_FIGURES
                if isinstance(costs, dict) and isinstance(costs.get(figure), (int, float))
            }
        )
    return figures


def _at(data: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data
