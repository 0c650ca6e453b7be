"""Rules on raw segments (ingest): length, CJK share and Gopher-style repetition.

Each is a `kun.rules.Rule` on the `text` column (`too_long` reads `n_tokens`); ingest runs them
with `kun.rules.apply_rules`, which counts every reason, zeros included.
"""

from __future__ import annotations

from kun.rules import Rule
from kun.rules.stats import cjk_ratio, repeated_line_ratio, repeated_ngram_ratio, top_char_ratio


def too_long_tokens(max_tokens: int) -> Rule | None:
    """Segments over `max_tokens` tokens (the paper discards texts over 512); None when off."""
    if not max_tokens:
        return None
    return Rule(
        "too_long",
        lambda row: row["n_tokens"] is not None and row["n_tokens"] > max_tokens,
        ("n_tokens",),
        "ingest.max_tokens",
    )


def min_chars(limit: int) -> Rule:
    return Rule.on("text", "too_short", lambda text: len(text) < limit, "ingest.min_chars")


def min_cjk_ratio(limit: float) -> Rule:
    return Rule.on("text", "low_cjk_ratio", lambda text: cjk_ratio(text) < limit, "ingest.min_cjk_ratio")


def max_repeated_line_ratio(limit: float) -> Rule:
    return Rule.on(
        "text",
        "repeated_lines",
        lambda text: repeated_line_ratio(text) > limit,
        "ingest.max_repeated_line_ratio",
    )


def max_top_char_ratio(limit: float) -> Rule:
    return Rule.on(
        "text", "repeated_chars", lambda text: top_char_ratio(text) > limit, "ingest.max_top_char_ratio"
    )


def max_repeated_ngram_ratio(limit: float, n: int = 10) -> Rule:
    return Rule.on(
        "text",
        "repeated_ngrams",
        lambda text: repeated_ngram_ratio(text, n) > limit,
        "ingest.max_repeated_ngram_ratio",
    )
