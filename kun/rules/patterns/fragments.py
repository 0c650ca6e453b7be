"""Instructions cut short: a count, a guide phrase or a verb with nothing after it."""

from __future__ import annotations

import re

from kun.rules.patterns.common import DANGLING_END, TERMINAL
from kun.rules.patterns.requests import has_options

_I = re.IGNORECASE


_EMPTY_SLOT = re.compile(
    r"(?:一下|比较|对比|区分|区别)\s*(?:和|与|跟|及)(?!比较|对比|区分|分析|评价|描述|对照|区别)|(?:和|与|跟)(?:有什么|有何|有哪些)"
    r"|(?:关于|对于)\s*的|(?:^|[，,。；;：:])[^，,。；;：:与和跟同及]*?有关\s*的|一下的"
    r"|(?:和|与|跟)\s*(?:的)?(?:区别|异同|不同|差异)(?=[。？?！!，,；;\s]|$|是|在|有|吗|呢)|“\s*”|「\s*」|《\s*》|(?<![A-Za-z0-9_])(?:（\s*）|\(\s*\))"
)

# A request that ends on a count with no noun: 列举三个, 推荐两本, 写5条.
_COUNT_WITHOUT_NOUN = re.compile(
    r"^(?:请|麻烦)?(?:你)?(?:帮我|给我|为我)?(?:列举|列出|写出?|推荐|举出?|说出|介绍|给出|提供)(?:一下)?\s*[一二两三四五六七八九十几\d]+\s*(?:个|种|首|篇|条|本|部|项|位|款|家|样|则|句|段|点)"
    # …or with a modifier whose head never came: 列出五个以字母, 写三首关于
    r"(?:(?:以|用|从|在|关于|有关|跟|和|与|对于|属于)[^的，,。？?！!\s]{0,6})?[。？?！!]?$"
)

# A request that breaks off after a count: 请为我的新店起一个, 帮我写两首
# A how-question whose verb has no object: 如何提高, 怎么预防
# Only when nothing comes before it: 感冒怎么预防 names its object first and is a whole question.
# Only the phrase that says what to go by, and no verb: 请根据下列关键词, 基于以下数据, 请结合上述材料.
_GUIDE_WITHOUT_VERB = re.compile(
    r"^(?:请|请你|请您|麻烦(?:你|您)?|帮我)?(?:根据|依据|按照|依照|参照|参考|基于|针对|围绕|结合)"
    r"(?:下列|以下|下面|上述|以上|上面|这些|这几个|这个|这段|这篇|给定|所给|提供)的?"
    r"(?:[一二两三四五六七八九十几]?(?:个|条|段|篇|组|项))?(?:相关|参考|背景|阅读|补充)?"
    r"(?:关键词|词语|材料|资料|信息|数据|内容|要求|提示|条件|主题|句子|段落|文字|文章|例子|表格|图表|问题|情况|场景|描述|要点|大纲|格式|事实|观点|选项)$"
)

_HOW_WITHOUT_OBJECT = re.compile(
    r"^(?:请问|请告诉我|告诉我|你知道)?(?:如何|怎么|怎样|怎么样)(?:才能|才可以|去|来)?(?:提高|提升|改善|制作|预防|治疗|处理|解决|选择|避免|保护|降低|增加|减少|培养|判断|区分|缓解|应对)$"
    # a route cut before its destination: 帮我查一下明天从上海到
    r"|从[^，,。？?怎如]{1,10}(?:到|至)$"
)

_ENDS_ON_COUNT = re.compile(
    r"[\u4e00-\u9fff][一二两三四五六七八九十几\d]\s*(?:个|首|篇|段|封|份|条|本|部|种|句|位|些|张|幅|款|道)$"
    r"|(?:取|起|写|来|做|编|想|推荐|讲|画|设计)(?:个|首|篇|段|句)$"
)

# The label of the answer a prompt leaves open (FLAN-style templates): A:, 答案：, 解决方案：.
_ANSWER_CUE = re.compile(
    r"^\s*(?:A|答|答案|回答|输出|解答|解决方案|学生|助手|结果|Answer|Output|Solution|Response|Assistant)\s*[:：]\s*$",
    _I,
)

# One-character function words a request may dangle on; a longer word may end on them (禁用, 总和),
# while a verb ending a longer word still dangles (写一首描写).
_FUNCTION_CHARS = frozenset("把将成为给和与跟及或并的在从向用以对是有")

# An analogy to complete (不稳定：动荡：：变化：, 发电机:电能 → 风车:( )).
_ANALOGY = re.compile(r"[:：]{2}|→")

_QUESTION_BEFORE_COLON = re.compile(
    r"(?:怎么|怎样|如何|什么|哪些|为什么|多少|吗|呢)[^，,。；;\n]{0,4}[:：]\s*$"
)

# A dialogue to continue, closing on the next speaker's name after a finished line: …你觉得呢？约翰：
_NEXT_SPEAKER = re.compile(r"[。！？!?…」”]\s*[\u4e00-\u9fffA-Za-z]{1,8}\s*[:：]\s*$")

_REASONING_CUE = re.compile(
    r"(?:(?:请|让我们)?(?:先)?(?:慢慢|仔细|一步一步地?|逐步|认真)?(?:思考|想一想|想想|推理|分析)(?:一下)?|推理过程|解题过程|思考过程|分析过程|解题步骤)\s*[:：]\s*$"
)


def _ends_inside_a_word(text: str) -> bool:
    """The text's last character belongs to a longer word of jieba's dictionary (禁用, 总和)."""
    from kun.rules.words import words

    tokens = [token for token in words(text[-8:]) if token.strip()]
    return bool(tokens) and len(tokens[-1]) > 1


def instruction_fragment(instruction: str) -> bool:
    """An instruction cut before its object (`请将下面的句子翻译成`, `写一篇关于`) or with an empty slot
    (`比较一下和的区别`, `“”`, a trailing colon with nothing after it)."""
    text = instruction.strip()
    if not text:
        return False
    if (
        ("\n" in text and _ANSWER_CUE.match(text.rsplit("\n", 1)[1]))
        or _REASONING_CUE.search(text)
        or _NEXT_SPEAKER.search(text)
    ):
        return False  # a prompt closing on the answer's label (…选择最佳答案。\nA:) or 一步一步的推理过程： is whole
    if _ANALOGY.search(text) or has_options(text):
        return False  # 不稳定：动荡：：变化：, 发电机:电能 → 风车:( ), …的是( )。A．蓝牙 B．WiFi
    if text[-1] in "：:":
        return not _QUESTION_BEFORE_COLON.search(text)  # 履历要怎么写： asks its question
    first = text.split("\n", 1)[0].strip()  # later lines are material, which may end anyhow
    if _EMPTY_SLOT.search(first) or _COUNT_WITHOUT_NOUN.match(first):
        return True
    if "\n" in text or first[-1] in TERMINAL:
        return False
    if _GUIDE_WITHOUT_VERB.match(first):
        return True
    dangling = DANGLING_END.search(first)
    if (
        dangling is not None
        and len(dangling.group(0).strip()) >= 2
        and first[: dangling.start()].endswith("的")
    ):
        dangling = None  # 一个虚构角色的描述: after 的, 描述 is a noun
    if dangling is not None and dangling.group(0).strip() in _FUNCTION_CHARS and _ends_inside_a_word(first):
        dangling = None  # 禁用, 作用, 总和: the character ends a word, it is no dangling 用 or 和
    return dangling is not None or any(
        pattern.search(first) for pattern in (_ENDS_ON_COUNT, _HOW_WITHOUT_OBJECT)
    )
