"""Text statistics shared by every rule: CJK share, repetition, list items, sentences, prose.

Pure functions of a string; the corpus filters (ingest) and the pair gates (filter, assemble,
`kun filter-pairs`) are built on them.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher
from typing import Callable, NamedTuple, Sequence

CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
CJK_CHAR = re.compile(f"[{CJK_RANGES}]")
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])(?![。！？!?；;…”’』」）)])|(?<=[。！？!?][”’』」）)])")
_FENCED = re.compile(r"```.*?(?:```|$)", re.DOTALL)
CODE_BLOCK = re.compile(_FENCED.pattern + r"|`[^`\n]*`", re.DOTALL)
_URL = re.compile(r"https?://\S+")
# A list marker at the start of a line or after a space: 1. 1、 1) （1） (1) - * • ·
_LIST_MARKER = re.compile(
    r"(?:^|(?<=\s))(?:\d{1,3}\s*[.、)）:：]|[（(]\d{1,3}[)）]|[（(][一二三四五六七八九十]{1,3}[)）]|[-*•·]|[①-⑳⑴-⒇❶-❿]|[A-Za-z]\s*[.)、]|[一二三四五六七八九十]{1,3}[、.．]|第[一二三四五六七八九十\d]{1,3}[^\s：:，,。]{0,2}[：:、，,])\s*",
    re.MULTILINE,
)
_ITEM_NOISE = re.compile(r"[\s\d.,;:!?，。、；：！？\"'“”‘’()（）\[\]【】*#|-]+")
# A word of a script written with spaces (Latin, Greek, Cyrillic, ...): two or more letters that
# are not CJK; single letters and function names are math (x, H₂O, sin x, log₂64).
_NON_CJK_WORD = re.compile(
    f"[^\\W\\d_{CJK_RANGES}\u3040-\u30ff\uac00-\ud7af\u00b2\u00b3\u00b9\u2070-\u209f]{{2,}}"
)
_MATH_NAMES = frozenset(
    {
        "sin",
        "cos",
        "tan",
        "cot",
        "sec",
        "csc",
        "log",
        "ln",
        "lg",
        "lim",
        "exp",
        "max",
        "min",
        "sqrt",
        "mod",
        "gcd",
        "lcm",
        "det",
        "dx",
        "dy",
        "dt",
    }
)
QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|《[^》]*》|\"[^\"]*\"")
# A formula written inline: digits, short letter runs (variables, units) and operators, with at
# least one operator: (a+b)² − (a−b)² = 4ab, 3x + 5 = 20, x² − 1.
_FORMULA = re.compile(r"[A-Za-z0-9\s+\-−*/^=()\[\]²³¹⁰-⁹₀-₉·×÷.,<>≤≥√π%]+")
_OPERATOR = re.compile(r"[=+−^×÷²³√*/<>≤≥]|(?<=\w)-(?=\w)")
_LETTER_RUN = re.compile(r"[A-Za-z]+")
TEX_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)


def split_sentences(paragraph: str) -> list[str]:
    """Split at sentence-final punctuation, keeping closing quotes with their sentence."""
    return [piece for piece in _SENTENCE_END.split(paragraph) if piece.strip()]


# A line of code written without a fence: SQL, a statement ending in ; or a brace, a definition.
_CODE_LINE = re.compile(
    r"^\s*(?:(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WITH|FROM|WHERE|GROUP BY|ORDER BY|JOIN)\b"
    r"|(?:def|class|import|return|for|while|if|elif|else|function|const|let|var|public|private|static|void|int)\b[^\u4e00-\u9fff]*$"
    r"|#include|console\.|print\(|System\.out)"
    r"|[;{}]\s*$"
    r"|^[^\u4e00-\u9fff]*[(,]\s*$|^\s*\)"
    r"|^\s*\w+\s+(?:INT|INTEGER|VARCHAR|CHAR|TEXT|DATE|DATETIME|BOOLEAN|FLOAT|DOUBLE|DECIMAL|BIGINT|SERIAL)\b",
)


def looks_like_code(text: str) -> bool:
    """Most non-empty lines of the text are code written without a fence (SELECT * FROM t;)."""
    lines = [line for line in prose(text).splitlines() if line.strip()]
    return bool(lines) and sum(1 for line in lines if _CODE_LINE.search(line)) * 2 > len(lines)


def cjk_ratio(text: str) -> float:
    """Share of CJK ideographs among the non-space characters."""
    visible = sum(1 for char in text if not char.isspace())
    return len(CJK_CHAR.findall(text)) / visible if visible else 0.0


def prose(text: str) -> str:
    """The text without code blocks, inline code and URLs (they are not language)."""
    return _URL.sub(" ", CODE_BLOCK.sub(" ", text))


def cjk_letter_ratio(text: str) -> float:
    """Share of CJK ideographs among the letters of the prose (1.0 when it has no letters)."""
    text = prose(text)
    letters = sum(1 for char in text if char.isalpha())
    return len(CJK_CHAR.findall(text)) / letters if letters else 1.0


def _drop_formula(match: re.Match) -> str:
    span = match.group(0)
    is_formula = (
        _OPERATOR.search(span) is not None
        and max((len(run) for run in _LETTER_RUN.findall(span)), default=0) <= 3
    )
    return " " if is_formula else span


def cjk_word_share(text: str) -> float:
    """CJK ideographs / (CJK ideographs + words of other letters) in the prose, 1.0 when it has
    neither. A Latin word weighs as much as a Chinese character, so `SQL 中 INNER JOIN 和
    LEFT JOIN 有什么区别？` is a Chinese sentence and `The Spring Festival is...` is not. Formulas
    (TeX math, and inline ones such as `(a+b)² = a² + 2ab + b²`) are not language."""
    text = _FORMULA.sub(_drop_formula, TEX_MATH.sub(" ", prose(text)))
    cjk = len(CJK_CHAR.findall(text))
    words = sum(1 for word in _NON_CJK_WORD.findall(text) if word.lower() not in _MATH_NAMES) + sum(
        1 for char in text if "\u3040" <= char <= "\u30ff" or "\uac00" <= char <= "\ud7af"
    )
    return cjk / (cjk + words) if cjk + words else 1.0


def repeated_share(values: Sequence[str]) -> float:
    """Share of values repeating an earlier one (0 for fewer than two)."""
    return 1.0 - len(set(values)) / len(values) if len(values) > 1 else 0.0


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


# Modal and degree words a paraphrase adds or swaps (可以/能/能够, 很, 我们).
_FILLER = re.compile(
    r"可以|能够|能(?![量力源耗效手])|需要|一定|应该|应当|很|非常|十分|特别|更加|我们|你们|人们|大家|的时候|一些|一点|一下"
    # 时 as 的时候 (看书时 / 看书的时候), not inside a word (时间, 及时, 小时)
    r"|(?<![及按准同暂当临定小平有那这此届随彼旧何])时(?![间候期代刻常尚光节机差速针钟事令髦段])"
)


class _Said(NamedTuple):
    """A value as the near-repeat test compares it, each part computed once."""

    text: str
    grams: set[str]
    numbers: list[str]
    chars: frozenset[str]  # its CJK characters
    negations: int  # how many negations it holds: 可以食用 / 不可以食用 differ, 叫个不停 is none
    written: str  # as written, fillers included


def near_repeated_share(
    values: Sequence[str],
    overlap: float = 0.7,
    min_chars: int = 5,
    restatements: bool = True,
    restates: Callable[[str, str], bool] | None = None,
) -> float:
    """Share of values that repeat an earlier one or nearly do: for values of `min_chars` or more
    that open with the same two characters, at least `overlap` of the smaller one's character
    bigrams are in the other (看书时保持正确姿势，眼睛与书本保持一尺距离 ~ 看书时要保持正确的
    姿势，眼睛和书本保持一尺的距离). Parallel sentences about different subjects (苹果富含膳食纤维 /
    香蕉富含膳食纤维和钾) open differently and do not count. A paraphrase that reorders or swaps a
    verb (要少看手机保护视力 / 保护视力要少看手机; 多喝水有助于新陈代谢 / 多喝水有利于促进新陈代谢)
    counts when the two say the same characters, and with `restatements` when one holds the
    other's content and adds a character or two: see `_same_characters`. `restates(earlier,
    later)`, when given, tells paraphrases in other words (kun.rules.meaning), under the same
    checks of numbers and negations."""
    seen: list[_Said] = []
    repeats = 0
    for written in values:
        value = _FILLER.sub("", written) or written  # 旅行可以/能/能够开阔我们的眼界 say one thing
        # numbers and Latin words name what a sentence is about (1月1日/1月2日, TSS/TDS, NP -> N)
        said = _Said(
            value,
            _bigrams(value),
            re.findall(r"[A-Za-z0-9]+", value),
            # 不要 and 别 forbid alike: compared as characters, every negation is 不
            frozenset(CJK_CHAR.findall(_NEGATION.sub("不", value))),
            len(_NEGATION.findall(value)),
            written,
        )
        near = len(value) >= min_chars and any(
            (
                earlier.text[:2] == value[:2]
                and len(earlier.grams) >= min_chars - 1
                and len(said.grams & earlier.grams) >= overlap * min(len(said.grams), len(earlier.grams))
            )
            or _same_characters(said, earlier, restatements)
            or (restates is not None and restates(earlier.written, written))
            for earlier in seen
            # sentences that differ in their numbers, Latin words or negations say different things
            if earlier.numbers == said.numbers and earlier.negations == said.negations
        )
        repeats += near or any(said.grams == earlier.grams for earlier in seen)
        seen.append(said)
    return repeats / len(values) if len(values) > 1 else 0.0


# A conclusion may restate the opening (总之，多喝水有益健康): that is no paraphrased repetition.
_CONCLUDES = re.compile(r"^(?:总之|总而言之|综上|综上所述|总的来说|所以|因此|可见|由此可见|简而言之|一句话)")


def concludes(sentence: str) -> bool:
    """The sentence opens as a conclusion (总之, 所以, 因此…)."""
    return _CONCLUDES.search(sentence) is not None


# Characters a paraphrase swaps without changing what is said: function words, modal and degree
# words, and the verbs of help and benefit (有助于/可以帮助/有利于促进). 不, 没 and content
# characters are not among them: 可变/不可变, 方括号/圆括号 say different things.
_PARAPHRASE_CHARS = frozenset(
    "有助于帮利促进益可以能够会要想需应该当为了就才便只也都还又再更很太非常比较最一些点下个种样而且并和与及或其此该这那们的地得着过是在对把将使让给来去吧呢啊丰富多许量里加之间待处好"
)


# A negation (不, 没, 别…), not a word that holds the character and negates nothing (不停, 无论,
# 非常, 特别, 区别).
_NEGATION = re.compile(
    r"不(?![停断少错仅但久过同管如然止足禁])|没|未(?!来)|无(?![论数限穷比])|非(?!常)|莫|勿|否"
    r"|(?<![特区分告性类级识差个派辨鉴离道])别(?![人的处墅名称致])"
)
# Characters that change what a sentence says when one adds them: negations and numerals
# (可以食用 / 不可以食用, 一班 / 二班).
_CHANGES_MEANING = frozenset("不没无非未莫勿否别〇零一二两三四五六七八九十百千万亿")


def _same_characters(said: _Said, earlier: _Said, restatements: bool, min_chars: int = 5) -> bool:
    """Two sentences of `min_chars` or more, neither a conclusion, that say one thing twice: of
    like length (the shorter at least 70% of the longer) with CJK characters that differ only in
    function, modal and helping-verb characters (要少看手机保护视力 / 保护视力要少看手机), or, with
    `restatements`, one holding the other's content characters and adding one or two of its own
    (礼貌是文明的一种表现 / 讲礼貌是文明的表现; 读书可以增长知识 / 多读书能增长人的知识). Parallel
    sentences differ in content characters on both sides (有序、可变，用方括号表示 / 有序、不可变，用
    圆括号表示) and do not count; nor does one that adds a negation or a number."""
    shorter, longer = sorted((len(said.text), len(earlier.text)))
    if min(len(said.written), len(earlier.written)) < min_chars:
        return False
    if concludes(said.text) or concludes(earlier.text):
        return False
    shared = said.chars & earlier.chars
    content = shared - _PARAPHRASE_CHARS
    if len(content) < 4:
        return False
    added = (said.chars ^ earlier.chars) - _PARAPHRASE_CHARS
    if not added:
        return shorter >= 0.7 * longer
    if not restatements:
        return False
    # the added characters all on one side: the other sentence's content is held whole, and the
    # few added bound how much longer the other may be
    if added & _CHANGES_MEANING:
        return False
    one_side = added <= said.chars or added <= earlier.chars
    if one_side:
        # a qualifier of up to three characters added to a sentence held whole, on the same subject
        # (海豚是一种聪明的动物 / 海豚是非常聪明的海洋哺乳动物), says it again
        return len(added) <= 2 or (
            len(added) <= 3 and len(content) >= 6 and said.text[:2] == earlier.text[:2]
        )
    # a word swapped for another on the same subject: one character on each side, four or more
    # content characters shared (蔬菜含有丰富的维生素 / 蔬菜里面有很多维生素); not a slot filled twice
    # in one frame (我很喜欢春天 / 我很喜欢夏天), which is a parallel sentence
    return (
        said.text[:2] == earlier.text[:2]
        and len(content) >= 4
        and len(added & said.chars) <= 1
        and len(added & earlier.chars) <= 1
        and not slots_filled_alike(said.text, earlier.text)
    )


def slots_filled_alike(first: str, second: str) -> bool:
    """The two differ only where one span stands in for another of its length, the frame around
    them the same: 我很喜欢春天 / 我很喜欢夏天."""
    if len(first) != len(second):
        return False
    operations = SequenceMatcher(None, first, second, autojunk=False).get_opcodes()
    return all(
        tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1) for tag, i1, i2, j1, j2 in operations
    )


def repeated_line_ratio(text: str) -> float:
    """Share of non-empty lines that repeat an earlier line."""
    return repeated_share([line.strip() for line in text.split("\n") if line.strip()])


def top_char_ratio(text: str) -> float:
    """Share of the most frequent visible character among visible characters."""
    visible = [char for char in text if not char.isspace()]
    return Counter(visible).most_common(1)[0][1] / len(visible) if visible else 0.0


# Drawing characters in a run (an ASCII chart's +-----+ and | borders): no language to repeat.
_DRAWING = re.compile(r"[\s\-=+_|*#~.·─━│┃┌┐└┘├┤┬┴┼═║╔╗╚╝█▓▒░]{3,}")


def repeated_ngram_ratio(text: str, n: int = 10) -> float:
    """Share of character n-gram occurrences that repeat an earlier occurrence (runs of drawing
    characters, an ASCII chart's borders, count once as a space)."""
    text = _DRAWING.sub(" ", text)
    if len(text) <= n:
        return 0.0
    grams = [text[i : i + n] for i in range(len(text) - n + 1)]
    return 1.0 - len(set(grams)) / len(grams)


def opening_repeated_unit(text: str, min_repeats: int = 3, max_unit: int = 20) -> str | None:
    """The unit an answer opens with when it repeats it `min_repeats` times back to back
    (`好的好的好的…`, `1.1.1.`, `谢谢 谢谢 谢谢`) or with pauses between (`桂林桂林，桂林桂林，…`,
    returned with a pause: `桂林，`), else None. Units of punctuation or spaces alone (`……`, `——`)
    and listed numbers (`11，12，22`) do not count."""
    text = text.lstrip()
    for size in range(1, max_unit + 1):
        unit = text[:size]
        if len(unit) < size or not any(char.isalnum() for char in unit):
            continue
        if text.startswith(unit * (min_repeats - 1) + unit.rstrip()):
            return unit
    # a unit said with pauses between (桂林桂林，桂林桂林，…, 大海 大海 大海): returned with its pause
    for size in range(1, max_unit + 1):
        unit = text[:size]
        # numbers listed (11，12，22) are no unit said again
        if len(unit) < size or not unit.isalnum() or any(char.isdigit() for char in unit):
            continue
        if _said_again_after_pauses(text, unit, min_repeats):
            return unit + "，"
    return None


_PAUSES = "，,、 \t\n"


def _said_again_after_pauses(text: str, unit: str, times: int) -> bool:
    """`text` opens with `unit` said `times` times, pauses between allowed; one character is said
    again only after a pause (鹅，鹅，鹅; not 好，好好学习)."""
    position = len(unit)
    for _ in range(times - 1):
        after_pause = position
        while after_pause < len(text) and text[after_pause] in _PAUSES:
            after_pause += 1
        if (len(unit) == 1 and after_pause == position) or not text.startswith(unit, after_pause):
            return False
        position = after_pause + len(unit)
    return True


_LABEL = re.compile(r"^\s*[A-Za-z]{2,12}\s*$")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def enumerations(text: str, min_items: int = 4) -> list[list[str]]:
    """The runs of `min_items` or more terms a clause lists with 、 (泰山、黄山、华山、泰山), each
    term stripped; a trailing 等 is no term of its own. A run holding a one-character term is a
    sequence of values (阳、阴、阳、阳), which may repeat, unless it is said twice over."""
    runs = []
    for clause in re.split(r"[。！？!?\n；;，,：:]", prose(text)):
        terms = [re.sub(r"\s+|等$", "", term) for term in clause.split("、")]
        # one-character terms are values (阳、阴、阳) unless the whole run is said twice over
        # (京、沪、津、渝、京、沪、津、渝)
        said_twice = len(terms) % 2 == 0 and terms[: len(terms) // 2] == terms[len(terms) // 2 :]
        if len(terms) >= min_items and (
            all(len(term) >= 2 for term in terms) or (said_twice and len(set(terms)) >= 3)
        ):
            # the clause's lead and tail cling to the first and last terms (常见的有苹果, 橘子组成)
            terms[0] = next((term for term in terms[1:] if terms[0].endswith(term)), terms[0])
            terms[-1] = next((term for term in terms[:-1] if terms[-1].startswith(term)), terms[-1])
            runs.append(terms)
    return runs


def list_items(text: str) -> list[str]:
    """Lines and list items with their markers, numbers and punctuation stripped (empty ones
    dropped). An item of mostly digits keeps them (448 / 8 = 56 余数 0 and 56 / 8 = 7 余数 0 are
    steps of a calculation); the label before a number (`Person 1:`) and symbols alone are no
    item."""
    items = []
    for line in prose(text).splitlines():
        # a table row is one item: `| A | A、AB |` holds no list markers
        table_row = line.lstrip().startswith("|")
        pieces = [line] if table_row else _LIST_MARKER.split(line)
        if len(pieces) > 1 and _LABEL.match(pieces[0]):
            pieces = pieces[1:]  # `Person 1: …`, `Step 2: …`: the word before the number labels the item
        for piece in pieces:
            # a table row keeps its numbers: | 8:00 | 300ml | and | 10:30 | 250ml | differ
            if table_row:
                item = re.sub(r"[\s|]+", "", piece)
            else:
                cjk = len(CJK_CHAR.findall(piece))
                if cjk == 0 and _LATIN_WORD.search(piece) is None:
                    continue  # symbols and numbers only: 6 x 6 = 36 is no item to compare
                digits = sum(char.isdigit() for char in piece)
                # numbers that carry the item (448 / 8 = 56, 1月2日：8:00上班) are kept
                item = (
                    re.sub(r"\s+", "", piece) if digits > cjk or digits >= 4 else _ITEM_NOISE.sub("", piece)
                )
            # one character split off mid-line (次 of `林青霞 - 2次`) is no item of its own
            if len(item) >= 2 or (item and (table_row or sum(1 for piece in pieces if piece.strip()) == 1)):
                items.append(item)
    return items


def sentences(text: str) -> list[str]:
    """Sentences of at least four characters, four of them Chinese, normalised for comparison
    (table rows, formulas and code are not sentences). Inline code stays (it is
    what tells `git add` 后改动暂存 from `git commit` 后改动保存); code blocks and URLs go."""
    found = []
    for line in _URL.sub(" ", _FENCED.sub(" ", text)).replace("`", "").splitlines():
        if line.count("|") >= 2:
            continue  # a table row is data: rows of one table open alike by design
        for sentence in split_sentences(line):
            # numbers that carry the sentence (从20年到21年，资产从15.41亿元增长到20.7亿元) are kept
            digits = sum(char.isdigit() for char in sentence)
            normal = re.sub(r"\s+", "", sentence) if digits >= 3 else _ITEM_NOISE.sub("", sentence)
            # prose: a formula or a line of code (v = 10 m/s + 20 m/s) is no sentence
            if len(normal) >= 4 and len(CJK_CHAR.findall(sentence)) >= 4:
                found.append(normal)
    return found


_FIRST_SENTENCE = re.compile(r"^[^。！？!?\n]{2,80}[。！？!?]\s*")
_MORE_REQUEST = re.compile(
    r"^(?:请|要求|注意|并|然后|再|用|以|字数|不少于|不超过|限|格式|需要|最后|同时|另外|此外)"
)


def material_of(instruction: str) -> str:
    """The material an instruction carries: its lines after the first (`改写下面的句子：` + the
    sentence), what follows its first colon on the same line (`翻译成英文：这本书对我影响很大。`), or
    what follows its first sentence when that is ten characters or more and neither a question nor
    a further demand (`预测以下故事的下一句。她对见新城市的人感到紧张。`, not `…。要求不超过100字。`)."""
    lines = [line for line in instruction.strip().splitlines() if line.strip()]
    if len(lines) > 1:
        return "\n".join(lines[1:]).strip()
    parts = re.split(r"[：:]", lines[0], maxsplit=1) if lines else []
    if len(parts) == 2:
        return parts[1].strip()
    first = _FIRST_SENTENCE.match(lines[0]) if lines else None
    rest = lines[0][first.end() :].strip() if first else ""
    if len(rest) >= 10 and not _MORE_REQUEST.match(rest) and not any(mark in rest for mark in "？?"):
        return rest
    return ""
