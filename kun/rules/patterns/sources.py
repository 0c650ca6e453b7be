"""Source talk: an answer that speaks of material the reader cannot see (根据您提供的资料)."""

from __future__ import annotations

import re

from kun.rules import cooccur
from kun.rules.patterns.common import NAMED_WORK
from kun.rules.stats import material_of, prose

_I = re.IGNORECASE


_SOURCE = r"(?:(?:你|您)(?:所)?(?:给出|给|发来|发|提供|贴出|贴|上传)(?:的)?|上下文|文档|检索结果|搜索结果|以上|上述|上文|上面|下面|上方|下方|下列|前文|已知(?=的?(?:信息|资料|材料|内容))|所给|给定|给出|提供|所提供|你提供|您提供|前面|这段|该段|本文|文中|原文|材料|资料|文章|文本|背景|参考|知识库|检索)"

# A document an answer may cite; with a pointer (该, 上述, 所给) also plain words (内容, 信息, 数据),
# which alone are plain (数据显示，…).
_MATERIAL_DOCUMENT = (
    r"(?:史料|素材|文档|文件|资料|材料|原文|文章|短文|文本|文段|段落|片段|上文|题干|上下文|参考资料|参考文本)"
)

_MATERIAL_TALKED = r"(?:" + _MATERIAL_DOCUMENT[3:-1] + r"|文字|内容|信息|描述|数据|(?:那|这)?段话)"

# When the asker handed it over: 你刚才给的, 您上面发的 (上面 and 前面 only after 你: an answer may
# point at its own table above)
_WHEN = r"(?:刚刚|刚才|之前|上次|上面|前面|先前|方才|在上面|在前面)?"

_SOURCE_TALK = [
    re.compile(
        r"(?:^|[。！？\n，,；;])\s*(?:在|据|根据|按)?(?:(?:该|此|这份|这篇|这段|(?:你|您)(?:发|给|提供|上传|贴)(?:来|出|给我)?|上述|以上|所给|给定|所附|附上|(?:所)?(?:提供|给出)|(?:上面|前面|下面)(?:的|这段|这篇|这份)?)(?:的)?"
        + _MATERIAL_TALKED
        + "|"
        + _MATERIAL_DOCUMENT
        + r")"
        + r"(?:[一二三四五六七八九十\d]|第[一二三四五六七八九十\d]+[段节部分章句行])?"
        + r"(?:中|里|里面|当中|上)?(?:就|已经|已|也|都)?(?:显示|说明了?|提到|交代了?|交待了?|点明了?|指明了?|列举了?|列出了?|罗列了?|总结了?|概括了?|(?:讲到|谈到|写到|写明|载明|注明|标明)(?!的)|指出|表明|说(?!服|明)|写道|写着|记载|提及|所述|描述|介绍|称|来看|看来|告诉我们|(?:可以|能)?(?:找到|看到|得知|看出)|(?:并)?(?:没有|未|没)(?:提到|提及|说明|说|给出|涉及|写到|谈到|讲到))"
    ),
    # "依照所给资料", "从你提供的文本来看", "据您给出的信息": a basis and a material the reader never saw.
    re.compile(
        r"(?:根据|依据|依照|遵照|按照|参照|参考|对照|基于|结合|从|据|由|正如|如)(?:(?:你|您)"
        + _WHEN
        + r"|刚刚|刚才|之前|上次)?(?:所)?(?:给出|给定|给|提供|发来|发|贴出|上传|附上|所附|分享)(?:出来|过来|来)?(?:我|给我)?(?:的|之)?"
        + r"(?:"
        + _MATERIAL_TALKED[3:-1]
        + r"|背景|题目|例子|示例|案例|表格|图表|图片|截图|链接|说明|介绍|解释|提示"
        + r"|报告|调查|读物|笔记|帖子|文案|稿子|讲义|手册|指南|新闻|报道|综述|摘要|记录|论文|文件|邮件|消息|通知)"
        # an attachment, whatever it is called: 依据所附的调查报告，…
        + r"|(?:根据|依据|依照|按照|参照|参考|对照|基于|结合|从|据|由|正如|如)(?:所附|随附|附上|附件)(?:的|中的|里的)?"
        + r"[\u4e00-\u9fff]{0,8}?(?:[，,。]|来看|看|中|里|所述|所说|所示)"
        # what the asker handed over, pointed at, whatever it is called: 就你给的这篇科普来看
        + r"|(?:根据|依据|依照|按照|按|照|依|参照|参考|对照|基于|结合|从|据|就|由)(?:你|您)"
        + _WHEN
        + r"(?:所)?(?:给出|给|提供|发来|转发|转|发|贴出|上传|分享|附上|附带|附|引用|摘录|摘抄|援引)"
        + r"(?:出来|过来|来)?(?:给我|我)?的(?:这|那|这几|那几|几)(?:篇|段|份|些|则|张|幅|条|个|首|句)[\u4e00-\u9fff]{1,6}?(?:来看|看|中|里|所述|[，,])"
    ),
    # an article above, pointed at as the basis: 按照上面那篇科普文章的说法 (an answer's own steps above
    # are 这个方法, 这段代码: no article)
    re.compile(
        r"(?:根据|依据|依照|按照|按|照|据|从|参照|参考|对照)(?:上面|前面|上文|上方|前文)(?:的)?(?:那|这)?(?:篇|份|则)"
        r"[\u4e00-\u9fff]{0,8}?(?:的说法|的介绍|的描述|的内容|来看|看|所说|所述|所写|中|里|[，,])"
    ),
    # what the asker sent said to hold the answer already: 你前面发的攻略里已经列得很清楚了
    re.compile(
        r"(?:你|您)"
        + _WHEN
        + r"(?:发|给|提供|分享|粘贴|复制|贴|传|上传|附带|附)(?:过来|来|出来)?(?:给我)?的[^，,。！？\n]{1,8}?(?:里|中|上)?(?:面)?"
        r"(?:已经|都|也)?(?:列|写|说|讲|提|标|介绍|说明|给)(?:得|了|过|到|出|明)"
    ),
    # an exam's stem nobody gave: 根据题干中的提示 (spared where exams are asked about)
    re.compile(r"(?:根据|依据|结合|从|由)题干(?:中|里)?的?(?:提示|信息|材料|内容|描述|条件|关键词)"),
    # a chart or a table above said to show it: 前面那张图表已经标出来了
    re.compile(
        r"(?:前面|上面|上方|刚才)(?:的)?(?:那|这)(?:张|幅|个|份|段|篇)(?:图表|表格|图片|图|表|资料|文章|材料|讲义)(?:里|中|上)?(?:已经|都)?(?:标|写|列|说|提|给|讲)(?:出来|明|过|了|到)"
    ),
    # a web search nobody sees: 根据搜索结果[1], 从检索到的网页来看
    re.compile(
        r"(?:根据|依据|据|参考|从|按照|结合)(?:我的|我)?(?:搜索|检索|联网搜索|网络搜索)(?:到的|的|出的)?(?:结果|网页|页面|资料|信息|内容|来源)"
    ),
    # a conclusion drawn from above when nothing is above: 由上可知, 综上所述 opening the answer
    re.compile(r"\A\s*(?:由上|综上|据上|如上|由以上|根据以上|从以上|由此)(?:可知|所述|分析|来看|可见)"),
    # the author of an article nobody gave: 文章作者认为…
    re.compile(
        r"(?:^|[。！？\n])\s*(?:(?:这篇|该|本)?(?:文章|本文|该文|原文|材料|短文|选文)(?:的)?作者(?:在文中)?(?:认为|指出|提到|说|表示|写道|强调)|(?:文中|(?:这篇|该|本)?(?:文章|本文|该文|原文|材料|短文|选文)(?:的)?)作者的(?:观点|看法|意思|态度|立场|主张)(?:是|为))"
    ),
    # the answer credited to what the asker handed over: 以上回答参考了您提供的文献
    re.compile(
        r"(?:参考|引用|摘自|来自|源自|基于|依据|整理自|改写自)(?:了)?(?:你|您)(?:所)?(?:提供|给出|发来|上传|分享|给|贴)(?:出来|过来|来)?(?:我)?的"
    ),
    # 如原文第三段所说, 从对话记录看, 正如你给我的文章里写的; 通过阅读上面的材料
    re.compile(
        r"(?:通过|经过)?(?:阅读|分析|对照|研读)(?:上面|上述|以上|前面|所给|给定|你给|您给|提供)的?(?:材料|资料|文章|文本|文字|内容|段落|短文)"
    ),
    re.compile(
        r"(?:如|正如|按)(?:原文|上文|前文|材料|资料|文中|文档|文本|文章|短文|段落|文字|课文|(?:这|那|该)(?:份|篇|段|则))[^。！？\n，,]{0,8}?(?:所说|所述|所言|所写|写的|说的)"
        r"|(?:就像|像|如同|正如)(?:上面|前面|上文|前文)(?:的)?(?:那|这)?(?:段|篇|份|则)?[^。！？\n，,]{0,6}?(?:所说|所述|所言|所写|写的|说的|讲的|提到的)"
        r"|从(?:对话|聊天|历史)记录(?:中|里)?(?:看|来看|可以看出|可知)"
    ),
    re.compile(
        r"(?:根据|依据|依照|基于|参考|参照|结合|按照|综合|通过)"
        + _SOURCE
        + r"(?:第[一二三四五六七八九十\d]+(?:段|部分|节|句|行|页))?"
        # a material noun, a pause or a reporting verb after it: 根据上述信息, 根据材料，, 根据原文所述;
        # not 根据文章主题选择, 根据上下文生成, 基于文本的协议 (a property or a method, not a source)
        + r"(?:(?:到|出|给出|提供|列出|附上|引用|摘录|列举)?(?:的|中的|里的)?(?:这|那)?(?:几段|几篇|几条|这些|两段|三段)?(?:阅读|参考|背景|相关)?(?:信息|资料|内容|材料|文本|文字|描述|段落|数据|文章|知识|说法|记载|表述|表格|图表|图片|示例|史料|文献|素材|课件|讲义|笔记|记录|报道)(?![\u4e00-\u9fff]{0,2}?(?:的)?(?:主题|类型|性质|长度|风格|题材|体裁|用途|特点|种类|需要|需求|要求|篇幅|厚度|质地))"
        + r"|[，,。：:；;、\s]|$|来看|所述|所说|可知|提到|显示|中|里)"
    ),
    re.compile(
        r"(?:文中|原文|上文|题干|题面|(?:文章|材料|资料|段落|文本|题目|题干)(?:中|里|里面|当中)|已知信息|提供的信息|给定的信息|所给信息|知识库)(?:中)?(?:已经|已|也|都)?(?:有)?(?:提到|说明|写明|注明|标明|载明|指出|所述|写道|说到|说|讲到|讲|显示|表明|可知|描述|介绍|记载|没有提到|未提及|并未|未"
        r"|(?:并)?没(?:有)?(?:相关|这方面|此类|具体)?的?(?:信息|内容|说明|答案|数据|记载)|(?:并)?没(?:有)?(?:给出|说明|提供))"
        # 先概括原文讲了什么 asks what a text says
        + r"(?!"
        + cooccur.ASKS_WHAT
        + r")"
    ),
    re.compile(r"(?:题目|题干|问题)(?:中)?(?:所给|给出|提供)(?:的)?(?:信息|资料|材料|内容|文章|文字)"),
    re.compile(
        r"从(?:(?:以上|上述|所给|提供的|给出的|给定的|上面|前面|下面|前文|上文)(?:所)?(?:给出|提供|列出|给)?(?:的)?(?:材料|资料|文字|文章|文本|信息|内容|描述)?|上文|材料|资料|文中|原文|文章|文本|已知信息)(?:第[一二三四五六七八九十\d]+(?:段|部分|节|句|行))?(?:中)?(?:可以|能够?)?(?:看出|得知|可知|了解到|知道)"
    ),
    re.compile(r"<\s*/?\s*(?:资料|材料|context|document)\s*>", _I),
]

# The whole text read, and nobody gave it: 通读全文可知, 纵观全文来看; advice on how to read
# (怎么读一本书？通读全文后可以发现作者的思路) may say so of any text.
_READ_WHOLE = re.compile(
    r"(?:通读|纵观|综观|细读|读完|看完|浏览)(?:全文|整篇文章|整篇|原文|全篇|材料|资料)(?:后)?(?:可知|可以看出|可见|来看|看来|不难看出|可以发现)"
)
_ASKS_ABOUT_READING = re.compile(r"读|阅读|看书|文章|写作|材料|资料")

_YOUR_MATERIAL = re.compile(
    r"(?<!感谢)(?<!谢谢)(?:你|您)(?:所)?(?:给出|给|提供|发来|发送|贴出|上传|附上|分享)(?:的|之)"
    r"(?:资料|材料|文本|文字|文章|文档|段落|原文|背景|片段|文件|参考)"
)

_ASKS_FOR_LETTER = re.compile(r"信|邮件|短信|回复|回信|留言|通知|答复|消息")

# A citation mark after words (…竹子[2]。), not a markdown link ([1](url)), a footnote's own line
# ([1]: …) or an index into a list (a[1]); an answer that lists its sources ([1] 《…》, 参考文献) is
# cited in full.
_CITATION_MARK = re.compile(r"(?<=[\u4e00-\u9fff。，；、）)])\[\d{1,2}\](?![(:：])")

_REFERENCE_LIST = re.compile(
    r"参考文献|参考资料|资料来源|引用来源|References|Sources|^\s*\[\d{1,2}\]\s*\S", re.MULTILINE
)

_ASKS_ABOUT_EXAMS = re.compile(r"审题|做题|答题|解题|考试|阅读理解|题目|题干|应试")

_STEM = re.compile(r"题干|题目|题面")

_WORK_TALKED = re.compile(r"文章|书|作品|论文|小说|诗|报道|文中|本文|该文|这篇|原文")


def source_talk(instruction: str, answer: str) -> bool:
    """An answer that cites material ("根据以上资料", "文中提到", "您提供的文本") the instruction does
    not carry. In a letter or a reply the reader may well have sent material (您提供的资料已收到); an
    instruction of forty characters or more carries facts of its own (根据所提供的信息 cites them)."""
    if material_of(instruction) or len(instruction.strip()) >= 40:
        return False
    text = prose(answer)
    # the work an instruction names as such (概述文章《…》) is what 文章介绍了… speaks of; 谁画了《蒙娜丽莎》
    # answered with 文中提到 still cites a text nobody gave
    named = NAMED_WORK.search(instruction) is not None

    def names_the_work(span: str) -> bool:
        return named and any(kind in instruction for kind in _WORK_TALKED.findall(span))

    # how to read a question (怎么审题？) may speak of what its stem gives
    exam = _ASKS_ABOUT_EXAMS.search(instruction) is not None

    def cites(span: str) -> bool:
        return not names_the_work(span) and not (exam and _STEM.search(span))

    if any(cites(match.group(0)) for pattern in _SOURCE_TALK for match in pattern.finditer(text)):
        return True
    if _READ_WHOLE.search(text) and not _ASKS_ABOUT_READING.search(instruction):
        return True
    if cooccur.cited_text(instruction, text, work_named=named):
        return True
    if _CITATION_MARK.search(text) and not _REFERENCE_LIST.search(text):
        return True  # 约12到38公斤竹子[2]: a numbered source the answer never lists
    return _ASKS_FOR_LETTER.search(instruction) is None and _YOUR_MATERIAL.search(text) is not None
