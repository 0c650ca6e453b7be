"""Run numpy work over chunks of a corpus on several processes without copying the corpus.

On Linux the worker processes are forked after the texts are put in a module-level slot, so
each child reads them from memory it inherited (copy-on-write) and only chunk bounds and small
results (signatures, boolean masks) cross process boundaries. Where fork is unavailable, or the
work is too small to pay for starting processes, the chunks run in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import warnings
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Iterator, Sequence

# Below this many characters of text, starting processes costs more than it saves.
MIN_PARALLEL_CHARS = 2_000_000

_SHARED: dict[str, Any] = {}


def shared(name: str) -> Any:
    """What the parent put in the slot `name` before forking (inside a chunk function)."""
    return _SHARED[name]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def run_chunks(
    function: Callable[..., Any], chunks: Sequence[tuple], workers: int, slots: dict[str, Any], chars: int
) -> Iterator[tuple[int, Any]]:
    """(chunk number, function(*chunk)) for every chunk, in chunk order, with `slots` readable
    through shared() in the function; on `workers` forked processes when it pays."""
    _SHARED.update(slots)
    try:
        if (
            workers <= 1
            or len(chunks) <= 1
            or chars < MIN_PARALLEL_CHARS
            or "fork" not in multiprocessing.get_all_start_methods()
        ):
            for number, chunk in enumerate(chunks):
                yield number, function(*chunk)
            return
        with (
            warnings.catch_warnings(),
            ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool,
        ):
            # polars and CPython warn that a forked child must not use their threads; ours only run numpy.
            warnings.filterwarnings("ignore", message=".*fork.*")
            futures = [pool.submit(function, *chunk) for chunk in chunks]
            for number, future in enumerate(futures):
                yield number, future.result()
    finally:
        _SHARED.clear()
