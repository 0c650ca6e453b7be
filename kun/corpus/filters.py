"""Rule filters over record frames, with every drop counted by reason.

Follows datatrove's contract: a filter looks at one value and returns None to keep it or a
short reason string to drop it. `apply_filters` runs a chain over one column of a frame and
returns the kept rows, the rejected rows (with a `reason` column, so they can be written
beside the output) and the count per reason, which stages put into their metrics.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

import polars as pl

from kun.corpus.text import cjk_ratio

TextFilter = Callable[[str], "str | None"]


@dataclass(frozen=True)
class FilterResult:
    kept: pl.DataFrame
    rejected: pl.DataFrame
    dropped: dict[str, int]


def apply_filters(frame: pl.DataFrame, column: str, filters: Sequence[TextFilter]) -> FilterResult:
    """Drop each row of `frame` whose `column` fails a filter; the first failing filter names the reason."""
    reasons: list[str | None] = []
    for value in frame.get_column(column).to_list():
        reason = None
        for check in filters:
            reason = check(value or "")
            if reason:
                break
        reasons.append(reason)
    marked = frame.with_columns(pl.Series("reason", reasons, dtype=pl.String))
    kept = marked.filter(pl.col("reason").is_null()).drop("reason")
    rejected = marked.filter(pl.col("reason").is_not_null())
    counts = Counter(reason for reason in reasons if reason)
    return FilterResult(kept, rejected, dict(sorted(counts.items())))


# --- length ---------------------------------------------------------------------------------


def min_chars(limit: int, name: str = "too_short") -> TextFilter:
    return lambda text: name if len(text) < limit else None


def max_chars(limit: int, name: str = "too_long") -> TextFilter:
    return lambda text: name if len(text) > limit else None


# --- language -------------------------------------------------------------------------------


def min_cjk_ratio(limit: float, name: str = "low_cjk_ratio") -> TextFilter:
    return lambda text: name if cjk_ratio(text) < limit else None


# --- repetition (Gopher-style) ---------------------------------------------------------------


def repeated_share(values: Sequence[str]) -> float:
    """Share of values repeating an earlier one (0 for fewer than two)."""
    return 1.0 - len(set(values)) / len(values) if len(values) > 1 else 0.0


def repeated_line_ratio(text: str) -> float:
    """Share of non-empty lines that repeat an earlier line."""
    return repeated_share([line.strip() for line in text.split("\n") if line.strip()])


def top_char_ratio(text: str) -> float:
    """Share of the most frequent visible character among visible characters."""
    visible = [char for char in text if not char.isspace()]
    if not visible:
        return 0.0
    return Counter(visible).most_common(1)[0][1] / len(visible)


def repeated_ngram_ratio(text: str, n: int = 10) -> float:
    """Share of character n-gram occurrences that repeat an earlier occurrence."""
    if len(text) <= n:
        return 0.0
    grams = [text[i : i + n] for i in range(len(text) - n + 1)]
    return 1.0 - len(set(grams)) / len(grams)


def max_repeated_line_ratio(limit: float) -> TextFilter:
    return lambda text: "repeated_lines" if repeated_line_ratio(text) > limit else None


def max_top_char_ratio(limit: float) -> TextFilter:
    return lambda text: "repeated_chars" if top_char_ratio(text) > limit else None


def max_repeated_ngram_ratio(limit: float, n: int = 10) -> TextFilter:
    return lambda text: "repeated_ngrams" if repeated_ngram_ratio(text, n) > limit else None


def opening_repeated_unit(text: str, min_repeats: int = 3, max_unit: int = 20) -> str | None:
    """The unit an answer opens with when it repeats it `min_repeats` times back to back
    (`好的好的好的…`, `1.1.1.`, `谢谢 谢谢 谢谢`), else None. Units of punctuation or spaces
    alone (`……`, `——`) do not count."""
    text = text.lstrip()
    for size in range(1, max_unit + 1):
        unit = text[:size]
        if len(unit) < size or not any(char.isalnum() for char in unit):
            continue
        if text.startswith(unit * (min_repeats - 1) + unit.rstrip()):
            return unit
    return None


# --- keywords -------------------------------------------------------------------------------


def contains_any(keywords: Sequence[str], name: str) -> TextFilter:
    """Drop texts containing any keyword (plain substrings, not regexes)."""
    if not keywords:
        return lambda text: None
    pattern = re.compile("|".join(re.escape(keyword) for keyword in keywords))
    return lambda text: name if pattern.search(text) else None


def starts_with_any(prefixes: Sequence[str], name: str) -> TextFilter:
    stripped = tuple(prefixes)
    return lambda text: name if stripped and text.lstrip().startswith(stripped) else None
