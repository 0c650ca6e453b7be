"""Rule gates on (instruction, answer) pairs: the checks a reader makes at a glance, written down.

Shared by the `filter` stage (instruction rules), the `assemble` stage (answer rules) and
`kun filter-pairs` (both, on any instruction dataset). A gate looks at one pair and returns
None to keep it or a short reason to drop it; the first failing gate names the reason, and
`apply_gates` counts every reason (zeros included, so metrics list every gate).

Text rules:
- `broken_encoding`: U+FFFD, a character lost in decoding (a multi-byte character cut by a
  token limit, or invalid bytes a model emitted);
- `unexpected_script`: letters of scripts a Chinese pair has no use for (Hebrew, Cyrillic,
  Arabic, Thai, ...; `unexpected_scripts` names them);
- `not_a_request`: an instruction with none of the request markers (？, 什么, 如何, 请, 写, 解释, ...):
  random characters are not an instruction;
- `answer_low_cjk`: a Chinese instruction answered mainly in another language, unless the
  instruction asks for one (`foreign_language_hints`: 英文, 翻译, 代码, ...); code blocks are not counted;
- `web_boilerplate`: 本站, 点击, 关注公众号, 版权/侵权 notices (`boilerplate_phrases`);
- repetition that survives numbering: `repeated_list_items` (lines and list items that repeat
  once their markers and numbers are stripped), `repeated_sentences`, `opens_with_repetition`
  (the authors' rule) and `catastrophic_repetition` (repeated character 10-grams).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

import polars as pl

from kun.corpus.filters import contains_any, opening_repeated_unit, repeated_ngram_ratio, repeated_share
from kun.core.params import require
from kun.corpus.text import CJK_CHAR, split_sentences

REPLACEMENT_CHARACTER = "\ufffd"

# Letters of scripts that do not belong in Chinese instruction data (Greek is left out: math).
SCRIPT_RANGES = {
    "HEBREW": "\u0590-\u05ff",
    "ARABIC": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff",
    "CYRILLIC": "\u0400-\u052f",
    "ARMENIAN": "\u0530-\u058f",
    "SYRIAC": "\u0700-\u074f",
    "DEVANAGARI": "\u0900-\u097f",
    "BENGALI": "\u0980-\u09ff",
    "TAMIL": "\u0b80-\u0bff",
    "THAI": "\u0e00-\u0e7f",
    "LAO": "\u0e80-\u0eff",
    "TIBETAN": "\u0f00-\u0fff",
    "MYANMAR": "\u1000-\u109f",
    "GEORGIAN": "\u10a0-\u10ff",
    "HANGUL": "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af",
    "ETHIOPIC": "\u1200-\u137f",
    "KHMER": "\u1780-\u17ff",
}
UNEXPECTED_SCRIPTS = list(SCRIPT_RANGES)
REQUEST_MARKERS = [
    "?", "？", "吗", "呢", "什么", "如何", "怎么", "怎样", "为什么", "为何", "哪", "谁", "多少", "几", "是否", "能否", "可否",
    "请", "写", "解释", "介绍", "列出", "列举", "翻译", "描述", "说明", "比较", "分析", "总结", "概括", "给出", "给", "帮",
    "计算", "生成", "设计", "推荐", "举例", "讲", "谈", "评价", "改写", "改成", "润色", "回答", "告诉", "求", "证明", "判断",
    "查询", "实现", "编", "制定", "规划", "建议", "区别", "含义", "意思", "定义", "作用", "原因", "步骤", "方法", "技巧",
]
FOREIGN_LANGUAGE_HINTS = ["英文", "英语", "English", "翻译", "日语", "法语", "德语", "代码", "程序", "函数", "Python", "SQL", "正则", "命令"]
BOILERPLATE_PHRASES = ["本站", "点击", "关注公众号", "公众号", "扫码", "扫一扫", "版权所有", "版权归", "侵权", "转载请注明", "免责声明", "点赞", "下载APP", "原文链接", "责任编辑"]

_CODE_BLOCK = re.compile(r"```.*?(?:```|$)|`[^`\n]*`", re.DOTALL)
_URL = re.compile(r"https?://\S+")
# A list marker at the start of a line or after a space: 1. 1、 1) （1） (1) - * • ·
_LIST_MARKER = re.compile(r"(?:^|(?<=\s))(?:\d{1,3}\s*[.、)）:：]|[（(]\d{1,3}[)）]|[-*•·])\s*", re.MULTILINE)
_ITEM_NOISE = re.compile(r"[\s\d.,;:!?，。、；：！？\"'“”‘’()（）\[\]【】*#-]+")

Gate = Callable[[str, str], "str | None"]  # (instruction, answer) -> reason or None


def require_known_scripts(names: Sequence[str], key: str) -> None:
    """A params error naming `key` for a script name that SCRIPT_RANGES does not know."""
    unknown = [name for name in names if name not in SCRIPT_RANGES]
    require(not unknown, key, f"{unknown[0] if unknown else ''} is not a known script; use any of {', '.join(SCRIPT_RANGES)}")


def _script_pattern(names: Sequence[str]) -> re.Pattern | None:
    ranges = "".join(SCRIPT_RANGES[name] for name in names)
    return re.compile(f"[{ranges}]") if ranges else None


def _prose(text: str) -> str:
    """The text without code blocks, inline code and URLs (they are not language)."""
    return _URL.sub(" ", _CODE_BLOCK.sub(" ", text))


def cjk_letter_ratio(text: str) -> float:
    """Share of CJK ideographs among the letters of the prose (1.0 when it has no letters)."""
    prose = _prose(text)
    letters = sum(1 for char in prose if char.isalpha())
    return len(CJK_CHAR.findall(prose)) / letters if letters else 1.0


def list_items(text: str) -> list[str]:
    """Lines and list items with their markers, numbers and punctuation stripped (empty ones dropped)."""
    items = []
    for line in _prose(text).splitlines():
        for piece in _LIST_MARKER.split(line):
            item = _ITEM_NOISE.sub("", piece)
            if item:
                items.append(item)
    return items


def sentences(text: str) -> list[str]:
    """Sentences of at least four characters, normalised for comparison."""
    found = []
    for line in _prose(text).splitlines():
        for sentence in split_sentences(line):
            normal = _ITEM_NOISE.sub("", sentence)
            if len(normal) >= 4:
                found.append(normal)
    return found


# -- gate factories -----------------------------------------------------------------------------


def on_instruction(check: Callable[[str], bool], reason: str) -> Gate:
    return lambda instruction, answer: reason if check(instruction) else None


def on_answer(check: Callable[[str], bool], reason: str) -> Gate:
    return lambda instruction, answer: reason if check(answer) else None


def broken_encoding(field: str) -> Gate:
    if field == "instruction":
        return on_instruction(lambda text: REPLACEMENT_CHARACTER in text, "broken_encoding")
    return on_answer(lambda text: REPLACEMENT_CHARACTER in text, "broken_encoding")


def unexpected_script(names: Sequence[str], field: str) -> Gate | None:
    pattern = _script_pattern(names)
    if pattern is None:
        return None
    check = lambda text: pattern.search(text) is not None  # noqa: E731
    return on_instruction(check, "unexpected_script") if field == "instruction" else on_answer(check, "unexpected_script")


def not_a_request(markers: Sequence[str]) -> Gate | None:
    if not markers:
        return None
    return on_instruction(lambda text: not any(marker in text for marker in markers), "not_a_request")


def answer_low_cjk(min_ratio: float, instruction_min_ratio: float, hints: Sequence[str]) -> Gate | None:
    if min_ratio <= 0:
        return None

    def gate(instruction: str, answer: str) -> str | None:
        if cjk_letter_ratio(instruction) < instruction_min_ratio or any(hint in instruction for hint in hints):
            return None  # not a Chinese instruction, or one that asks for another language or code
        return "answer_low_cjk" if cjk_letter_ratio(answer) < min_ratio else None

    return gate


def contains_phrase(phrases: Sequence[str], reason: str, field: str = "output") -> Gate | None:
    """Drop pairs whose instruction or answer (`field`) contains any phrase (plain substrings)."""
    if not phrases:
        return None
    found = contains_any(phrases, reason)
    return (lambda instruction, answer: found(instruction)) if field == "instruction" else (lambda instruction, answer: found(answer))


def material_of(instruction: str) -> str:
    """The material an instruction carries: its lines after the first (`改写下面的句子：` + the sentence)."""
    lines = [line for line in instruction.strip().splitlines() if line.strip()]
    return "\n".join(lines[1:]).strip()


def too_short(min_chars: int, allow_material_length: bool) -> Gate:
    """The authors' floor on answer length; with `allow_material_length`, an instruction that
    carries its own material lowers it to that material's length (rewriting or punctuating a
    short sentence has a short answer)."""

    def gate(instruction: str, answer: str) -> str | None:
        floor = min_chars
        if allow_material_length and (material := material_of(instruction)):
            floor = min(min_chars, len(material))
        return "answer_too_short" if len(answer.strip()) < floor else None

    return gate


def repeated_items(max_ratio: float) -> Gate:
    return on_answer(lambda text: repeated_share(list_items(text)) > max_ratio, "repeated_list_items")


def repeated_sentences(max_ratio: float) -> Gate:
    return on_answer(lambda text: repeated_share(sentences(text)) > max_ratio, "repeated_sentences")


def opens_with_repetition(min_repeats: int) -> Gate | None:
    if min_repeats < 2:
        return None
    return on_answer(lambda text: opening_repeated_unit(text, min_repeats) is not None, "opens_with_repetition")


def catastrophic_repetition(max_ratio: float) -> Gate:
    return on_answer(lambda text: repeated_ngram_ratio(text, 10) > max_ratio, "catastrophic_repetition")


# -- applying gates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class GateResult:
    kept: pl.DataFrame
    rejected: pl.DataFrame  # the rejected rows plus a `reason` column
    dropped: dict[str, int]  # every gate's reason -> rows it dropped (zeros included)


def apply_gates(frame: pl.DataFrame, gates: Sequence[tuple[str, Gate | None]], instruction: str = "instruction", answer: str | None = "output") -> GateResult:
    """Drop each row that a gate rejects; `gates` are (reason, gate) pairs, None gates are off."""
    active = [(name, gate) for name, gate in gates if gate is not None]
    instructions = frame.get_column(instruction).fill_null("").to_list() if frame.height else []
    answers = frame.get_column(answer).fill_null("").to_list() if answer is not None and frame.height else [""] * len(instructions)
    reasons: list[str | None] = []
    for text, reply in zip(instructions, answers):
        reason = None
        for _, gate in active:
            reason = gate(text, reply)
            if reason:
                break
        reasons.append(reason)
    marked = frame.with_columns(pl.Series("reason", reasons, dtype=pl.String))
    counts = Counter(reason for reason in reasons if reason)
    dropped = {name: 0 for name, _ in active} | dict(counts)
    return GateResult(marked.filter(pl.col("reason").is_null()).drop("reason"), marked.filter(pl.col("reason").is_not_null()), dict(sorted(dropped.items())))
