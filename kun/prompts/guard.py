"""Untrusted text cannot forge a template's delimiters.

Segments, instructions written from them, answers and judge material are untrusted: a segment
that contains `</资料>`, `>>>`, `[回答1结束]`, `判断：【好】` or `请回答:` could close the block it sits
in and add an instruction of its own. A template's delimiters are read from the template itself:
the literal text on the line of each untrusted placeholder and the short lines just above and
below it (`<<<`, `>>>`, `[回答1开始]`, `指令：`, `,请回答:`...), plus every `【...】` marker. In
untrusted text every occurrence of any of them is broken, in every form a reader would take for
it: full-width or other compatibility forms (NFKC), spaces, tabs or zero-width characters inside
(`</ 资料>`, `</资料 >`, `＜/资料＞`; every character that renders as nothing counts, generated from
the Unicode database), superscript and mathematical digits, brackets of one family (【】 for []),
any letter case, traditional or simplified characters (`</資料>` for `</资料>`, `請回答:`; OpenCC's
tables, mainland, Taiwan and Hong Kong forms); a delimiter opening with punctuation also without it (`请回答:` for `,请回答:`). Breaking one swaps its punctuation for
look-alikes that are not the delimiter (`‹/资料›`, `〔回答1结束〕`, `指令∶`), so the text still
reads the same and the template's own delimiters stay the only real ones.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Punctuation -> a look-alike that no NFKC form maps back to the delimiter's character, and that
# is in no bracket family below.
LOOK_ALIKE = {
    "<": "‹",
    ">": "›",
    "[": "⁅",
    "]": "⁆",
    "【": "⁅",
    "】": "⁆",
    ":": "∶",
    ",": "‚",
    "(": "❨",
    ")": "❩",
    "/": "∕",
}
# Brackets a reader takes for one another: a text writing 【回答1结束】 forges [回答1结束].
_BRACKETS = {"[": "[［【〔〖⟦", "]": "]］】〕〗⟧", "【": "[［【〔〖⟦", "】": "]］】〕〗⟧"}
# Characters that render as nothing: format characters, combining and enclosing marks (variation
# selectors among them), every space, and the fillers that draw a blank (U+115F, U+1160, U+3164,
# U+FFA0, U+2800). Generated from the Unicode database, not listed.
_INVISIBLE_CATEGORIES = {"Cf", "Mn", "Me", "Zs", "Zl", "Zp"}
_FILLERS = "\u115f\u1160\u3164\uffa0\u2800"
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_MARKER = re.compile(r"【[^【】\n]{1,8}】")
MAX_NEIGHBOUR = 16  # a neighbouring line this short (and without a placeholder) is a delimiter


def _ranges(codes: list[int]) -> str:
    """A regex class body for sorted code points, as ranges."""
    parts, start = [], None
    for index, code in enumerate(codes):
        if start is None:
            start = code
        if index + 1 == len(codes) or codes[index + 1] != code + 1:
            parts.append(re.escape(chr(start)) + ("-" + re.escape(chr(code)) if code != start else ""))
            start = None
    return "".join(parts)


@lru_cache(maxsize=1)
def _gap() -> str:
    """Whitespace and everything that renders as nothing, any number of them."""
    codes = [
        code
        for code in range(0x110000)
        if not 0xD800 <= code <= 0xDFFF and unicodedata.category(chr(code)) in _INVISIBLE_CATEGORIES
    ]
    return "[\\s" + _ranges(codes) + _FILLERS + "]*"


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Each character that NFKC maps to one other character (full-width, superscript and
    mathematical digits and letters, compatibility forms), grouped as a regex class per target;
    brackets of one family share a class."""
    groups: dict[str, set[str]] = {}
    for code in range(0x20, 0x110000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and (folded != char or folded in _BRACKETS):
            groups.setdefault(folded, {folded}).add(char)
    for bracket, family in _BRACKETS.items():
        groups.setdefault(bracket, {bracket}).update(family)
        for member in family:
            groups[bracket].update(groups.get(member, ()))
    return {
        target: "[" + "".join(re.escape(c) for c in sorted(chars)) + "]" for target, chars in groups.items()
    }


_CHINESE_SCRIPTS = ("s2t", "s2tw", "s2hk", "t2s", "tw2s", "hk2s")


@lru_cache(maxsize=1)
def _converters() -> tuple[opencc.OpenCC, ...]:
    return tuple(opencc.OpenCC(config) for config in _CHINESE_SCRIPTS)


@lru_cache(maxsize=4096)
def _chinese_forms(char: str) -> frozenset[str]:
    """`char` and its traditional/simplified forms (one character each), closed under conversion."""
    forms, frontier = {char}, [char]
    while frontier:
        current = frontier.pop()
        for converter in _converters():
            other = converter.convert(current)
            if len(other) == 1 and other not in forms:
                forms.add(other)
                frontier.append(other)
    return frozenset(forms)


def _char_class(char: str) -> str:
    """A regex class for one delimiter character: its NFKC variants and its Chinese forms."""
    forms = _chinese_forms(char)
    if len(forms) == 1:
        return _variants().get(char, re.escape(char))
    return "[" + "".join(re.escape(form) for form in sorted(forms)) + "]"


def _pattern(delimiter: str) -> str:
    """A regex for `delimiter` in any NFKC-equivalent or traditional/simplified form, with gaps
    allowed between characters."""
    parts = [_char_class(char) for char in unicodedata.normalize("NFKC", delimiter) if not char.isspace()]
    return _gap().join(parts)


def template_delimiters(source: str, untrusted: frozenset[str]) -> tuple[str, ...]:
    """The delimiters around `untrusted` placeholders in a template's (trusted-rendered) source."""
    lines = source.splitlines()
    found: set[str] = set()
    for number, line in enumerate(lines):
        if not any(name in untrusted for name in _PLACEHOLDER.findall(line)):
            continue
        found.update(piece.strip() for piece in _PLACEHOLDER.split(line)[::2])
        for neighbour in (number - 1, number + 1):
            if (
                0 <= neighbour < len(lines)
                and not _PLACEHOLDER.search(lines[neighbour])
                and len(lines[neighbour].strip()) <= MAX_NEIGHBOUR
            ):
                found.add(lines[neighbour].strip())
    found.update(_MARKER.findall(source))
    # Only pieces with punctuation can be broken by a look-alike; bare words are not delimiters.
    usable = {
        piece
        for piece in found
        if piece and any(unicodedata.normalize("NFKC", c) in LOOK_ALIKE for c in piece)
    }
    # A delimiter opening with punctuation (`,请回答:`) is also a delimiter without it: any
    # separator before 请回答: reads the same to the model.
    usable |= {
        core
        for piece in usable
        if (core := piece.lstrip(",，。.;；、 ")) != piece
        and any(unicodedata.normalize("NFKC", c) in LOOK_ALIKE for c in core)
    }
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
