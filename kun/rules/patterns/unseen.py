"""Instructions that point at material they do not carry (这首诗, 上文, 附件)."""

from __future__ import annotations

import re

from kun.rules.patterns.common import ASKS_FOR_DEFINITION, NAMED_WORK
from kun.rules.stats import material_of

_MATERIAL_NOUN = r"(?:英文|中文|日文|外文|原句|方案|提案|设计稿|文案|稿子|稿件|文稿|草稿|讲稿|演讲稿|日记|周报|月报|简介|作文|电影|电视剧|纪录片|动画|综艺|单词|词语|生词|汉字|成语|谜语|字|发票|收据|单据|账单|票据|简历|试卷|作业|病历|化验单|体检报告|报告单|(?:CT|X光|核磁|B超)?片子|X光片|CT片|胸片|B超单|彩超单|心电图|检查单|名片|证书|清单|说明书|菜单|课表|成绩单|话|歌|画|画作|书法|雕塑|歌曲|音乐|截图|图像|海报|地图|公式|诗|诗歌|古诗|词|文章|短文|段落|段话|句话|句子|文字|材料|资料|文本|故事|新闻|报道|图片|照片|图|图表|表格|视频|音频|录音|对话|合同|邮件|信|代码|程序|小说|论文|歌词|作品|案例|题目|题|文件|附件|网页|链接|报告|数据|内容|选项)"

# Demonstratives (这首诗, 这几句, 这篇文章): a named work or a quoted span gives them their material.
_DEMONSTRATIVES = [
    re.compile(r"(?:这|该|此)(?:几|两|三|四|五|些)?(?:句|首|篇|则|封)(?!话外)"),
    re.compile(
        r"(?:这|该|此|本|那)(?:一|两|几|二|三|四|五)?(?:首|篇|段|则|份|张|幅|部|封|条|句|行|个|组|道|些)[\u4e00-\u9fff]{0,2}?"
        + _MATERIAL_NOUN
    ),
    re.compile(
        r"(?:这|该|此)"
        + r"(?:诗|文章|短文|段落|文本|材料|资料|新闻|报道|图片|照片|视频|对话|合同|邮件|代码|论文|歌词|作品)"
    ),
]

# Pointers at material elsewhere (上文, 以下内容, 附件, 图中): no name makes them visible.
_UNSEEN_CONTEXT = [
    # a table or figure pointed at, never given (material given in the instruction spares it)
    re.compile(
        r"(?:根据|按照|参照|依据|用|在|从|对照|观察)?(?:下表|上表|下图|上图|下例|上例)(?!的格式|格式)"
    ),
    # an earlier conversation: 我之前问过你一个问题
    re.compile(r"(?:我|你)(?:之前|上次|刚才|以前|昨天)(?:问过|说过|提过|聊过|讲过|答应过)(?:你|我)?"),
    # what the asker says they sent: 把我发给你的那份名单排序 (material given in the instruction spares it)
    re.compile(r"(?:我|我们)(?:刚才|刚刚|之前|上次|已经)?(?:发给你|发你|给你|传给你|发过来|上传|贴)的"),
    # the asker's own writing to fix, never given: 帮我修改一下我的毕业论文摘要
    re.compile(
        r"(?:修改|改|润色|检查|看看|评价|打分|评估|点评|翻译|总结|优化|校对|批改|审阅)(?:一下)?(?:我的|我写的|我这篇|我们的|我这份)[^，。？?\n]{0,8}?"
        r"(?:论文|摘要|简历|作文|文章|报告|文案|稿子|代码|方案|邮件|作业|日记|小说|诗|歌词|PPT|ppt|计划书|周报|总结|申请书|求职信)"
        r"|我的(?:作文|文章|论文|简历|代码|作业)(?:能打|写得|怎么样|有什么问题|哪里)"
    ),
    # something of the asker's only a picture would show: 我这身打扮, 我这张照片, 我这款手机
    re.compile(r"(?:^|[你您看帮])(?:看看?)?(?:我|我的)这(?:身|件|条|双|套|张|幅|款|副|个发型)"),
    re.compile(
        r"(?:上文|下文|上述|(?<![\d一二三四五六七八九十百千万个种字条项篇次句段话岁米度分元人年天位名倍级层页行遍及])以上|(?<![\d一二三四五六七八九十百千万个种字条项篇次句段])以下|下面|上面|前面|下列|下述|如下|前述|后面|所给|给定|给出的|提供的|附上的|附带的)(?:的|这|那|几|一)?(?:[首篇段则份张幅部封条句行个组道些])?"
        + _MATERIAL_NOUN
    ),
    re.compile(
        r"(?:图片上|照片上|截图上|(?<![地试蓝构企意版])图上|上文|(?<!上)下文|上下文(?!相关|无关|窗口|长度)|前文|原文|(?<![论散课公作美])文中|附件|图中|图片中|图片里|图里|照片中|视频中|视频里|录音中|链接中|链接里|文章中|材料中|资料中|对话中)"
    ),
    re.compile(
        r"(?:^|[，。,；;])\s*(?:请|请问)?(?:在)?(?:表格|图表|图片|图像|照片|图|表|视频|录音|文章|材料|资料|附件|原文)(?:中|里|上)"
    ),
    re.compile(
        r"(?:根据|依据|基于|结合|按照|(?<![些荐的])阅读|读完|看完|听完|分析|总结|概括|翻译|改写|润色)(?:一下)?(?:上文|上述|(?<![\d一二三四五六七八九十百千万个种字条项篇次句段话岁米度分元人年天位名倍级层页行遍及])以上|下文|(?<![\d一二三四五六七八九十百千万个种字条项篇次句段])以下|下面|上面|前面|所给|给定|提供的|这|该|本文|文章|材料|资料|附件)"
    ),
]

# Material no text can carry (a picture, a recording, an earlier message): unseen whatever follows.
_NOT_TEXT = re.compile(
    r"(?:刚才|刚刚|之前|上次|前面|先前)(?:我)?(?:发|给|传|上传|提供|贴|分享)(?:给)?(?:你|您)"
    r"|(?:对照|参照|参考|根据|结合|依据|观察|看看|看一下)(?:这张|这幅|该|此|上面的|下面的|附上的|所附的|(?:左边|右边|左侧|右侧|旁边)的)?(?:图片|图表|照片|截图|表格|视频|录音|附件|图)"
    # the asker's earlier writing: 修改一下我刚才写的开头
    r"|我(?:刚才|刚刚|刚|之前|上次|昨天)(?:写|画|拍|录|做|改|编)的(?!时候|时|过程)"
    r"|(?:概括|总结|描述|分析|评价|解读|归纳|转写)(?:一下)?(?:这个|该|这段|这张|这幅|此)?(?:视频|录音|音频|图片|照片|截图|图表|附件|录像|直播|播客)(?:的|中|里|内容)"
    r"|(?:我|你)(?:刚才|刚刚|之前|上次|前面)(?:的|写的|说的|给的|做的)(?:回答|答案|问题|消息|话|作业|答题|翻译|句子)"
    r"|(?:刚才|刚刚|之前|上次|前面|先前)(?:那|这)(?:个|道|条|句|段|篇|首|张)[^，。？?]{0,4}?(?:问题|题|话题|消息|话|英文|文字|内容|句子|诗|文章|图|照片|代码)"
    r"|(?:刚才|刚刚|之前|上次|前面|先前)(?:那个|那道|那条|的)(?:问题|题|话题|消息)|上一条(?:消息|回复|信息)|我(?:刚才|刚刚|刚|之前|上次)?(?:发|传|上传|给你|提交|发给你|发你)的(?:那|这)?(?:篇|份|张|个|段|首)?(?:文件|图片|照片|截图|自拍照?|合影|合照|文档|附件|链接|表格|代码|简历|作文|论文|文章|报告|作业|合同|方案|视频|音频|录音|语音|PPT|PDF|Excel)"
    r"|^(?:请问)?第[一二三四五六七八九十\d]+(?:题|道题|小题|问|段|自然段|句|行|节|小节)|第[一二三四五六七八九十\d]+(?:题|道题|小题)(?:怎么|的答案|答案|选什么|选哪)"
    r"|(?:我们|咱们|你我)?(?:刚才|刚刚|之前|上次|前面|先前)(?:一直)?(?:聊|谈|说|讨论|提到|聊到|说到)(?:的|过的|到的|过)"
    r"|(?:你|您)(?:刚才|刚刚|之前|上次|前面)(?:推荐|提到|说|讲|给|介绍|发)(?:过)?(?:我|给我)?的(?:那|这|建议|方法|答案|回答|方案|书|链接)"
    r"|上一(?:道|小)?题|上道题|前一(?:道)?题|上一?个问题|(?:我|我的答案|我这样)(?:是否|有没有)?(?:答|选)对了(?:吗|没有|没)"
    r"|看图|读图|识图|观察(?:下|上)?图|听(?:这段|下面的|以下)?录音|看(?:这段|下面的)?视频|见图|如图所示|见附件|见下表|见上表"
    # a recording or a picture from earlier: 总结一下刚才会议录音的要点
    r"|(?:刚才|刚刚|之前|上次|先前)(?:的|那个|那段|那张|那份)?[\u4e00-\u9fff]{0,4}?(?:录音|视频|音频|录像|图片|照片|截图|附件|直播)"
)

_BACKWARD = re.compile(
    r"(?:上文|前文|上述|前述|(?<![\d一二三四五六七八九十百千万个种字条项篇次句段话岁米度分元人年天位名倍级层页行遍及])以上|上面|前面)(?:的|这|那|几|一)?(?:[首篇段则份张幅部封条句行个组道些])?"
    + _MATERIAL_NOUN
    + "|上文|前文"
)

_FORWARD = re.compile(r"以下|下面|下列|如下|给定|给出的|所给")

# 抱歉这个词怎么用？: the word is named before the demonstrative.
_WORD_NAMED = re.compile(r"^[\u4e00-\u9fff]{1,4}这个(?:词|字|成语|单词|词语)")

_QUOTED_SPAN = re.compile(r"“[^”\n]{1,40}”|「[^」\n]{1,40}」|\"[^\"\n]{1,40}\"")


def refers_to_unseen_context(instruction: str) -> bool:
    """An instruction pointing at material (这首诗, 上文, 以下内容, 附件, 图中) it does not carry.
    A named work or a quoted span (《静夜思》这首诗, “苹果”这个单词) is something the reader can know. A backward reference (上文,
    上述文章) needs its material on a line before it; material after a colon does not count."""
    if _NOT_TEXT.search(instruction):
        return True
    backward = _BACKWARD.search(instruction)
    before = instruction[: backward.start()].strip() if backward else ""
    if backward and "\n" not in before and len(before) < 40:
        return True  # 上文, 以上内容 with no material before them (forty characters before it are some)
    if backward and len(before) >= 40:
        return False  # 随着…的普及，移动支付…，请根据上述内容…: the material came first
    if material_of(instruction):
        return False
    if _FORWARD.search(instruction) and _QUOTED_SPAN.search(instruction):
        return False  # 根据以下的原始句子“我简直不敢相信”，…: the quoted words are the material
    named = (
        NAMED_WORK.search(instruction) is not None
        or _QUOTED_SPAN.search(instruction) is not None
        or _WORD_NAMED.match(instruction) is not None
    )
    if not named and any(
        _points_forward(match, instruction)
        for pattern in _DEMONSTRATIVES
        for match in pattern.finditer(instruction)
    ):
        return True
    if ASKS_FOR_DEFINITION.search(instruction):
        return False  # 文章里说的“内卷”是什么意思？: the quoted term is the question
    return any(pattern.search(instruction) for pattern in _UNSEEN_CONTEXT)


def _points_forward(match: re.Match, instruction: str) -> bool:
    """A demonstrative points at material, unless a sentence or a clause before it on its line
    said what it means (圣迭戈县哪些行业面临挑战，有什么措施来解决这些问题？)."""
    line = instruction[: match.start()].rsplit("\n", 1)[-1]
    *earlier, clause = re.split(r"[。！？!?]", line)
    if len("".join(earlier).strip()) >= 12:
        return False  # 训练步数是通过步骤指定的。我怎样才能将这个数字转换为epochs？
    opened = max(clause.rfind("，"), clause.rfind(","), clause.rfind("；"), clause.rfind(";"))
    return opened < 8
