"""Chat-template leaks and hallucinated further turns after the answer."""

from __future__ import annotations

import re

from kun.rules import cooccur
from kun.rules.patterns.common import ASKS_FOR_DIALOGUE, ASKS_FOR_STORY
from kun.rules.stats import prose

_I = re.IGNORECASE


_TEMPLATE_LEAK = re.compile(
    r"<\|[A-Za-z_][A-Za-z0-9_]{1,40}\|>|<｜[^｜\n]{1,30}｜>|</?think>|</?(?:assistant|user|system|human|bot|answer|question|response|reply|query)>|^\s*\[/?(?:ASSISTANT|USER|SYSTEM|HUMAN|BOT|Assistant|User|System|assistant|user|system)\]\s*$|<eo[tm]>|\A\s*(?:Assistant|ASSISTANT|assistant|GPT|Bot|Response|Output)\s*[:：]|\A\s*\[(?:ASSISTANT|Assistant|assistant|BOT|Bot|AI)\]|</?s>|<(?:eos|bos|pad|unk)>|\[/?INST\]|<<\s*/?SYS\s*>>|<(?:start|end)_of_turn>"
    # Alpaca's ### Response: and a role as a header (### 用户); a section header naming content
    # (## 回答, ## 问题) needs the colon to be one
    r"|^\s*#{2,4}\s*(?:Instruction|Response|Input|Output|Human|Assistant|System|User|Bot|指令|用户|助手|系统|机器人|追问|提问)\s*[:：]?\s*$"
    r"|^\s*#{2,4}\s*(?:回答|回复|输入|输出|问题|答案)\s*[:：]\s*$"
    # a chat role alone on its line in lower case: ChatML with its tokens stripped
    r"|^(?-i:assistant|user|system)$",
    re.MULTILINE | _I,
)

_USER_TURN = re.compile(
    r"^\s*(?:>\s*)*(?:[→•·\U0001F300-\U0001FAFF\u2600-\u27BF]\uFE0F?\s*)?(?:#+\s*)?(?:\*{1,2}|_{1,2})?(?:(?:用户|(?i:user|human)|User|USER|Human|HUMAN|人类|提问者|提问|追问|访客|客户|网友|楼主|博主|对方|粉丝|Instruction|INSTRUCTION|指令|Prompt|PROMPT|Q\d*|问)(?:追问|又问|问|说|提问|回复)?(?:\s?[（(][^）)\n]{1,14}[）)])?(?:\*{1,2}|_{1,2})?\s*[:：]"
    r"|(?:下一个问题|下个问题|问题\s*\d+|Question\s*\d*|用户的?(?:下一个|下个|新的?|另一个)问题)\s*[:：]"
    r"|Q\d+\s*[.．、]\s*\S|(?:追问|提问|用户|问)\s*>>"
    r"|[🧑👤🙋👩👨]\uFE0F?\s*(?:我|用户|家长|顾客)?\s*[:：]"
    r"|[-—–=*~]{2,}\s*(?:用户|(?i:user|human)|人类|提问者|访客|客户|网友)(?:追问|又问|提问|问|说)?\s*[-—–=*~]{2,}\s*$"
    r"|[【\[<（(](?:用户|(?i:user|human)|人类|提问|追问|再问|又问|问题|下一个问题|下个问题|问|Q|网友|楼主|博主|对方|读者|粉丝|买家|顾客)[】\]>）)]"
    r"|^\s*#\s*(?:用户|(?i:user|human)|提问|提问者)\s*#)",
    re.MULTILINE,
)

_ASSISTANT_TURN = re.compile(
    r"^\s*(?:>\s*)*(?:[→•·\U0001F300-\U0001FAFF\u2600-\u27BF]\uFE0F?\s*)?(?:#+\s*)?(?:(?:\*{1,2}|_{1,2})?(?:助手|Assistant|ASSISTANT|Answer|ANSWER|Response|AI|Bot|机器人|A\d*|答|回答|系统|System)(?:\*{1,2}|_{1,2})?\s*[:：]|[【\[<](?:助手|Assistant|AI|机器人|回答|回复|答|A)[】\]>]|A\d+\s*[.．、]\s*\S|🤖\uFE0F?\s*[:：]|(?:回答|答|助手)\s*>>)",
    re.MULTILINE,
)


def template_leak(text: str) -> bool:
    return _TEMPLATE_LEAK.search(prose(text)) is not None


def next_turn(instruction: str, answer: str) -> bool:
    """A further turn the model went on to write (`用户：…`, `Human: …`, `问：…/答：…`) after its answer."""
    text = prose(answer).strip()
    body = text.split("\n", 1)[1] if "\n" in text else ""
    if not body or ASKS_FOR_DIALOGUE.search(instruction):
        return False
    user = _USER_TURN.search(body)
    asked = user.group(0).strip().lstrip(">#【[<*_ ") if user is not None else ""
    if user is not None and (
        not asked.startswith(("Q", "问", "提问", "追问"))
        or _ASSISTANT_TURN.search(body[user.end() :]) is not None
    ):
        return True
    if cooccur.tagged_turns(instruction, text) or _FOLLOW_UP.search(body):
        return True
    return (not ASKS_FOR_STORY.search(instruction) and _dialogue_tail(body)) or _CHEVRON_TURNS.search(
        body
    ) is not None


# A line spoken by someone: `>> 小明：…`, `**张三**：…`
_SPEAKER_LINE = re.compile(
    r"^\s*(?:>+\s*|[-—–→•·]+\s*)?(?:\*{1,2}|_{1,2})?([\u4e00-\u9fffA-Za-z]{1,5})(?:[（(][^）)\n]{1,4}[）)])?(?:\*{1,2}|_{1,2})?[ \t]*[:：][ \t]*(\S[^\n]*)",
    re.MULTILINE,
)

# A question put in the asker's mouth after the answer, its line ending on it: 你可能还想问：几点睡算
# 早睡？ (你可能会问：…？其实… answers its own question in the line: a device of exposition)
_FOLLOW_UP = re.compile(
    r"^\s*(?:(?:你|您)(?:可能|也许|或许)?(?:还)?(?:想问|想知道|关心|感兴趣的)|猜你想问|猜你还想问|大家还(?:常|在)?问)"
    r"[^\n:：]{0,4}[:：][^\n]*[？?]\s*$",
    re.MULTILINE,
)

# >>> before a question in words (not a Python prompt: >>> print(1)), or >>> … <<< turns
_CHEVRON_TURNS = re.compile(
    r"^\s*>>>[^\n]*\n\s*<<<|^\s*>>>\s*[^\n]*[\u4e00-\u9fff][^\n]*[？?]\s*$", re.MULTILINE
)

# A speaker named by role: 来访者, 咨询师, 营养师, 店员, 网友.
_PERSON = re.compile(r"(?:者|师|员|生|友|主|客|人|长|官|妈|爸|士|姐|哥)$")

_REPLIER = frozenset(
    {
        "回复",
        "回答",
        "答",
        "助手",
        "AI",
        "我",
        "博主",
        "楼主",
        "作者",
        "客服",
        "小编",
        "机器人",
        "Bot",
        "A",
        "Me",
        "助理",
        "Model",
        "GPT",
    }
)

# A label, not a speaker: 问句：…, 祈使句：…, 同义词：…
_SECTION_LABELS = frozenset("分析 解析 详解 点睛 证明 提示 注意 注 备注 说明 解 故 思路 步骤".split())

_LABEL_SPEAKER = re.compile(
    r"(?:句|词|语|式|法|类|型|义|点|(?<!问)题|案|称|项|例|率|量|值|果|论|因|面|页|栏)$"
)


def _dialogue_tail(body: str) -> bool:
    """Two or more lines after the answer spoken by different speakers, one of them a replier
    (回复, 博主, 客服, 我) or the first asking a question: a conversation the model went on to
    write (`>> 小明：…` / `>> 回复：…`, `顾客：那素食者怎么办？` / `店员：…`). 优点：…/缺点：… is neither."""
    # a line said, not a salutation (王老师：) or a signature (学生：李明)
    lines = [
        match
        for match in _SPEAKER_LINE.finditer(body)
        if len(match.group(2).strip()) >= 5 or match.group(2).rstrip().endswith(("？", "?"))
    ]
    if not lines:
        return False
    lines = [
        match
        for match in lines
        if not _LABEL_SPEAKER.search(match.group(1)) and match.group(1) not in _SECTION_LABELS
    ]
    if not lines:
        return False
    speakers = [match.group(1) for match in lines]
    after_last = body[lines[-1].end() :].strip()
    if len(set(speakers)) < 2 or after_last:
        return False  # an example dialogue the answer goes on to explain is not a further turn
    first = body[lines[0].start() :].lstrip().split("\n", 1)[0].rstrip()
    people = sum(1 for speaker in set(speakers) if _PERSON.search(speaker))
    return any(speaker in _REPLIER for speaker in speakers) or first.endswith(("？", "?")) or people >= 2
