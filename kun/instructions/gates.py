"""Rule gates on (instruction, answer) pairs: the checks a reader makes at a glance, written down.

Each gate is a `kun.rules.Rule` on the `instruction` and/or `output` columns; the `filter` stage
runs the instruction rules (and `score` runs them first, so no candidate a rule drops is ever
scored), the `assemble` stage the answer rules, `kun filter-pairs` both. The lists are built
from the params in kun.instructions.curate (instruction rules) and kun.instructions.assemble
(answer rules); docs/gates.md lists every reason with its param.

Families (kun.rules.patterns, kun.rules.language): refusals, AI self-talk, talk about unseen
source material, chat-template leaks, hallucinated further turns, prompt injection,
placeholders, spam, web boilerplate, instructions pointing at material they do not carry or cut
before their object, truncation without a finish reason, wrong language (fastText language ID),
mojibake and U+FFFD, scripts a Chinese pair has no use for, and repetition that survives
numbering.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Callable, Sequence

from kun.core.params import require
from kun.rules import Rule, patterns
from kun.rules.meaning import glossary
from kun.rules.stats import (
    CJK_RANGES,
    cjk_ratio,
    cjk_word_share,
    enumerations,
    list_items,
    looks_like_code,
    material_of,
    near_repeated_share,
    opening_repeated_unit,
    repeated_ngram_ratio,
    repeated_share,
    sentences,
)
from kun.rules.words import words

REPLACEMENT_CHARACTER = "\ufffd"
PAIR = ("instruction", "output")

# Letters of scripts that do not belong in Chinese instruction data (single Greek letters are
# math; Greek words are caught by GREEK_WORDS).
SCRIPT_RANGES = {
    "HEBREW": "\u0590-\u05ff",
    "ARABIC": "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff",
    "CYRILLIC": "\u0400-\u052f",
    "ARMENIAN": "\u0530-\u058f",
    "SYRIAC": "\u0700-\u074f",
    "DEVANAGARI": "\u0900-\u097f",
    "BENGALI": "\u0980-\u09ff",
    "TAMIL": "\u0b80-\u0bff",
    "THAI": "\u0e00-\u0e7f",
    "LAO": "\u0e80-\u0eff",
    "TIBETAN": "\u0f00-\u0fff",
    "MYANMAR": "\u1000-\u109f",
    "GEORGIAN": "\u10a0-\u10ff",
    "HANGUL": "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af",
    "ETHIOPIC": "\u1200-\u137f",
    "KHMER": "\u1780-\u17ff",
    "MONGOLIAN": "\u1800-\u18af",
    "INDIC_OTHER": "\u0a00-\u0b7f\u0c00-\u0dff",  # Gurmukhi, Gujarati, Oriya, Telugu, Kannada, Malayalam, Sinhala
    "THAANA": "\u0780-\u07bf",
    "CHEROKEE": "\u13a0-\u13ff",
    "CANADIAN_SYLLABICS": "\u1400-\u167f",
    "RUNIC_OGHAM": "\u1680-\u16ff",
    # letters Vietnamese (ơ, ư, ạ, ở, ữ) and Yoruba (ẹ, ọ) write; pinyin's tone marks (ǎ, ǜ, à) are others
    "VIETNAMESE": "\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9",
    "GREEK_WORDS": "",  # three or more Greek letters in a row (α, β, π alone are math)
    "OTHER_LETTERS": "",  # letters of any script not named here and not Han, Latin, Greek, kana, Bopomofo
}
# What a Chinese pair may be written in: Latin (and IPA), Greek, CJK (with its symbols, enclosed
# forms and compatibility blocks), kana, Bopomofo, letterlike symbols, full-width forms.
_EXPECTED_LETTERS = (
    "\u0000-\u02ff\u0370-\u03ff\u1d00-\u1dbf\u1e00-\u1fff\u2070-\u218f\u2460-\u24ff\u2c60-\u2c7f"
    "\u2e80-\u2fdf\u3000-\u33ff\ua720-\ua7ff\uff00-\uffef" + CJK_RANGES
)
UNEXPECTED_SCRIPTS = list(SCRIPT_RANGES)
REQUEST_MARKERS = [
    "?",
    "？",
    "吗",
    "呢",
    "么",
    "什么",
    "如何",
    "怎么",
    "怎样",
    "咋",
    "为什么",
    "为何",
    "何",
    "哪",
    "谁",
    "多少",
    "多久",
    "多大",
    "多长",
    "多高",
    "多远",
    "几",
    "是否",
    "能否",
    "可否",
    "是不是",
    "有没有",
    "能不能",
    "会不会",
    "可不可以",
    "请",
    "写",
    "解释",
    "介绍",
    "列",
    "罗列",
    "翻译",
    "译",
    "描述",
    "说明",
    "比较",
    "对比",
    "分析",
    "总结",
    "概括",
    "归纳",
    "给出",
    "给",
    "帮",
    "计算",
    "算",
    "解",
    "化简",
    "求",
    "证明",
    "判断",
    "生成",
    "设计",
    "推荐",
    "举例",
    "讲",
    "谈",
    "评价",
    "点评",
    "赏析",
    "改写",
    "改成",
    "润色",
    "修改",
    "纠正",
    "续写",
    "扩写",
    "缩写",
    "仿写",
    "造句",
    "回答",
    "告诉",
    "查询",
    "实现",
    "编",
    "制定",
    "规划",
    "安排",
    "建议",
    "区别",
    "含义",
    "意思",
    "定义",
    "作用",
    "原因",
    "步骤",
    "方法",
    "技巧",
    "排序",
    "排列",
    "整理",
    "找出",
    "指出",
    "选出",
    "选择",
    "补全",
    "填",
    "拟",
    "起",
    "取",
    "想",
    "做",
    "制作",
    "创作",
    "统计",
    "估算",
    "转换",
    "换算",
    "提炼",
    "梳理",
    "论述",
    "阐述",
    "讨论",
    "探讨",
    "用",
    "把",
    "将",
    "展开",
    "分解",
    "约分",
    "通分",
    "简化",
    "背诵",
    "默写",
    "朗读",
    "复述",
    "创建",
    "建立",
    "新建",
    "搭建",
    "配置",
    "安装",
    "删除",
    "添加",
    "清空",
    "清除",
    "导出",
    "导入",
    "备份",
    "合并",
    "推导",
    "求导",
    "积分",
    "=",
    "Write",
    "Explain",
    "Translate",
    "What",
    "How",
    "Why",
    "List",
    # a request said as a wish or a suggestion: 我希望你能…, 你能…, 我们下棋吧
    "希望你",
    "希望您",
    "想让你",
    "想请你",
    "你能",
    "您能",
    "吧$",
    # a line to say: 对同事说一句“抱歉我搞错了”的得体表达
    "说一句",
    "说几句",
    # imperatives that also occur in plain statements (公司提供早餐): only where the request starts
    # (first, or after an opening 根据…，/关于…，/为…， phrase)
    *(
        f"^{verb}"
        for verb in (
            "识别 鉴定 鉴别 辨别 构建 构造 构思 创造 创作 创建 说出 说 讲出 举 找到 找出 找 查找 搜索 确定 确认 "
            "简述 概述 表述 重新 重述 转述 复述 提出 提供 改进 改善 优化 回应 回复 答复 加入 插入 替换 补充 "
            "输出 制造 评估 评 预测 估计 分类 归类 分组 重组 重写 命名 删掉 去掉 删去 教我 描绘 描写 "
            "绘制 画 编写 撰写 草拟 起草 区分 标记 标注 提取 匹配 检查 验证 更正 改正 想出 "
            "编辑 模拟 扮演 假设 想象 设想 汇总 分享 猜 挑选 排除 过滤 策划 翻转 "
            "拼写 朗诵 示范 演示 展示 阐明 辨析 预估"
        ).split()
    ),
    # a topic asked about in a noun phrase (网络安全的重要性。): its head word ends the first line
    *(
        f"的{head}$"
        for head in (
            "重要性 必要性 好处 坏处 益处 优点 缺点 优缺点 利弊 特点 特征 特色 影响 意义 例子 示例 实例 措施 "
            "对策 策略 建议 方法 办法 技巧 步骤 因素 要素 组成部分 类型 种类 用途 功能 风险 挑战 后果 历史 "
            "发展 趋势 前景 原理 机制 过程 流程 规则 语法 用法 名字 名称 清单 列表 定义 概念 区别 异同 关系 "
            "原因 理由 论点 论据 症状 标题 口号 配方 做法 方向 路线 作者 作家 诗 诗歌 故事 范例 教程 简介 范围"
        ).split()
    ),
]
FOREIGN_LANGUAGE_HINTS = [
    "英文",
    "英语",
    "English",
    "翻译",
    "译",
    "日语",
    "日文",
    "法语",
    "德语",
    "韩语",
    "俄语",
    "西班牙语",
    "外语",
    "代码",
    "程序",
    "函数",
    "Python",
    "SQL",
    "正则",
    "命令",
    "脚本",
    "JSON",
    "HTML",
    "LaTeX",
    "拼音",
    "另一种语言",
    "其他语言",
    # a name written in letters
    "用户名",
    "英文名",
    "域名",
    "网址",
    "变量名",
    "函数名",
    "文件名",
    "邮箱",
    # a formula or a symbol in letters: 食盐的化学式 (NaCl), 铁的元素符号 (Fe)
    "化学式",
    "分子式",
    "元素符号",
    "缩写",
    "简称",
]
# Web boilerplate, as phrases precise enough to spare plain uses (点击注册按钮, 版权法).
BOILERPLATE_PHRASES = [
    "关注公众号",
    "扫一扫",
    "转载请注明",
    "下载我们的APP",
    "原文链接",
    "责任编辑",
    "本文来源于网络",
    "来源于网络",
    "请联系删除",
    "收藏、转发",
    "一键三连",
    "阅读原文",
    "欢迎关注",
    "订阅我们",
    "更多精彩",
    "点个赞",
    "点个关注",
    "求关注",
    "求点赞",
    "收藏本文",
    "侵删",
    "由AI生成",
    "不代表本平台观点",
    "不代表本站观点",
    "博主原创",
    "转载请附上",
    "原文出处链接",
    "上一篇：",
    "下一篇：",
]
_GREEK_WORD = re.compile("[\u0370-\u03ff]{3,}")


def require_known_scripts(names: Sequence[str], key: str) -> None:
    """A params error naming `key` for a script name that SCRIPT_RANGES does not know."""
    unknown = [name for name in names if name not in SCRIPT_RANGES]
    require(
        not unknown,
        key,
        f"{unknown[0] if unknown else ''} is not a known script; use any of {', '.join(SCRIPT_RANGES)}",
    )


# An instruction that names a language written in another script (翻译成俄语, 用韩语怎么说) asks for
# its letters; 节日文化 and 收藏文物 name none (日 and 藏 end other words there).
NAMES_ANOTHER_SCRIPT = re.compile(
    r"(?:俄|乌克兰|白俄罗斯|保加利亚|塞尔维亚|哈萨克|蒙古|韩|朝鲜|(?<![今节昨假生每白末当平次作念])日|泰|老挝|缅甸|高棉|柬埔寨|越南"
    r"|阿拉伯|波斯|希伯来|意第绪|印地|梵|孟加拉|泰米尔|尼泊尔|僧伽罗|乌尔都|(?<![收隐冷珍宝储])藏|维吾尔|希腊|格鲁吉亚|亚美尼亚|阿姆哈拉)"
    r"(?:语|文(?![化章件物字明具]))|外语|小语种|各国语言|多种语言"
)


def answer_script_check(names: Sequence[str]) -> Callable[[str, str], bool] | None:
    """`script_check` on the answer, sparing an instruction that asks for a language written in
    another script (把“你好”翻译成俄语 answered Привет)."""
    check = script_check(names)
    if check is None:
        return None
    return lambda instruction, answer: check(answer) and NAMES_ANOTHER_SCRIPT.search(instruction) is None


def script_check(names: Sequence[str]) -> Callable[[str], bool] | None:
    """A check for letters of the named scripts, or None when none is named."""
    ranges = "".join(SCRIPT_RANGES[name] for name in names)
    pattern = re.compile(f"[{ranges}]") if ranges else None
    greek = "GREEK_WORDS" in names
    # OTHER_LETTERS: a letter outside the expected scripts and outside every named range (so a
    # script taken off the list is not caught again here).
    named = "".join(SCRIPT_RANGES.values())
    other = re.compile(f"[^{_EXPECTED_LETTERS}{named}]") if "OTHER_LETTERS" in names else None
    if pattern is None and not greek and other is None:
        return None
    return lambda text: (
        (pattern is not None and pattern.search(text) is not None)
        or (greek and _GREEK_WORD.search(text) is not None)
        or (other is not None and any(match.group(0).isalpha() for match in other.finditer(text)))
    )


def boilerplate_phrases(phrases: Sequence[str]) -> Callable[[str, str], bool] | None:
    """A pair check for web boilerplate `phrases` in the answer, sparing a question about what a
    quoted term means (什么是“三连”？ may be answered with 点赞、投币和收藏) and requested ad copy or
    live-stream scripts (点击下方小黄车)."""
    check = phrase_check(phrases)
    if check is None:
        return None
    return lambda instruction, answer: (
        check(answer)
        and not check(instruction)
        and patterns.ASKS_FOR_DEFINITION.search(instruction) is None
        and not patterns.asks_for_advert(instruction)
    )


def phrase_check(phrases: Sequence[str]) -> Callable[[str], bool] | None:
    """A check for any of `phrases` (plain substrings), or None when there are none."""
    if not phrases:
        return None
    pattern = re.compile("|".join(re.escape(phrase) for phrase in phrases))
    return lambda text: pattern.search(text) is not None


# -- rule factories -----------------------------------------------------------------------------


def on_instruction(reason: str, check: Callable[[str], bool] | None, param: str = "") -> Rule | None:
    return None if check is None else Rule.on("instruction", reason, check, param)


def on_answer(reason: str, check: Callable[[str], bool] | None, param: str = "") -> Rule | None:
    return None if check is None else Rule.on("output", reason, check, param)


def on_pair(
    reason: str, check: Callable[[str, str], bool], param: str = "", enabled: bool = True
) -> Rule | None:
    """A rule reading instruction and answer (a null reads as the empty string)."""
    if not enabled:
        return None
    return Rule(reason, lambda row: check(row["instruction"] or "", row["output"] or ""), PAIR, param)


def either(
    reason: str, check: Callable[[str], bool] | None, param: str = "", enabled: bool = True
) -> Rule | None:
    """A rule that drops the pair when the instruction or the answer fails `check`."""
    if check is None or not enabled:
        return None
    return on_pair(reason, lambda instruction, answer: check(instruction) or check(answer), param)


# Foreign words quoted in a request to make something of them (用“shimmer”造句, “flavor”和
# “satisfied”组合成新词): the answer is in their language.
_QUOTED_LATIN = re.compile(r"[“\"「‘'][A-Za-z][A-Za-z0-9 ,.'’\-!?]{0,60}[”\"」’']")
_MAKES_WORDS = re.compile(
    r"造句|句子|例句|短语|词组|同义词|反义词|近义词|组合|新词|拼写|复数|单数|时态|过去式|改写|改成|转换|变成|变为|修辞|押韵|缩写|首字母|用户名|密码|字符串|构造|重组|排序|排列"
)


def asks_for_other_language(instruction: str, hints: Sequence[str]) -> bool:
    """The instruction names another language (hints such as 英文, 翻译, 代码), works on material in
    Latin letters (判断句子的语态：The dog was taken for a walk.), or asks to make something of quoted
    foreign words (用“opulent”造句)."""
    if any(hint in instruction for hint in hints):
        return True
    material = unicodedata.normalize("NFKC", material_of(instruction))  # full-width Ｈｅｌｌｏ is Latin
    if (
        material
        and sum(char.isascii() and char.isalpha() for char in material) >= 3
        and cjk_ratio(material) < 0.3
    ):
        return True
    return _QUOTED_LATIN.search(instruction) is not None and _MAKES_WORDS.search(instruction) is not None


def answer_low_cjk(min_share: float, instruction_min_share: float, hints: Sequence[str]) -> Rule | None:
    """A Chinese instruction answered mainly in other words (code and URLs excluded), unless it asks for them."""
    if min_share <= 0:
        return None

    def check(instruction: str, answer: str) -> bool:
        if cjk_word_share(instruction) < instruction_min_share or asks_for_other_language(instruction, hints):
            return False
        if looks_like_code(answer):
            return False
        answer = without_names(answer, instruction)
        if sum(char.isalpha() for char in answer) < 4:
            return False  # names only (BTS、Blackpink、EXO): nothing is written in another language
        return cjk_word_share(answer) < min_share

    return on_pair("answer_low_cjk", check, "assemble.answer_min_cjk_ratio")


_TITLE_WITHOUT_CJK = re.compile(r"《[^》\u3400-\u9fff]*》|「[^」\u3400-\u9fff]*」|“[^”\u3400-\u9fff]*”")
# Names written in Latin letters: runs of capitalised words and acronyms (Steve Jobs, Fe, BTS, NASA).
_CAPITALISED_RUN = re.compile(
    r"(?<![A-Za-zÀ-ÿ])(?:[A-ZÀ-Þ][a-zß-ÿ'’.\-]*|[A-Z]{2,6})(?:\s+(?:[A-ZÀ-Þ][a-zß-ÿ'’.\-]*|[A-Z]{2,6}))*(?![A-Za-zÀ-ÿ])"
)
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’.\-]*")


def without_names(answer: str, instruction: str) -> str:
    """The answer without the foreign names it has no choice but to use: titles in 《》 or quotes
    written without Chinese characters (《Love Story》), the words of other letters the instruction
    itself used (Taylor Swift有哪些代表作？ -> Taylor, Swift) and capitalised names (Steve Jobs,
    Fe). An English sentence keeps its lowercase words, so it still reads as English."""
    names = {word.lower() for word in _LATIN_WORD.findall(instruction)}
    text = _TITLE_WITHOUT_CJK.sub(" ", answer)
    text = _LATIN_WORD.sub(lambda match: " " if match.group(0).lower() in names else match.group(0), text)
    return _CAPITALISED_RUN.sub(" ", text)


# Hints that name a language, by the fastText codes they allow.
_LANGUAGE_HINTS = {
    "英文": ("en",),
    "英语": ("en",),
    "English": ("en",),
    "日语": ("ja",),
    "日文": ("ja",),
    "法语": ("fr",),
    "德语": ("de",),
    "韩语": ("ko",),
    "俄语": ("ru",),
    "西班牙语": ("es",),
}


def wrong_language(
    model: str,
    min_probability: float,
    instruction_min_share: float,
    hints: Sequence[str],
    min_letters: int = 12,
) -> Rule:
    """fastText says the answer is not Chinese (with at least `min_probability`) although the
    instruction is Chinese and asks for no other language, no translation and no code; an
    instruction that names languages (怎么学日语？) allows those, not any (an English answer)."""
    from kun.rules.language import CHINESE, identifier

    detector = identifier(model)

    def check(instruction: str, answer: str) -> bool:
        if cjk_word_share(instruction) < instruction_min_share or looks_like_code(answer):
            return False
        # a hint naming languages (怎么学日语？) allows those; any other hint (翻译, 代码) allows any
        named = {code for hint in hints if hint in instruction for code in _LANGUAGE_HINTS.get(hint, ("*",))}
        if asks_for_other_language(instruction, hints) and (not named or "*" in named):
            return False
        answer = without_names(answer, instruction)
        if sum(1 for char in answer if char.isalpha()) < min_letters:
            return False
        language, probability = detector.identify(answer)
        return (
            language is not None
            and language not in CHINESE
            and language not in named
            and probability >= min_probability
        )

    return on_pair("wrong_language", check, "assemble.wrong_language")


# -- how long an answer must be ------------------------------------------------------------------

_EXPLICIT_BRIEF = re.compile(
    r"一句话|一个词|一句|一两句|简短|简要|简单地?说|简单回答|几个字|一个字|短诗|一行"
    # a name or a title is short by nature: 建议一个小说标题, 给店铺起个名字
    r"|(?:起|取|拟|想|给|建议|推荐|写|提供|生成|创造|设计)[^。，？?！!]{0,24}?(?:标题|题目|书名|名字|名称|口号|标语|昵称|网名|用户名|店名|队名|片名|歌名)"
)
# A long piece is asked for by its manner (详细, 分析) or by a kind of text to write (写一篇作文,
# 制定一个方案); the same nouns in a question about them (文章的开头有哪些写法？) ask for no length.
# Words asking for depth, opening a word of the instruction (详细分析, 深入探讨; 精神分析 is a
# school, not a request to analyse).
_LONG_WORD = re.compile(r"详细|详尽|全面|完整|深入|论述|阐述|分析|梳理|来龙去脉|系统分析")
_LONG_REQUEST = re.compile(
    r"具体说明|系统(?:地|性地?)?(?:介绍|讲|说|梳理|阐述|说明|总结)|不少于|至少\s*\d+|\d+\s*字"
    r"|(?:写|撰写|创作|起草|拟|制定|做|出(?![自处现生版发口来去名于])|设计|策划|给我|帮我|提供)[^。，？?！!]{0,20}?"
    r"(?:作文|文章|报告|方案|计划|规划|攻略|总结|读后感|观后感|心得|演讲稿|发言稿|教案|提纲)"
    # kinds of text only when they are to be written (推荐一本小说 asks for a title)
    r"|(?:写|撰写|创作|编(?!辑|号|码)|起草)[^。，？?！!]{0,12}?"
    r"(?:议论文|说明文|记叙文|散文|随笔|论文|评论|书评|影评|故事|小说|申请书|倡议书|策划书|计划书|综述)"
    # a piece by its measure: 写一篇关于坚持的…
    r"|(?:写|撰写|创作)(?:一|几|两|三)篇"
)
_EXPLAIN_REQUEST = re.compile(
    r"介绍|解释|说明|描述|讲讲|讲解|谈谈|说说|聊聊|为什么|为何|如何|怎样|怎么|比较|区别|原因|意义|影响|作用|过程|优缺点|建议|方法"
)
# A rewrite or a reading of quoted words (“我迷路了”用英语怎么说？) is as short as the words.
_ASKS_ABOUT_QUOTED = re.compile(
    r"[“「\"][^”」\"\n]{1,30}[”」\"][^。？?]{0,8}?(?:翻译|译成|怎么说|用英语|用英文|怎么读|读音|拼音|造句|近义词|反义词)"
    r"|(?:翻译|译成|怎么说)[^。？?]{0,4}?[“「\"][^”」\"\n]{1,30}[”」\"]"
)


# Aspects of a subject that each take sentences to explain: 起源和影响, 原理、过程和意义.
_ASPECT = re.compile(
    r"起源|由来|发展|演变|历史|现状|前景|影响|意义|原因|过程|特点|优缺点|利弊|措施|对策|原理|作用|结构|成因|危害|价值"
)
# How a word is written, read or said (阿里巴巴的英文名怎么写？) asks for a form, not an explanation.
_ASKS_FOR_A_FORM = re.compile(r"(?:怎么|怎样|如何)(?:写|读|拼|念|说|叫|称呼|表示)[？?。]?$")


def _asks_for_length(instruction: str, said: Sequence[str]) -> bool:
    """A long answer asked for: a word count, a kind of text to be written (写一份…调查报告), or a
    word of depth (详细, 分析, 全面…) opening one of the instruction's words `said`, not inside one."""
    return _LONG_REQUEST.search(instruction) is not None or any(_LONG_WORD.match(word) for word in said)


def _asks_to_explain(said: Sequence[str]) -> bool:
    """An explain-type request (介绍, 为什么, 作用…) opening one of the instruction's words `said`,
    not inside one: 光合作用产生什么气体？ asks for a fact (光合作用 is one word)."""
    return any(_EXPLAIN_REQUEST.match(word) for word in said)


# An outline, a framework or a list of titles is short by nature (班会方案的框架).
_OUTLINE = re.compile(r"框架|提纲|大纲|目录|结构图|标题|清单|要点")
_STATED_MINIMUM = re.compile(r"(?:不少于|至少|不低于|不得少于)\s*\d+\s*字|\d+\s*字以上")
_WORD_COUNT = re.compile(r"(\d+)\s*字")


def relative_floor(instruction: str, brief: int, explain: int, long: int) -> int:
    """The shortest acceptable answer for what the instruction asks: `brief` for a question of
    fact, a one-liner or a rewrite of given material; `explain` for 介绍/解释/为什么/如何; `long` (or
    a share of a stated word count: half of a minimum (不少于800字), a third of an approximate
    count (300字左右); 0 turns both off) for 详细/分析 opening a word, a text to write (作文, 写一份…报告),
    N字, and for an explanation of two or more
    aspects (起源和影响, 原理、过程和意义). How a word is written or read (…英文名怎么写？) is brief."""
    if (
        _EXPLICIT_BRIEF.search(instruction)
        or material_of(instruction)
        or _ASKS_ABOUT_QUOTED.search(instruction)
    ):
        return brief
    if _OUTLINE.search(instruction):
        return explain
    if _ASKS_FOR_A_FORM.search(instruction.strip()) and not _ASPECT.search(instruction):
        return brief
    said = words(instruction)  # jieba's words, cut once for both tests below
    explains = _asks_to_explain(said)
    aspects = set(_ASPECT.findall(instruction)) if explains else set()
    if _asks_for_length(instruction, said) or len(aspects) >= 2:
        stated = [int(count) for count in _WORD_COUNT.findall(instruction)]
        share = 2 if _STATED_MINIMUM.search(instruction) else 3
        return max([long] + [count // share for count in stated]) if long else 0
    if explains:
        return explain
    return brief


def too_short_fixed(min_chars: int, allow_material_length: bool) -> Rule:
    """The authors' floor on answer length; with `allow_material_length`, an instruction that
    carries its own material lowers it to that material's length."""

    def check(instruction: str, answer: str) -> bool:
        floor = min_chars
        if allow_material_length and (material := material_of(instruction)):
            floor = min(min_chars, len(material))
        return len(answer.strip()) < floor

    return on_pair("answer_too_short", check, "assemble.min_answer_chars")


# An answer that is a command or a snippet in backticks (`df -h`) is as long as the code needs.
_CODE_ONLY = re.compile(r"^\s*`[^`\n]+`[。.]?\s*$")


def too_short_relative(brief: int, explain: int, long: int) -> Rule:
    return on_pair(
        "answer_too_short",
        lambda instruction, answer: (
            not _CODE_ONLY.match(answer)
            and len(answer.strip()) < relative_floor(instruction, brief, explain, long)
        ),
        "assemble.length_floor",
    )


def _opens_with_repetition(instruction: str, answer: str, opening_min: int) -> bool:
    """The answer opens with a unit said `opening_min` times (好的好的好的); in verse a word
    repeated with a pause each time (鹅，鹅，鹅，) is the poem's own, not a stutter."""
    unit = opening_repeated_unit(answer, opening_min)
    if unit is None:
        return False
    paused = not unit.rstrip()[-1:].isalnum()
    return not (paused and patterns.ASKS_FOR_VERSE.search(instruction))


_HEADING = re.compile(r"^\s*#{1,6}\s", re.MULTILINE)


def _without_section_leads(answer: str) -> str:
    """The answer without the first line under each markdown heading: sections may open alike
    (## 颐和园 / 皇家园林。 … ## 承德避暑山庄 / 皇家园林。) by design."""
    if len(_HEADING.findall(answer)) < 2:
        return answer
    kept, after_heading = [], False
    for line in answer.splitlines():
        if not line.strip():
            continue
        if _HEADING.match(line):
            kept.append(line)
            after_heading = True
        elif after_heading:
            after_heading = False  # the section's lead line is left out
        else:
            kept.append(line)
    return "\n".join(kept)


# Forms that repeat lines by design: a song's chorus, a weekly plan's sessions, a dialogue's turns.
# A loop is still caught by catastrophic_repetition.
_REPEATS_BY_DESIGN = re.compile(
    r"(?:写|作|创作|编|谱)[^。，？?]{0,12}?(?:歌|诗|rap|说唱|童谣|顺口溜)|歌词|歌曲|rap|说唱|押韵|对联"
    r"|计划|日程|课表|课程表|食谱|菜单|对话|剧本|台词",
    re.IGNORECASE,
)


# A task on numbered items (对以下评论分类：\n1）…\n2）…) is answered item by item, in parallel sentences.
_ITEMS_IN_MATERIAL = re.compile(
    r"[\n；;：:，,\s](?:1|一)\s*[.．、)）][\s\S]*?[\n；;，,\s](?:2|二)\s*[.．、)）]"
)


_SENTENCE_MARK = re.compile(r"[。！？!?]")


def _said_anew(instruction: str, answer: str) -> list[str]:
    """The answer's sentences less those quoting the instruction's material: a rewrite that echoes
    the given sentence before its new form (她正在看电视。→ 她正在观看电视。) repeats by design."""
    material = material_of(instruction)
    said = sentences(_without_section_leads(answer))
    return [sentence for sentence in said if not material or sentence not in material]


def _one_paragraph(answer: str) -> bool:
    """Prose on one line, in sentences: not a list, whose items share their words by design."""
    return _SENTENCE_MARK.search(answer) is not None and len(list_items(answer)) < 2


def repetition_rules(
    item_ratio: float,
    sentence_ratio: float,
    opening_min: int,
    ngram_ratio: float,
    paraphrase_dictionary: str = "",
) -> list[Rule | None]:
    """The repetition rules; with `paraphrase_dictionary` (a CC-CEDICT source, see
    kun.rules.meaning) sentences of a one-paragraph answer also repeat when said in other words."""
    restates = glossary(paraphrase_dictionary).restates if paraphrase_dictionary else None
    return [
        on_pair(
            "opens_with_repetition",
            lambda instruction, answer: _opens_with_repetition(instruction, answer, opening_min),
            "assemble.opening_repeat_min",
            opening_min >= 2,
        ),
        on_pair(
            "repeated_list_items",
            lambda instruction, answer: (
                not _REPEATS_BY_DESIGN.search(instruction)
                and (
                    repeated_share(list_items(_without_section_leads(answer))) > item_ratio
                    # a run of terms in a sentence, two or more said again: 泰山、黄山、华山、泰山、黄山
                    or any(
                        repeated_share(terms) > item_ratio and len(terms) - len(set(terms)) >= 2
                        for terms in enumerations(answer)
                    )
                )
            ),
            "assemble.max_repeated_item_ratio",
        ),
        on_pair(
            "repeated_sentences",
            lambda instruction, answer: (
                not _REPEATS_BY_DESIGN.search(instruction)
                and not _ITEMS_IN_MATERIAL.search(instruction)
                and near_repeated_share(
                    _said_anew(instruction, answer),
                    # a run of terms may hold one term inside another (支气管肺活检；经支气管肺活检)
                    restatements=_SENTENCE_MARK.search(answer) is not None,
                    restates=restates if restates is not None and _one_paragraph(answer) else None,
                )
                > sentence_ratio
            ),
            "assemble.max_repeated_sentence_ratio",
        ),
        on_answer(
            "catastrophic_repetition",
            lambda text: repeated_ngram_ratio(text, 10) > ngram_ratio,
            "assemble.max_repeated_ngram_ratio",
        ),
    ]


def broken_encoding(text: str) -> bool:
    return REPLACEMENT_CHARACTER in text
