"""Synthetic Chinese corpora with planted near-duplicates, for the dedup benchmark and tests.

Originals are random text over a Zipf-weighted set of common CJK characters with punctuation,
so unrelated documents share almost no 5-grams. Copies are an original with a fraction of its
characters substituted, inserted or deleted; the true n-gram Jaccard of each copy to its
original is recorded so recall can be measured per similarity band.
"""

from __future__ import annotations

import numpy as np

_ALPHABET = np.array([chr(code) for code in range(0x4E00, 0x4E00 + 3500)])
_PUNCT = np.array(list("，。；、！？"))


def random_document(generator: np.random.Generator, n_chars: int) -> str:
    weights = 1.0 / np.arange(1, len(_ALPHABET) + 1) ** 0.8
    chars = generator.choice(_ALPHABET, size=n_chars, p=weights / weights.sum())
    punct_at = generator.random(n_chars) < 0.07
    chars[punct_at] = generator.choice(_PUNCT, size=int(punct_at.sum()))
    return "".join(chars)


def edit(generator: np.random.Generator, text: str, rate: float) -> str:
    chars = list(text)
    for _ in range(max(1, round(len(chars) * rate))):
        position = int(generator.integers(0, len(chars)))
        operation = generator.integers(0, 3)
        new_char = str(generator.choice(_ALPHABET))
        if operation == 0:
            chars[position] = new_char
        elif operation == 1:
            chars.insert(position, new_char)
        elif len(chars) > 1:
            del chars[position]
    return "".join(chars)


def ngram_jaccard(left: str, right: str, n: int = 5) -> float:
    a = {left[i : i + n] for i in range(len(left) - n + 1)}
    b = {right[i : i + n] for i in range(len(right) - n + 1)}
    return len(a & b) / len(a | b) if a or b else 1.0


def planted_corpus(
    n_docs: int,
    n_chars: int = 1000,
    copy_share: float = 0.2,
    min_rate: float = 0.01,
    max_rate: float = 0.04,
    seed: int = 0,
):
    """Return (texts, source_of) where source_of[i] is the original of copy i, or -1 for originals."""
    generator = np.random.Generator(np.random.PCG64(seed))
    n_copies = int(n_docs * copy_share)
    n_originals = n_docs - n_copies
    texts = [
        random_document(generator, int(n_chars * generator.uniform(0.8, 1.2))) for _ in range(n_originals)
    ]
    source_of = [-1] * n_originals
    for _ in range(n_copies):
        original = int(generator.integers(0, n_originals))
        texts.append(edit(generator, texts[original], float(generator.uniform(min_rate, max_rate))))
        source_of.append(original)
    order = generator.permutation(n_docs)
    inverse = np.argsort(order)
    shuffled = [texts[i] for i in order]
    shuffled_source = [-1 if source_of[i] < 0 else int(inverse[source_of[i]]) for i in order]
    return shuffled, shuffled_source
