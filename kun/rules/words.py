"""Word coverage: how much of a Chinese text falls into dictionary words (jieba's dictionary).

Random characters (`宝亦枝旅阳客冲盘遭凤`) cut into single characters; a real sentence, however
short, is mostly words of two or more characters. `word_coverage` is the share of CJK
characters that lie inside multi-character dictionary words (jieba without its HMM, which would
glue unknown characters into made-up words), None for texts with too few CJK characters.
"""

from __future__ import annotations

import logging
from functools import lru_cache

from kun.rules.stats import CJK_CHAR, QUOTED


@lru_cache(maxsize=1)
def _tokenizer():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


def word_coverage(text: str, min_cjk: int = 8, single_min_frequency: int = 0) -> float | None:
    """Share of CJK characters inside multi-character words; None below `min_cjk` CJK characters.
    Quoted spans (“…”, 「…」, 《…》) are material, often classical, and are left out."""
    text = QUOTED.sub("，", text)
    total = len(CJK_CHAR.findall(text))
    if total < min_cjk:
        return None
    in_words = 0
    for word in _tokenizer().lcut(text, HMM=False):
        count = len(CJK_CHAR.findall(word))
        if count >= 2 or (
            count == 1 and single_min_frequency and _tokenizer().FREQ.get(word, 0) >= single_min_frequency
        ):
            in_words += count
    return in_words / total


def words(text: str) -> list[str]:
    """jieba's words of `text` (its dictionary, no HMM)."""
    return _tokenizer().lcut(text, HMM=False)


@lru_cache(maxsize=1)
def _tagger():
    from jieba.posseg import POSTokenizer

    return POSTokenizer(_tokenizer())


def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tag of each word in its dictionary."""
    return _tagger().word_tag_tab


def tagged(text: str) -> list[tuple[str, str]]:
    """jieba's words of `text` with their part-of-speech tags (`v` verb, `n` noun, `r` pronoun…),
    punctuation and spaces left out."""
    return [
        (pair.word, pair.flag)
        for pair in _tagger().cut(text, HMM=False)
        if pair.word.strip() and pair.flag != "x"
    ]
