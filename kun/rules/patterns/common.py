"""What an instruction asks for, and text shapes, that more than one family consults."""

from __future__ import annotations

import re

_I = re.IGNORECASE


# A dialogue or a script asked for (写一段客服对话, 描述两个机器人之间的对话), in which a robot may
# speak as one; not a role to play (扮演漏洞扫描器: 作为一款AI语言模型，我无法… breaks it).
WRITES_DIALOGUE = re.compile(
    r"(?:写|编|创作|创建|生成|设计|构思|模拟|续写|改写|仿写|拟|做|描述|给出|展示)[^。？！?\n]{0,14}?"
    r"(?:对话|问答|采访|访谈|剧本|脚本|台词|情景|FAQ|Q&A|一问一答|问与答|常见问题|话术|评论|留言)",
    _I,
)

ASKS_FOR_DIALOGUE = re.compile(
    r"对话|问答|采访|访谈|剧本|脚本|台词|情景|FAQ|Q&A|一问一答|问与答|常见问题|模拟|话术|评论|留言",
    _I,
)

ASKS_FOR_ADVERT = re.compile(
    r"广告|文案|推广|宣传|营销|促销|带货|直播|种草|海报|推销|标语|口号|提醒|倡议|通知|公告|开业|招聘|启事|脚本|短视频|口播"
    r"|节目|播客|栏目|主持|简报|周刊|月刊|演讲|发言|讲稿|分享会"
)


def asks_for_advert(instruction: str) -> bool:
    """The instruction asks for ad copy, a notice or a live-stream script, which may call to buy."""
    return ASKS_FOR_ADVERT.search(instruction) is not None


# A question about what a quoted term means (什么是“三连”？, “点赞”是什么意思) may use web words
# in their plain sense.
ASKS_FOR_DEFINITION = re.compile(
    r"(?:什么是|怎么理解)\s*[“「\"‘'][^”」\"’'\n]{1,12}[”」\"’']|[“「\"‘'][^”」\"’'\n]{1,12}[”」\"’']\s*(?:是什么|什么意思|啥意思|的含义|指什么)|网络用语"
)

NAMED_WORK = re.compile(r"《[^》]{1,30}》")

DANGLING_END = re.compile(
    r"(?:把|将|成|为|关于|对于|给|和|与|跟|及|或|或者|以及|并|并且|而且|然后|的|在|从|向|用|以|对|比如|例如|包括|一下|什么是|翻译成|改写成|改成|译成|解释|(?<!自我)介绍|描述|概括|总结|说明|比较|写一篇|写一首|写一段|写一个|写一封|写一份|列出|分析|帮我|请|给我|推荐|推荐一下|写|讲|讲讲|说说|谈谈|翻译|列举|计算|生成|设计|告诉我|查|找|画|(?<!不用)(?<!无需)(?<!不要)(?<!不必)(?:形容|评价|点评|赏析|续写|润色|扩写|缩写|修改|对比|区分|归纳|提炼|仿写|排列|排序|归类|分类|整理|改正|补全)|是|有|如何|怎样|适合|适用于|针对|有关|从小到大|从大到小|从高到低|从低到高|按顺序|依次)\s*$"
)

TERMINAL = "。！？!?.…；;~～"

# Verse and recitation: lines may repeat a word (鹅，鹅，鹅) or end without punctuation.
ASKS_FOR_VERSE = re.compile(
    r"诗|词|歌|曲|对联|顺口溜|打油|童谣|民谣|绝句|律诗|散文诗|口号|标语|默写|背诵|朗读|原文|全文"
)

# A story or a joke may end on its characters' lines (医生：…/主人：…); explicit chat roles still count.
ASKS_FOR_STORY = re.compile(r"故事|笑话|相声|小品|交互|互动|剧情|情节")

QUESTION_WORD = re.compile(
    r"[？?]|什么|怎么|怎样|如何|哪|谁|多少|几|为什么|为何|吗|是否|有没有|能不能|可不可以"
)
