"""Shared prompt prefixes computed once (the transformers backend).

Stage prompts often begin with the same long text: the focused score prompt's criteria and eight
examples, a judge's rubric, a benchmark's few-shot header. When every prompt of a request shares
at least MIN_SHARED_PREFIX tokens, the backend runs the prefix through the model once, keeps its
key/value cache, and for each batch only computes the tokens after it, with the prefix cache
repeated for the batch's rows. Rows are batched by their total length, so no row is padded and
every position is what it would be alone: the results are those of the plain path up to float
rounding.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

MIN_SHARED_PREFIX = 32  # tokens; below this, computing a prefix separately saves too little


def shared_prefix_length(sequences: list[list[int]]) -> int:
    """Tokens every sequence starts with, leaving each at least one token of its own."""
    if len(sequences) < 2:
        return 0
    first, shortest = sequences[0], min(len(sequence) for sequence in sequences)
    length = 0
    while length < shortest - 1 and all(sequence[length] == first[length] for sequence in sequences):
        length += 1
    return length


def batches_by_length(lengths: list[int], batch_size: int, max_tokens: int = 0) -> list[list[int]]:
    """Indices of `lengths` grouped by equal length, each group cut into batches of at most
    batch_size rows and (when max_tokens > 0) at most max_tokens tokens."""
    groups: dict[int, list[int]] = defaultdict(list)
    for index, length in enumerate(lengths):
        groups[length].append(index)
    return [
        batch for _, group in sorted(groups.items()) for batch in _cut(group, lengths, batch_size, max_tokens)
    ]


def sorted_batches(lengths: list[int], batch_size: int, max_tokens: int = 0) -> list[list[int]]:
    """Indices of `lengths` sorted by length and cut into batches of at most batch_size rows and
    (when max_tokens > 0) at most max_tokens tokens once padded to the longest (padded batches
    waste little)."""
    return _cut(sorted(range(len(lengths)), key=lengths.__getitem__), lengths, batch_size, max_tokens)


def _cut(order: list[int], lengths: list[int], batch_size: int, max_tokens: int) -> list[list[int]]:
    """`order` (ascending lengths) cut into consecutive batches; a row longer than max_tokens
    forms a batch of its own."""
    batches: list[list[int]] = []
    for index in order:
        if (
            batches
            and len(batches[-1]) < batch_size
            and (not max_tokens or (len(batches[-1]) + 1) * lengths[index] <= max_tokens)
        ):
            batches[-1].append(index)
        else:
            batches.append([index])
    return batches


def cache_argument(model: Any) -> str:
    """The keyword a model's forward and generate take a key/value cache by: `cache` since
    transformers 5.2x, `past_key_values` before."""
    import inspect

    return "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"


def prefix_cache(model: Any, prefix: list[int], device: str) -> Any:
    """The key/value cache of `prefix` (one forward pass)."""
    import torch

    with torch.inference_mode():
        output = model(input_ids=torch.tensor([prefix], device=device), use_cache=True)
    return getattr(output, "cache", None) or output.past_key_values


def repeated(cache: Any, rows: int) -> Any:
    """A copy of a one-row cache with its row repeated `rows` times."""
    copied = copy.deepcopy(cache)
    if rows > 1:
        copied.batch_repeat_interleave(rows)
    return copied
