"""An answer that asks for what the instruction left out instead of answering."""

from __future__ import annotations

import re

from kun.rules.stats import prose

# The answer says the material is missing: 您没有提供需要翻译的句子, 你需要提供文档我才能…
_MISSING = re.compile(
    r"(?:没有|未|缺少|缺乏)(?:看到|提供|给出|附上|收到|给我|告诉我|说明)[^。！？\n]{0,8}?(?:内容|文本|原文|句子|文章|材料|资料|信息|对象|代码|图片|数据|选项|题目|附件|文件|链接|文档|陈述|说法|作品|列表|清单|表格)"
    r"|(?:您|你)(?:需要|得|必须)(?:先)?(?:提供|给出|给我|发给我|告诉我)[^。！？\n]{0,12}?(?:我才|才能|我才能|我才可以|才可以)"
)

# The same said to the user, which a longer answer may open with: 由于您没有给出文档内容，我无法…
_YOU_LEFT_OUT = re.compile(
    r"(?:您|你)(?:并|似乎|好像|还)?(?:没有|未)(?:看到|提供|给出|附上|给我|告诉我|说明|发)[^。！？\n]{0,8}?(?:内容|文本|原文|句子|文章|材料|资料|信息|对象|代码|图片|数据|选项|题目|附件|文件|链接|文档|陈述|说法|作品|列表|清单|表格)"
    # anything named after 相关/具体: 您并没有提供相关gif图
    r"|(?<!如果)(?<!若)(?<!假如)(?:您|你)(?:并|似乎|好像|还)?(?:没有|未)(?:提供|给出|附上|发送|上传)(?:相关|具体|所说|提到)的?[^。！？\n，,]{1,8}(?=[。，,！!]|$)"
    r"|(?:您|你)(?:需要|得|必须)(?:先)?(?:提供|给出|给我|发给我|告诉我)[^。！？\n]{0,12}?(?:我才|才能|我才能|我才可以|才可以)"
)

_ASKS_BACK = [
    re.compile(
        r"请(?:您|你)?(?:先)?(?:告诉|提供|说明|补充|给出|发送|发给|发|指明|明确|描述|输入|贴出|上传|粘贴)(?:一下)?(?:我|给我)?[^。！？\n]{0,14}?(?:对象|内容|文本|原文|句子|段落|文章|信息|问题|细节|材料|资料|具体|哪|什么|要求|主题|名称|数据|代码|题目|选项|图片|附件|文件|链接|文档|陈述|说法|作品|列表|清单|表格|名单)"
    ),
    re.compile(
        r"请(?:您|你)?(?:把|将)[^。！？\n]{0,14}?(?:发给我|发过来|贴出来|贴上来|提供给我|告诉我|粘贴过来|发送给我|给我看)"
    ),
    re.compile(r"请问(?:您|你)(?:想|要|指的是|说的是|希望|需要|是想|是指|具体)"),
    re.compile(
        r"(?:您|你)(?:想|要|希望|需要|是想|是要)(?:我)?[^。！？\n]{0,10}?(?:的是什么|什么|哪(?:[个些一种篇段首句位本部类]|方面))[^。！\n]{0,8}?[？?]"
    ),
    re.compile(
        r"(?:能否|能不能|可否|可以|(?:您|你)能)(?:请你|请您|麻烦你|麻烦您)?(?:再)?(?:提供|告诉我|说明|补充|给出|发)(?:一下)?(?:更多|具体|详细|完整)"
    ),
    re.compile(
        r"(?:问题|句子|指令|请求|内容|题目)(?:似乎|好像|可能)?(?:不完整|没有说完|没说完|被截断|缺少了?[^。！？\n]{0,6}|不全)"
    ),
    re.compile(r"(?:能|可以|能否)(?:再)?(?:说得|讲得|描述得)?(?:更)?具体(?:一点|一些|些)(?:吗|么|呢)?[？?]"),
    re.compile(r"(?:您|你)(?:似乎|好像)?(?:忘了|忘记)(?:附上|提供|发送|给出|粘贴)"),
    _MISSING,
    _YOU_LEFT_OUT,
    # asked for, whatever it is, with help promised once it comes: 请提供您要编辑的餐厅评论，我非常乐意
    # 帮助您; 请提供TOPAS格式的示例，我会从中学习
    re.compile(
        r"请(?:您|你)?(?:具体|先|再)?(?:提供|告诉我|给出|发送|发给我|补充|贴出|上传|粘贴)[^。！？\n]{0,30}?"
        r"(?:(?:这样|以便|然后|之后|后)[^。！？\n]{0,4}?我|[，,。]\s*我(?:才|就|会|将|再|可以|能|非常|很))"
    ),
    # what the asker means to hand over: 请提供您想要辨别类型的文字, 请提供要用于替换的单词
    re.compile(
        r"请(?:您|你)?(?:具体|先|再)?(?:提供|告诉我|给出|发送|补充|贴出|上传|粘贴)(?:一下)?[^。！？\n]{0,6}?(?:(?:您|你)(?:想|要|需要|希望)|要(?:用于|被|让我))"
        r"|请(?:您|你)?具体(?:提供|说明|告诉我)"
        r"|请(?:您|你)?(?:再)?(?:提供|给出|补充)(?:一下)?(?:更多|具体|详细|完整)"
    ),
    # I need you to hand it over, or more of it, before I can: 我需要您提供一篇文章才能…,
    # 需要详细的数据集和代码才能为您提供…, 希望你提供完整的病历
    re.compile(
        r"(?:我)?需要(?:您|你)(?:先)?(?:提供|给出|发|告诉|上传)"
        r"|需要[^。！？\n]{0,16}?才能(?:为您|为你|给您|给你|帮您|帮你)"
        r"|需要(?:您|你)?(?:提供|补充)(?:更多|具体|详细|完整)"
        r"|(?:希望|麻烦|烦请)(?:您|你)(?:能)?(?:提供|给出|补充|告诉我)"
        r"|我(?:没有?|并没有?|未)(?:看到|收到|找到)(?:您|你)(?:给出|提供|发|上传|附上)"
    ),
]

_ASKS_FOR_QUESTIONS = re.compile(r"提问|问题清单|问卷|采访|反问|追问|澄清|客服|对话|话术")


def asks_for_input(instruction: str, answer: str, max_chars: int = 80) -> bool:
    """A short answer (at most `max_chars` characters of prose) that asks the user for what the
    instruction left out (请告诉我您想形容的对象, 请问您指的是哪首诗？, 您没有提供需要翻译的句子)
    instead of answering: the instruction was a fragment. Asked-for questions are spared."""
    text = prose(answer).strip()
    if _ASKS_FOR_QUESTIONS.search(instruction):
        return False
    if len(text) > max_chars:
        # a longer answer that opens by saying the material is missing (由于您没有给出文档内容，我无法…)
        opening = "".join(re.split(r"(?<=[。！？!?])", text)[:2])
        return _YOU_LEFT_OUT.search(opening) is not None
    return any(pattern.search(text) for pattern in _ASKS_BACK)
