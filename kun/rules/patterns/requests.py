"""Whether a text asks for something: request markers, imperatives, records and options."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from kun.rules.patterns.common import QUESTION_WORD

# a value may be a time of day (起飞：08:00)
_RECORD = re.compile(r"^(?:\s*[\u4e00-\u9fffA-Za-z]{1,6}\s*[:：]\s*(?:\d{1,2}:\d{2}|[^\s:：])+){2,}\s*$")

_FIELD = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,6}\s*[:：]\s*([^\s:：]+)")

# Notes under their own heading (会议纪要：1. 确定预算 2. 分配任务) record what was decided; a request
# among them asks (待办：帮我排个优先级？).
_NOTES = re.compile(
    r"^\s*(?:会议纪要|会议记录|纪要|备忘录?|待办(?:事项)?|日程(?:安排)?|议程|工作日志|日志|笔记|购物清单)\s*[:：]"
)

_ASKS_IN_NOTES = re.compile(r"[？?]|请|帮|给我|麻烦|吗|呢|如何|怎么|什么|哪|为什么|整理|总结|改写|润色|写")


def is_record(instruction: str, markers: Sequence[str] = ()) -> bool:
    """A record of two or more `key：value` fields (an order, a form, a log line) whose values hold
    none of the request `markers`, or notes under their heading that ask nothing: not a request
    (`题目：求1+1 要求：写出过程` is one)."""
    if _NOTES.match(instruction) and not _ASKS_IN_NOTES.search(instruction):
        return True
    if _RECORD.match(instruction.strip()) is None:
        return False
    values = _FIELD.findall(instruction)
    # a weak marker asks only where it opens the value (指示：将茄子切块), not inside a word (普通用户)
    strong = [marker for marker in markers if marker not in _WEAK_MARKERS]
    weak = tuple(marker for marker in markers if marker in _WEAK_MARKERS)
    return not any(
        _asks_in_value(value, strong, weak)
        or (len(value) >= 6 and opens_with_verb(value))  # 削皮并将茄子切成块; 派送中 is a state
        for value in values
    )


def _asks_in_value(value: str, markers: Sequence[str], weak: tuple[str, ...]) -> bool:
    """A record's value holds a request marker (or opens with a `weak` one) as a word of its own
    (计算1+2, 写一首诗); inside a longer word (计算机, 写作, 会计师) of a short value the marker
    names a thing, not a request."""
    opens = value.startswith(weak)
    if not (has_request_marker(value, markers) or opens):
        return False
    plain, starts, _ = _marker_kinds(tuple(markers))
    plain = [marker for marker in plain if marker in value]
    starts = [marker for marker in (*starts, *weak) if value.startswith(marker)]
    if not (plain or starts) or len(value) >= 8:
        return True
    from kun.rules.words import words

    said = words(value)
    return any(marker in said for marker in plain) or said[0] in starts


# Where a request starts: the text's start, or after an opening 根据…，/关于…，/为…， phrase.
_OPENING_PHRASE = re.compile(
    r"^\s*(?:(?:根据|依据|按照|按|关于|对于|针对|基于|结合|为|给|用|以|在)[^，,。！？\n]{1,30}[，,]\s*)?"
)

_BENEFICIARY = re.compile(r"^(?:为|给|替|帮|向)([^，,。！？\n]{1,25})")

# A statement, not a topic: a noun phrase holds none of these (北京有着悠久的历史 / 网络安全的重要性).
_PREDICATE = re.compile(r"[是有很了着会都也就还被让太真]|非常")

_TOPIC_END = re.compile(r"[\s。.！!]*$")

_PARENTHETICAL = re.compile(r"[（(][^（）()]{0,40}[）)][\s。.！!]*$")


@lru_cache(maxsize=32)
def _marker_kinds(markers: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    plain = tuple(m for m in markers if not m.startswith("^") and not (m.endswith("$") and len(m) > 1))
    starts = tuple(m[1:] for m in markers if m.startswith("^") and len(m) > 1)
    ends = tuple(m[:-1] for m in markers if m.endswith("$") and len(m) > 1 and not m.startswith("^"))
    return plain, starts, ends


# Verbs that open statements and wishes, not requests: 需要一杯红酒, 喜欢…, 发生了…
_NOT_IMPERATIVE = frozenset(
    "需要 想要 希望 喜欢 爱 觉得 感觉 认为 知道 带来 发生 出现 成为 变成 属于 具有 拥有 存在 看到 听说 "
    "感到 显得 来自 位于 包含 等于 意味着 开始 继续 记得 相信 担心 害怕 讨厌 支持 反对".split()
)

_STATEMENT_MARK = re.compile(r"[是了着过很都也总没]|正在|已经|曾经|非常|不[\u4e00-\u9fff]")

_OPTIONS = re.compile(r"(?:^|[\s。；;，,？?])A\s*[．.、)）]\s*\S.*?\sB\s*[．.、)）]\s*\S", re.DOTALL)


def has_options(text: str) -> bool:
    """A question with lettered options (…的是( )。A．蓝牙 B．WiFi C．GPRS): a request to choose."""
    return _OPTIONS.search(text) is not None


def opens_with_verb(text: str) -> bool:
    """The request opens with a verb and its object, by jieba's part-of-speech tags (逆转一个字符串,
    演奏一首民乐, 对以下句子进行断句 after its opening phrase), in a first clause that reads as no
    statement (吃饭，开车 has no object; 考试不难, 我买了一辆车 are statements)."""
    from kun.rules.words import tagged

    first = re.split(r"[，,。！？!?；;：:\n]", text.strip(), maxsplit=1)[0]
    if _STATEMENT_MARK.search(first):
        return False
    for clause in {first, first[_OPENING_PHRASE.match(first).end() :]}:
        words = tagged(clause)
        while words and words[0][0] in ("请", "你", "您", "帮我", "麻烦", "再"):
            words = words[1:]
        if len(words) >= 2 and words[0][1] in ("v", "vn") and words[0][0] not in _NOT_IMPERATIVE:
            return True
        if words and words[0][1] == "p":  # 对以下句子进行断句, 从文本中寻找…: the verb after the phrase
            later = [
                index for index, (word, tag) in enumerate(words) if tag == "v" and word not in _NOT_IMPERATIVE
            ]
            if later and later[0] < len(words) - 1:
                return True
    return False


_WEAK_MARKERS = frozenset("把将用给做想起取填算解求编写讲谈列译")

_DONE = re.compile(r"(?:了|啦|过)[。！!~～]*$|已经|终于|刚刚|刚才")


def _done_verb(text: str, marker: str) -> bool:
    """Every `marker` in `text` is a verb of what happened, an aspect particle after it (下起了, not
    用过去完成时), and the last lies in the last clause (not 他做了早餐，加一个过渡词…)."""
    from kun.rules.words import words

    tokens = words(text)
    places, offset = [], 0
    for index, token in enumerate(tokens):
        if token == marker:
            places.append((offset, tokens[index + 1] if index + 1 < len(tokens) else ""))
        offset += len(token)
    last_clause = max(text.rfind(mark) for mark in "，,；;：:") if re.search(r"[，,；;：:]", text) else -1
    return (
        bool(places)
        and all(after in ("了", "过", "着") for _, after in places)
        and places[-1][0] > last_clause
        and text.count(marker) == len(places)
    )


# A wish negated is no request: 今天不想出门, 我不希望下雨.
_WISH_MARKERS = frozenset({"想", "希望", "要", "需要", "愿意"})

# 呢 asks (那冬天呢, 为什么呢) with a question mark, a question word or after a bare noun phrase; after
# a statement (又是加班的一天呢) it only softens it.
_STATED = re.compile(r"[是有很了着会都也就还被让太真好挺蛮可得]|非常")


def _marks(text: str, marker: str) -> bool:
    if marker == "呢" and marker in text:
        before = text.split("呢", 1)[0]
        return QUESTION_WORD.search(text) is not None or (len(before) <= 8 and _STATED.search(before) is None)
    if marker not in _WISH_MARKERS:
        return marker in text
    return any(
        text[match.start() - 1 : match.start()] not in ("不", "没", "别")
        for match in re.finditer(re.escape(marker), text)
    )


def has_request_marker(text: str, markers: Sequence[str]) -> bool:
    """`text` holds one of the request `markers`: a plain marker anywhere (but the weak ones, 把,
    用, 给…, not in a short first line that reports what was done: 今天终于把论文交上去了); `^写`
    where the request starts (first, or after an opening 根据…，/关于…， phrase, or 为…/给… a
    beneficiary); `的重要性$` at the end of a first line under 30 characters that is a noun phrase
    (a topic asked about), not a statement."""
    plain, starts, ends = _marker_kinds(tuple(markers))
    stripped = text.strip()
    first_line = stripped.split("\n", 1)[0]
    found = [marker for marker in plain if _marks(text, marker)]
    # 把, 用, 给… mark a request (把这句话译成英文), unless the sentence reports what was done
    # (今天终于把论文交上去了) or each is a verb already done (回家路上下起了大雨, 他写过一本书)
    if found and not (
        all(marker in _WEAK_MARKERS for marker in found)
        and len(first_line) <= 30
        and (_DONE.search(first_line) or all(_done_verb(first_line, marker) for marker in found))
    ):
        return True
    if starts:
        heads = {stripped, stripped[_OPENING_PHRASE.match(stripped).end() :]}
        if any(head.startswith(starts) for head in heads):
            return True
        # 为一名新律师准备一份…, 给客户写…: a beneficiary before the verb, without a comma
        beneficiary = _BENEFICIARY.match(stripped)
        if beneficiary and any(verb in beneficiary.group(1) for verb in (*starts, "准备")):
            return True
    if ends:
        first = _TOPIC_END.sub("", _PARENTHETICAL.sub("", first_line).strip("-—•· "))
        if len(first) >= 30 or _PREDICATE.search(first) is not None:
            return False
        # 的 and its head may hold a count or an adjective between them: 信息革命的两个好处, 的独特特点
        heads = tuple(end[1:] for end in ends if end.startswith("的"))
        opened = first.rfind("的")
        return first.endswith(ends) or (
            opened >= 0
            and len(first) - opened <= 9
            and first.endswith(heads)
            and "的" not in first[opened + 1 :]
        )
    return False
