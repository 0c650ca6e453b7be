"""Placeholders: blanks left for the writer to fill (【材质】, {name}, 某某公司, ……)."""

from __future__ import annotations

import re

from kun.rules.patterns.common import ASKS_FOR_DIALOGUE, ASKS_FOR_STORY
from kun.rules.stats import QUOTED, TEX_MATH, prose

_I = re.IGNORECASE


_PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])(?-i:TODO|FIXME|TBD)(?![A-Za-z])|lorem ipsum"
    r"|[\[【{（(]\s*(?:插入|填写|填入|此处|在此|请填|请输入|输入|你的|您的|姓名|名字|日期|公司名称|产品名称|具体|待定|待补充|占位)[^\]】}）)\n]{0,20}[\]】}）)]"
    r"|[\[【<＜{｛]\s*[^\]】>＞}｝\n]{0,10}(?:姓名|名字|名称|日期|时间|地址|电话|金额|数字|数量|职位|公司|城市|产品|内容|链接|学校)\s*[\]】>＞}｝]"
    r"|[\[【（(](?:图片|插图|配图|表格|视频|图表|图)\s*\d*[\]】）)]"
    r"|(?<![A-Za-z])[Xx]{2}(?=元|年|月|日|号|人|个|岁|公司|路|市|省|区|县|街|大学|学校|会议室|室|楼|层|部|处)|(?<![A-Za-z0-9])XX:XX(?![0-9])|(?<![A-Za-z])X月X日|【\s*】|[*＊]{3,}(?=[路号街区市县省年月日时元])|\*\*[:：]\*\*|[×✕]{2}|\[(?-i:Your|YOUR|Insert|INSERT|Company|COMPANY|Name|NAME|Date|DATE|Recipient|Sender)[^\]\n]{0,20}\]|待完善|待确认|具体内容略|内容略"
    r"|(?<![A-Za-z])[Xx]{3,}(?![A-Za-z])|此处省略|此处填写|待补充|待填写|（略）|\(略\)|_{3,}|(?<![A-Za-z0-9_])_{2}(?=[年月日时号分点元个位])|＿{2,}|\{\{\s*[\w\u4e00-\u9fff]+\s*\}\}",
    _I,
)

_TEMPLATE_VARIABLE = re.compile(
    r"\$\{\s*[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*\s*\}|%\([A-Za-z_]\w*\)[sd]"
    # a shell-style slot named for what fills it: $COMPANY, $DATE, $USER_NAME (not $AAPL, $PATH)
    r"|\$(?:[A-Z]+_)?(?:NAME|DATE|COMPANY|USER|TIME|ADDRESS|CITY|PRODUCT|PRICE|TITLE|PHONE|EMAIL|AMOUNT|NUMBER|CUSTOMER|CLIENT)(?:_[A-Z]+)*(?![A-Za-z])"
    # the same between percent signs: %COMPANY%, %NAME% (not %PATH%)
    r"|%(?:[A-Z]+_)?(?:NAME|DATE|COMPANY|USER|TIME|ADDRESS|CITY|PRODUCT|PRICE|TITLE|PHONE|EMAIL|AMOUNT|NUMBER|CUSTOMER|CLIENT)(?:_[A-Z]+)*%"
)

# Circles standing for a name or a number (尊敬的〇〇先生, 〇月〇日), not a zero inside a numeral
# (二〇二四年).
_CIRCLE_BLANK = re.compile(
    r"(?<![一二三四五六七八九十零〇百千万两\d])[〇○]{1,4}(?![一二三四五六七八九十零百千万两\d])(?=[月日年号时点分元个位人先女同老公市区县路街])"
)

# A capital X standing for a time, a number or a room (本周X的评审会, X会议室, 下午X点); twice or more.
# Not X光, X射线, X染色体, X轴 (no unit after them), nor a variable x.
_LETTER_BLANK = re.compile(
    r"(?<![A-Za-z0-9])[XＸ](?![A-Za-z0-9])(?=点|号|月|日|年|元|人|个|次|楼|层|室|会议室|小时|分钟|天|岁)"
    r"|(?<=周|第)[XＸ](?![A-Za-z0-9])|(?<=星期|上午|下午|晚上)[XＸ](?![A-Za-z0-9])"
)

# XX standing for any word (具有X年XX行业经验，熟练掌握XX技能); counted with the X blanks above, two
# or more. Not the XX of a chromosome pair (XX染色体) nor a size (XX型).
_DOUBLE_X_BLANK = re.compile(r"(?<![A-Za-z0-9])[XＸ]{2}(?![A-Za-z0-9])(?=[\u4e00-\u9fff])(?!染色体|型)")

# A slot named in capitals and underscores: [PRODUCT_NAME], [CLIENT_NAME].
_CAPITAL_SLOT = re.compile(r"(?<![A-Za-z0-9_\]])\[[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\]")
_LATIN = re.compile(r"[A-Za-z]")
# Code or settings asked about in Chinese words (an instruction with Latin letters is spared anyway).
_ASKS_ABOUT_CODE = re.compile(r"代码|编程|程序|变量|配置|环境|函数|脚本|接口|命令")

# 某 standing for what the writer should have named: 某某公司成立于某年，总部位于某市 (three or more
# kinds in a piece asked for); a legal or a news case names its parties so (甲某于某年某月…).
_SOME_BLANK = re.compile(r"某(?:某|年|月|日|市|省|县|区|地|公司|单位|学校|品牌|产品|时|处|业务)")

_ASKS_TO_WRITE = re.compile(r"写|拟|起草|生成|编|创作|撰写|设计")

_ASKS_ABOUT_CASES = re.compile(r"法|案|判|诉|新闻|报道|匿名|隐私")


def _some_blanks(instruction: str, text: str) -> bool:
    kinds = set(_SOME_BLANK.findall(text))
    return (
        len(kinds) >= 3
        and _ASKS_TO_WRITE.search(instruction) is not None
        and not _ASKS_ABOUT_CASES.search(instruction)
    )


# A field given no value: 屏幕尺寸：待定；售价：待定, （时间待定）（地点待定） (two or more make a
# blank form).
_UNSET_FIELD = re.compile(
    r"[:：]\s*(?:待定|待补充|暂定|未定|待公布|TBD|TBA)\s*(?=[；;，,。\n]|$)"
    r"|[（(][\u4e00-\u9fff]{0,6}(?:待定|待补充|待确认|待填写?|未定)[）)]"
)

# a list item left as an ellipsis: 1. ……
_ELLIPSIS_ITEM = re.compile(r"^\s*(?:\d{1,2}[.、)）]|[-*•])\s*(?:…{1,2}|\.{3,6}|。{3,6})\s*$", re.MULTILINE)

# An ellipsis standing for a word inside a sentence (本课程由……老师主讲，共……课时): a blank, unless
# the words around it repeat (我是……我是你爸爸, a pause) or it lies in quotes (“越……越……”).
# Before a comma or a full stop, only after a word that needs an object (地点在……，时间为……。).
_ELLIPSIS_BLANK = re.compile(
    r"(?<=[\u4e00-\u9fff])…{1,2}(?=[\u4e00-\u9fff])|(?<=[在于由为是到至从和与共约达给叫])…{1,2}(?=[，。,；;])"
)


def _ellipsis_blanks(text: str) -> int:
    text = QUOTED.sub("，", text)
    count = 0
    for match in _ELLIPSIS_BLANK.finditer(text):
        before, after = text[match.start() - 2 : match.start()], text[match.end() : match.end() + 2]
        if after[:1] not in (before[-1:], before[:1]):
            count += 1
    return count


# a printf slot inside Chinese words (尊敬的%s先生), not a format code explained (%d 表示日)
_PRINTF_SLOT = re.compile(r"(?<=[\u4e00-\u9fff])%[sd](?![A-Za-z0-9])")

# A short bracketed slot of words with no punctuation inside: 【材质】, [X], 【使用场景】.
_ROUND_SLOT = re.compile(
    r"[（(][\u4e00-\u9fff]{0,6}(?:名|名称|年份|日期|时间|列表|数量|金额|地址|电话|姓名|城市|人数|型号|编号|链接|邮箱|职位|部门"
    r"|单位|天数|次数|年龄|学校|公司|品牌|地点|主题|产品|价格|原因|称呼)[）)]"
)

# A format slot left in prose (code is not searched): 亲爱的{name}，祝你{festival}快乐！
_FORMAT_SLOT = re.compile(
    r"(?<![A-Za-z0-9_{$%\\^}])\{(?:[A-Za-z_][A-Za-z0-9_]{1,20}|[\u4e00-\u9fff]{1,8})\}(?!})"
)

# A blank in square brackets inside a sentence: 由[品牌名]出品，采用[核心技术]; a markdown link
# ([文档](url)) is not one, and WeChat's two-character emoji codes ([玫瑰], [微笑]) are too short.
# A stage direction in a script ([兴奋地说], [微笑着], [走进房间]) is no blank.
_STAGE_DIRECTION = re.compile(r"[地着了说道走看笑叹进出]")

_BRACKET_BLANK = re.compile(r"(?<![A-Za-z0-9_\]])\[([\u4e00-\u9fff]{3,10})\](?!\()")

_SLOT = re.compile(
    r"【[^】，。、,.\s\d]{1,6}】|(?<![A-Za-z0-9_\])])\[[^\]，。、,.\s\d]{1,6}\]|<[\u4e00-\u9fff]{1,6}>"
    # a capitalised slot name (<NAME>, <WISH>, <COMPANY_NAME>); not a tokenizer's tokens or an HTML tag
    r"|<(?!(?:PAD|UNK|EOS|BOS|SEP|CLS|MASK|EOF|EOT|BR|HR|TD|TR|TH|LI|UL|OL|DIV|SPAN|HTML|BODY|HEAD|TABLE|IMG)>)[A-Z][A-Z_]{1,19}>"
)

# What a blank asks for: 【材质】, [社交媒体平台], 【此处填写…】; a name in brackets (【乌镇西栅景区】,
# [CLS], 【详解】) is filled text or a heading. <…> in prose is always a blank (<新郎>, <表名>).
_SLOT_WORD = re.compile(
    r"(?:名称|名字|姓名|人名|名|场景|类型|材质|品牌|时间|地点|日期|年份|月份|数量|金额|价格|地址|电话|邮箱|链接|网址|产品|公司|城市|"
    r"型号|功能|特点|内容|主题|职位|部门|原因|事项|平台|数字|尺寸|颜色|成分|用途|对象|新郎|新娘|字段|条件|参数|变量|人物|称呼|标题|关键词|[XYZNM]|XX)[\]】>＞]$|[\[【<＜](?:填写|输入|此处|插入|你的|您的|具体|待)"
)

_ASKS_FOR_TEMPLATE = re.compile(
    r"模板|模版|范本|样板|填空|样表|空白表|格式样例|占位|表单|问卷|调查表|反馈表|登记表|申请表|报名表"
)

# A line that is only a rule (markdown's ___ or ---) is no blank to fill.
_RULE_LINE = re.compile(r"^\s*[_\-*=＿]{3,}\s*$", re.MULTILINE)


def placeholder(instruction: str, answer: str) -> bool:
    """Unfilled slots: TODO/FIXME, [插入…], 【此处填写…】, XXX, ____, {{name}}, or two or more short
    bracketed slots inside sentences (采用【材质】制成，适用于【使用场景】); 【做法】 opening a line is a
    heading. A template or a fill-in-the-blank exercise that was asked for has its slots."""
    if _ASKS_FOR_TEMPLATE.search(instruction):
        return False
    answer = _RULE_LINE.sub("", answer)
    match = _PLACEHOLDER.search(answer)
    if match is not None and match.group(0).lower() not in instruction.lower():
        return True
    text = prose(answer)
    # a slot named in capitals (欢迎来到[PRODUCT_NAME]发布会) in a piece of plain Chinese; a command or a
    # setting shown to a technical question names its arguments so ([DISTRIBUTION_ID])
    if (
        _CAPITAL_SLOT.search(text)
        and not _ASKS_ABOUT_CODE.search(instruction)
        and not _LATIN.search(instruction)
        and "```" not in answer
    ):
        return True
    # a template's variables left in prose (亲爱的 ${name}：, %(name)s); code blocks may hold them
    variable = _TEMPLATE_VARIABLE.search(text)
    if variable is not None and variable.group(0) not in instruction:
        return True
    # distinct blanks: a bracketed slot word inside a line (采用【材质】), or a square-bracketed phrase
    # of three or more characters that is no stage direction ([合作伙伴]); 【做法】 opening a line is
    # a heading
    blanks = {
        slot
        for match in _SLOT.finditer(text)
        if (slot := match.group(0)) not in instruction
        and (slot.startswith("<") or _SLOT_WORD.search(slot))
        and text[: match.start()].rsplit("\n", 1)[-1].strip()
    }
    if not ASKS_FOR_DIALOGUE.search(instruction) and not ASKS_FOR_STORY.search(instruction):
        if _ellipsis_blanks(text) >= 2:
            return True
        blanks |= {
            f"[{blank}]"
            for blank in _BRACKET_BLANK.findall(text)
            if blank not in instruction and not _STAGE_DIRECTION.search(blank)
        }
    return (
        len(blanks) >= 2
        or _PRINTF_SLOT.search(text) is not None  # 尊敬的%s先生 (code is not searched)
        or len(_ELLIPSIS_ITEM.findall(text)) >= 2
        or len(_UNSET_FIELD.findall(text)) >= 2
        or _CIRCLE_BLANK.search(text) is not None
        or _some_blanks(instruction, text)
        or len(_LETTER_BLANK.findall(text)) + len(_DOUBLE_X_BLANK.findall(text)) >= 2
        or len(_ROUND_SLOT.findall(text)) >= 2
        or any(slot not in instruction for slot in _FORMAT_SLOT.findall(TEX_MATH.sub(" ", text)))
    )
