"""Untrusted text cannot forge a template's delimiters.

Segments, instructions written from them, answers and judge material are untrusted: a segment
that contains `</资料>`, `>>>`, `[回答1结束]`, `判断：【好】` or `请回答:` could close the block it sits
in and add an instruction of its own. A template's delimiters are read from the template itself:
the literal text on the line of each untrusted placeholder and the short lines just above and
below it (`<<<`, `>>>`, `[回答1开始]`, `指令：`, `,请回答:`...), plus every `【...】` marker. In
untrusted text every occurrence of any of them is broken, in every form a reader would take for
it: full-width or other compatibility forms (NFKC), spaces, tabs or zero-width characters inside
(`</ 资料>`, `</资料 >`, `＜/资料＞`), any letter case. Breaking one swaps its punctuation for
look-alikes that are not the delimiter (`‹/资料›`, `〔回答1结束〕`, `指令∶`), so the text still
reads the same and the template's own delimiters stay the only real ones.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Punctuation -> a look-alike that no NFKC form maps back to the delimiter's character.
LOOK_ALIKE = {"<": "‹", ">": "›", "[": "〔", "]": "〕", "【": "〖", "】": "〗", ":": "∶", ",": "‚", "(": "❨", ")": "❩", "/": "∕"}
_GAP = r"[\s\u00ad\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]*"  # whitespace and invisible format characters
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_MARKER = re.compile(r"【[^【】\n]{1,8}】")
MAX_NEIGHBOUR = 16  # a neighbouring line this short (and without a placeholder) is a delimiter


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Each character that NFKC maps to one other character, grouped as a regex class per target."""
    groups: dict[str, set[str]] = {}
    for code in [*range(0x20, 0x7F), *range(0x3000, 0x3040), *range(0xFE10, 0xFE70), *range(0xFF01, 0xFF5F)]:
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1:
            groups.setdefault(folded, {folded}).add(char)
    return {target: "[" + "".join(re.escape(c) for c in sorted(chars)) + "]" for target, chars in groups.items()}


def _pattern(delimiter: str) -> str:
    """A regex for `delimiter` in any NFKC-equivalent form, with gaps allowed between characters."""
    variants = _variants()
    parts = [variants.get(char, re.escape(char)) for char in unicodedata.normalize("NFKC", delimiter) if not char.isspace()]
    return _GAP.join(parts)


def template_delimiters(source: str, untrusted: frozenset[str]) -> tuple[str, ...]:
    """The delimiters around `untrusted` placeholders in a template's (trusted-rendered) source."""
    lines = source.splitlines()
    found: set[str] = set()
    for number, line in enumerate(lines):
        if not any(name in untrusted for name in _PLACEHOLDER.findall(line)):
            continue
        found.update(piece.strip() for piece in _PLACEHOLDER.split(line)[::2])
        for neighbour in (number - 1, number + 1):
            if 0 <= neighbour < len(lines) and not _PLACEHOLDER.search(lines[neighbour]) and len(lines[neighbour].strip()) <= MAX_NEIGHBOUR:
                found.add(lines[neighbour].strip())
    found.update(_MARKER.findall(source))
    # Only pieces with punctuation can be broken by a look-alike; bare words are not delimiters.
    usable = {piece for piece in found if piece and any(unicodedata.normalize("NFKC", c) in LOOK_ALIKE for c in piece)}
    return tuple(sorted(usable, key=lambda piece: (-len(piece), piece)))


@lru_cache(maxsize=64)
def delimiter_regex(delimiters: tuple[str, ...]) -> re.Pattern[str] | None:
    if not delimiters:
        return None
    return re.compile("|".join(_pattern(piece) for piece in delimiters), re.IGNORECASE)


def _break(match: re.Match[str]) -> str:
    return "".join(LOOK_ALIKE.get(unicodedata.normalize("NFKC", char), char) for char in match.group(0))


def neutralise(text: str, delimiters: tuple[str, ...]) -> str:
    """`text` with every form of every delimiter broken (look-alike punctuation)."""
    regex = delimiter_regex(delimiters)
    if regex is None or not isinstance(text, str):
        return text
    return regex.sub(_break, text)
