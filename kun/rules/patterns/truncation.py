"""Answers cut off without metadata: a last line that ends mid-clause."""

from __future__ import annotations

import re

from kun.rules.patterns.common import ASKS_FOR_VERSE, DANGLING_END, TERMINAL
from kun.rules.stats import CJK_CHAR, material_of

_ENDS_SENTENCE = set("。！？!?.…”’」』）)】]》~～;；`*>|$_\"'")

_CONTINUES = set("，、,：:（(“「《—-+=／/&")

_LIST_LINE = re.compile(
    r"^\s*(?:[-*•·+]\s|\d{1,3}\s*[.、)）:：]|[（(]\d{1,3}[)）]|[一二三四五六七八九十]+[、.．]|第[一二三四五六七八九十\d]+[步点条章节部分]|[A-Za-z][.)]\s)"
)

# A clause cannot end on a connective: 因为, 而且, 例如 as a line's last word mean the text was cut.
_ENDS_ON_CONJUNCTION = re.compile(
    r"[\u4e00-\u9fff，,](?:因为|所以|但是|而且|并且|如果|虽然|尽管|以及|或者|例如|比如|包括|由于|然而|因此|从而|以便|为了|以免|不过|可是|甚至|即使|只要|只有|除了|其次|然后|接着|和|与|及|跟|或|还有|把|被|对于|关于)$"
)

_CLOSING_MARK = re.compile(
    r"(?:#[^\s#]{1,20}\s*)+[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\s]*$|[\U0001F000-\U0001FAFF\u2600-\u27BF]\uFE0F?$"
)

_SIGNED = re.compile(
    r"[。！？!?.”\"’」』]\s*(?:——|—|--|-|–)\s*[\u4e00-\u9fffA-Za-z0-9·.]{1,12}(?:\s[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z.]{0,15}){0,3}$"
)

_TITLE_LINE = re.compile(r"^\s*(?:#{1,6}\s|\*\*.+\*\*$|[<《【\[].+[>》】\]]$)")

_FORMULA_LINE = re.compile(r"[=≈≠<>≤≥]|\$|\\[a-z]+|[∑∫√]")


def _last_line(text: str) -> str:
    lines = [line for line in text.rstrip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


_NEEDS_MORE = re.compile(r"(?:马上|立刻|立即|然后|接着|需要|应该|可以|比如|例如|包括|像是)$")

# A word no clause ends on (每完成一项就, 先把): an adverb, a preposition or a particle alone.
_FUNCTION_WORDS = frozenset("就才便再又都也还把将被让给和与及或跟同对向从在为的地得很最更太先")


def _ends_on_function_word(line: str) -> bool:
    from kun.rules.words import words

    tokens = words(line)
    return bool(tokens) and tokens[-1] in _FUNCTION_WORDS


def _list_breaks_off(text: str, last: str) -> bool:
    """The list's earlier items end with punctuation and the last, as long, ends on a word."""
    items = [line.strip() for line in text.splitlines() if _LIST_LINE.match(line)][:-1]
    punctuated = [item for item in items if item[-1] in "。！？!?；;，,.、"]
    if not items or len(punctuated) != len(items) or CJK_CHAR.match(last[-1]) is None:
        return False
    shortest = min(len(item) for item in items)
    if _NEEDS_MORE.search(last) or _ends_on_function_word(last):
        return True  # 3. 起床后马上, 3. 每完成一项就
    return len(last) >= shortest or (len(last) >= shortest // 2 and re.search(r"[，,]", last) is not None)


def _breaks_off_after_sentences(instruction: str, lines: list[str], last: str) -> bool:
    """Earlier lines (two or more of 8 characters or more, not list items) end sentences, and the
    last, a clause with a comma in it, ends on a Chinese character: the text was cut (…常用的结构有).
    Verse may leave its last line open, so an instruction asking for verse is spared."""
    prose_lines = [line.strip() for line in lines[:-1] if not _LIST_LINE.match(line)]
    return (
        len(prose_lines) >= 2
        and ASKS_FOR_VERSE.search(instruction) is None
        and all(line[-1] in TERMINAL and len(line) >= 8 for line in prose_lines)
        and re.search(r"[，,]", last) is not None
        and CJK_CHAR.match(last[-1]) is not None
    )


# A line of short items (肾功能不全；蛋白尿, 高兴、愉快、欢乐), after an optional label (标签：…, 导演：…).
_LABEL_PREFIX = re.compile(r"^[^：:，,。；;、\s]{1,10}[：:]\s*")

# Clauses say what happened (草绿了, 花开着); items of a list name things (令人惊奇地，意外地).
_ASPECT = re.compile(r"[了着过是在有要会把被]")

_ASKS_FOR_VERSE_LINES = re.compile(r"歌词|诗|歌|rap|说唱|童谣|顺口溜", re.IGNORECASE)

# A notice or a letter signed on its last line by a body or a class: …请提前储水。物业服务中心
_ASKS_FOR_NOTICE = re.compile(
    r"通知|公告|启事|告示|倡议书|便条|留言条|请假条|信|邮件|短信|贺卡|感谢|致歉|邀请"
)

_SIGNED_BY_BODY = re.compile(
    r"[。！!]\s*[\u4e00-\u9fffA-Za-z0-9·]{1,14}(?:中心|委员会|居委会|办公室|公司|集团|学校|学院|医院|物业|管理处|服务处"
    r"|社区|街道|班委|工会|协会|学生会|部|处|科|组|班|团队|全体员工|全体师生|敬上|谨上|拜上|启|留)$"
)

_SIGN_OFF = re.compile(
    r"(?:祝好|此致|敬礼|最好的祝福|祝福|谢谢|感谢|Best|Regards|Sincerely|Cheers)[，,！!\s]*[\u4e00-\u9fffA-Za-z·]{1,10}$"
)

# A line that opens on a connective and a comma begins a sentence that must go on.
_OPENS_ON_CONNECTIVE = re.compile(
    r"^(?:总之|总而言之|综上所述|综上|因此|所以|另外|此外|首先|其次|最后|例如|比如|但是|然而|同时)[，,][^。！？!?]*[\u4e00-\u9fff]$"
)


def _sentence_begun(line: str) -> tuple[int, str]:
    """Where the line's last sentence mark stands (-1: none) and the words begun after it."""
    closed = max(line.rfind(mark) for mark in "。！？!?")
    return closed, line[closed + 1 :]


def _clause_left_open(line: str) -> bool:
    """A list item that closed a sentence, then began another with a comma in it and left it:
    一、…停用损肝药物。…效果最好的仍然是中药，中药治"""
    closed, tail = _sentence_begun(line)
    return (
        closed >= 4
        and len(CJK_CHAR.findall(tail)) >= 12
        and re.search(r"[，,]", tail) is not None
        and not re.search(r"[，,](?:祝|希望|愿)[^，,]{1,12}$", tail)  # …，祝你早日康复 closes with a wish
    )


def _enumeration(line: str) -> bool:
    """The line lists short items (肾功能不全；蛋白尿, 高兴、愉快、欢乐、喜悦, 写作, 思考, 规划), or
    is a label with a short value (标题：动物园加强安全措施, 导演：乔斯·韦登): a list needs no full
    stop. Clauses between commas are prose, and an item ending on 为, 和, 的… was cut."""
    line = line.strip()
    if DANGLING_END.search(line) or _ENDS_ON_CONJUNCTION.search(line):
        return False
    body = _LABEL_PREFIX.sub("", line, count=1)
    if re.search(r"[。！？!?]", body):
        return False
    if body != line and len(body) <= 30:
        return True
    for separator, least, longest in ((r"[；;]", 2, 20), (r"、", 3, 12), (r",\s", 3, 12), (r"[，,]", 4, 6)):
        items = [item.strip() for item in re.split(separator, body)]
        if len(items) >= least and all(
            0 < len(item) <= longest
            and "，" not in item
            and (separator != r"[，,]" or not _ASPECT.search(item))
            for item in items
        ):
            return True
    return False


def unfinished(instruction: str, answer: str, min_line_chars: int = 16) -> bool:
    """An answer cut off mid-sentence with no finish reason to say so: its last line neither ends a
    sentence nor is code, a list item, a table row, a formula, a title or a short closing line
    (a signature, a date, a line of verse); an unclosed code block is cut too."""
    text = answer.rstrip()
    if not text:
        return False
    if text.count("```") % 2:
        return True
    if text.endswith("```"):
        return False
    last = _last_line(text)
    if (
        _ASKS_FOR_VERSE_LINES.search(instruction)
        and "\n" in text
        and not _ENDS_ON_CONJUNCTION.search(last)
        and last[-1] not in "、：:（(“「《"
    ):
        return False  # lines of verse or lyrics need no punctuation (but no line ends on 、)
    if _SIGN_OFF.search(last) or (_ASKS_FOR_NOTICE.search(instruction) and _SIGNED_BY_BODY.search(last)):
        return False  # …最好的祝福，艾米丽; …请提前储水。物业服务中心
    if (
        _ENDS_ON_CONJUNCTION.search(last)
        and not last.startswith("|")
        and (len(last) >= min_line_chars or re.search(r"[，,]", last))
    ):
        return True
    if _LIST_LINE.match(last) and _ENDS_ON_CONJUNCTION.search(last):
        return True  # a list item cut after 和, 以及, 把: 4. 少看手机和
    if last[-1] in _CONTINUES:
        if last.startswith("|"):
            return False
        if _LIST_LINE.match(last):
            # 3. 卧室保持安静， after items that ended their sentences (1. 固定作息。) is cut;
            # a list whose items all close on a comma is written that way
            earlier = [line.strip() for line in text.splitlines()[:-1] if _LIST_LINE.match(line.strip())]
            return any(line[-1] in TERMINAL for line in earlier)
        return True
    if last[-1] in _ENDS_SENTENCE or last[-1] in TERMINAL or last[-1] in "%％" or _CLOSING_MARK.search(last):
        return False  # …信心：80%, a post closing on its hashtags or an emoji
    if _LIST_LINE.match(last) and (_list_breaks_off(text, last) or _clause_left_open(last)):
        return True
    if (
        _LIST_LINE.match(last)
        or last.startswith("|")
        or _TITLE_LINE.match(last)
        or _FORMULA_LINE.search(last)
        or _enumeration(last)
    ):
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    if _breaks_off_after_sentences(instruction, lines, last):
        return True
    if len(lines) > 1 and len(last) < min_line_chars:
        # a signature, a date, a line of verse; not a sentence begun on a connective (总之，要解决这个问题)
        return _OPENS_ON_CONNECTIVE.match(last) is not None
    if _SIGNED.search(last):
        return False  # a note or a quotation signed at its end: …放在鞋柜上。——阿杰, …" - Paul Rand
    if len(last) >= 4 and last[-4:] in instruction:
        return False  # it ends on the instruction's own words: Arthur, Bob, Louis sorted
    if len(lines) == 1 and not re.search(r"[，,、；;]", last) and len(last) <= 4 * min_line_chars:
        # one short phrase: a name, a title, a translation without its full stop; but a sentence
        # closed, then another begun and left (…防御工程。明朝时又进行了大规模) is cut (a rewrite of
        # given material may end anywhere: ？吗电视看喜欢你)
        closed, tail = _sentence_begun(last)
        return closed >= 4 and len(CJK_CHAR.findall(tail)) >= 6 and not material_of(instruction)
    return len(CJK_CHAR.findall(last)) + len(re.findall(r"[A-Za-z]+", last)) >= min_line_chars // 2
