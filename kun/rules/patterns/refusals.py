"""Refusals: an apology or a first-person "cannot" before an action, a task declined or handed back."""

from __future__ import annotations

import re

from kun.rules.patterns.common import QUESTION_WORD
from kun.rules.stats import material_of, prose

_I = re.IGNORECASE


_CANNOT = r"(?:(?:暂|暂时|还|目前)?不支持(?=生成|回答|创作|撰写|编写|处理|提供|查询|此类|这类|该类)|婉拒|谢绝|回绝|不具备|不具有|暂未开放|暂不开放|暂未支持|尚未开放|帮不了|帮不上|做不了|办不到|无能为力|爱莫能助|无从|难以|无法|不能|不可以|不可|没法|没有办法|没办法|做不到|(?:不太方便|不方便|不便)(?![。，！？、；,.!?\s]|之处|的地方)|不宜|无权|没有权限|不会|不得不拒绝|拒绝|未能|不予)"

_ACTION = r"(?:为你|为您|帮你|帮您|帮助|帮忙|协助|替你|替您|提供|回答|回复|完成|满足|获取|获得|得知|知晓|访问|查询|查看|查|搜|找|撰写|预测|判断|给出|告诉|透露|执行|编写|生成|处理|支持|参与|讨论|评价|实时|浏览|上网|联网|确定|保证|代替)"

_REFUSAL = [
    # an apology before "cannot", said of the speaker (很遗憾你不能参加 is news for the reader)
    re.compile(r"(?:抱歉|遗憾|对不起|不好意思|恕我)(?:(?![你您他她它]|大家)[^。！？\n]){0,16}?" + _CANNOT),
    re.compile(
        r"我(?:这边|这里)?(?:[^。！？，,\n]{0,5}?(?:也|都|并|还|是))?(?:目前|现在|暂时|并|还|真的|实在|是)?"
        + _CANNOT
        + r"[^。！？\n]{0,4}?"
        + _ACTION
    ),
    re.compile(r"我(?:这边|这里|目前|暂时|现在)?(?:是|也|都|可)?(?:查询|查|找|获取|看|搜索|拿)(?:不到|不了)"),
    re.compile(r"我(?:选择|决定|就|还是|暂时)?不(?:参与|参加|发表|做|作)(?:讨论|评论|评价|置评|回答)"),
    # not the speaker's field, so the asker is sent elsewhere: 相声创作不是我的强项，还是请专业人士来吧
    re.compile(
        r"(?:不是|并非|不算)我的(?:强项|专长|长处|专业|特长|领域)[^。！？\n]{0,12}?(?:请|找|问问|建议|交给|咨询|还是|去问)"
    ),
    # what it can give is little: 我目前能提供的信息有限
    re.compile(
        r"我(?:目前|现在|这边|这里)?(?:能|可以|所能)(?:提供|给出|给)的(?:信息|帮助|内容|资料)(?:非常|十分|比较|很)?有限"
    ),
    # the request put outside the speaker's scope: 超出了我能处理的范围, 不在我可以回答的范围内
    re.compile(
        r"(?:超出|超过|超越|不在|不属于)(?:了)?(?:我|本助手|本系统|我们)(?:的|所)?(?:能力|能够|能|可以|可)?"
        r"(?:处理|回答|解答|服务|支持|理解|帮助|涉及|讨论)?(?:的)?(?:能力)?(?:范围|范畴|之内|以内)"
    ),
    # a verdict of refusal closing the answer: 所以我只能拒绝。
    re.compile(
        r"我(?:只能|只好|不得不|必须|得|要)(?:婉拒|拒绝|谢绝)(?:你|您)?(?:的)?(?:这个|此|该)?(?:请求|要求)?(?=[。！!，,]|$)"
    ),
    re.compile(_CANNOT + r"(?:满足|完成|回应|处理)(?:你|您)的(?:请求|要求|需求|问题)"),
    re.compile(
        r"(?:无法|不能|没办法|没有办法|没法|做不到)(?:为|替|帮|告诉|提供给|回答|透露给|预测给)(?:你|您)"
    ),
    re.compile(
        r"(?:这个|该|此类?|这类|这样的?|这种|你的|您的)(?:问题|请求|要求)[^。！？\n]{0,6}?我(?:得|只能|不得不|必须|要|就)?"
        + _CANNOT
    ),
    re.compile(
        r"(?:抱歉|遗憾|对不起|不好意思)[^。！？\n]{0,8}?我(?:并|真的|实在)?(?:不知道|不清楚|不了解|不太清楚|不太了解|没有相关|没有这方面)"
    ),
    re.compile(
        r"(?:请|您可以|你可以|建议)?(?:换一个|换个)(?:[^，,。！？\n]{0,4}的)?(?:问题|话题)(?:再试|吧|试试|问我|再问|问问)"
    ),
    re.compile(
        r"(?:不在|超出(?:了)?|超过(?:了)?)我(?:的)?(?:能力|服务|回答|职责|能做的|可以做的|可以回答的|能回答的|所能)[^。！？\n]{0,4}?范围"
    ),
    re.compile(
        r"(?:我|这个忙|这忙|此事|这件事)[^。！？，,\n]{0,6}?(?:帮不了|帮不上|办不到|无能为力|爱莫能助)|(?:这个|这件事|这种事)我(?:也|真的|实在)?做不到|恕难从命|恕不能|无可奉告|另请高明|另找高人|另寻高人|(?:我)?(?:就|还是|便)?不(?:献丑|班门弄斧)了"
        # too hard for me, and I fear I cannot: 对我来说有点难，恐怕写不好
        r"|对我(?:来说|而言)(?:有点|有些|太|实在|真的)?(?:难|超纲)[^。！？\n]{0,6}?(?:恐怕|可能|怕是)(?:写|做|答|完成|编|画|讲)(?:不好|不了|不出)"
    ),
    # a verb with its own "cannot": 我回答不了, 这个我答不上来, 我不便透露
    re.compile(
        r"我[^。！？\n]{0,8}?(?:回答不了|答不上来|处理不了|完成不了|办不了|满足不了|预测不了|答不了|给不出|给不了|提供不了|回答不出|做不来|解答不了|无法作答|不予回答|不便回答|不便透露|不便评论|不便告知|帮不到)"
    ),
    re.compile(
        r"我(?:这边|这里|今天)?(?:就|还是|先|暂时)?不(?:替你|帮你|给你|为你|替您|帮您)?(?:写|答|回答|提供|帮|做|讨论|评论|展开|参与|介绍|解答|透露|分享|讲|聊|编|推荐|分析)(?:讲|说|谈|聊|写)?了"
        r"|(?:这个|这种|这类|此类|那个)[^。！？，,\n]{0,4}?我(?:就|还是|便)?不(?:讲|说|聊|编)了"
    ),
    re.compile(
        r"(?:你|您)(?:还是|最好|可以)?(?:去)?问问(?:别人|其他人|别的人)|暂不支持(?:回答|提供|查询|讨论)"
        r"|(?:此|这个|该|这类|此类)(?:问题|请求|话题)(?:我)?(?:无法|不能|不便|暂不|不予)(?:回答|作答|回复|讨论|提供)"
        r"|(?:涉及|包含|属于)(?:敏感|违规|不当|违法)[^。！？\n]{0,6}?(?:无法|不能|不便|不予)(?:回答|讨论|提供|回复|展示)"
        r"|不予置评|不做评论|不便置评|恕难(?:照办|从命|办到|满足|接受|提供)|(?:难以|无法|不能)照办(?=[。！？!?，,]|$)|超出(?:了)?我的(?:知识|认知)(?:范围|储备)|(?:超出|超过|超越)(?:了)?我(?:的)?(?:能力|所能)(?:之外|以外)?(?=[。！？!?，,]|$)"
    ),
    re.compile(
        r"我(?:这边|这里)?(?:不能|无法|不可以|没法|没办法|不方便|不太方便|不便|拒绝)(?:帮你|为你|替你|帮您|为您|代你|代您)?(?:写|创作|编造|画|代写|代笔|代劳)(?![字画得])"
    ),
    re.compile(
        r"(?:这种|这个|这类|此类)(?:忙|事)[^。！？\n]{0,3}?我(?:不会|不能|没法|无法|不便)(?:帮|做|参与)"
    ),
    re.compile(r"(?:恕我|请原谅我|原谅我)[^。！？\n]{0,6}?(?:不能|无法|不便|没法|不可)"),
    # declining to give a view: 这个话题比较敏感，我就不发表意见了
    re.compile(
        r"我(?:就|还是|便)?不(?:发表|给出|谈|说)(?:个人)?(?:意见|看法|观点|评论)了|(?:问题|话题)我(?:就)?不(?:做|作)(?:评价|评论|判断)"
        r"|我们(?:还是)?(?:聊|谈|说)(?:点|些)别的(?:吧|话题)"
    ),
    # the information asked for is not at hand: 实时限行信息我这里没有
    re.compile(r"(?:信息|数据|资料|消息)我(?:这里|这边|目前|暂时)?(?:没有|查不到|拿不到|获取不到|无法获取)"),
    re.compile(
        r"我(?:只能|仅能|只可以)(?:回答|提供|处理|讨论|协助)[^。！？\n]{0,16}?(?:相关|有关|方面)的?(?:问题|内容|话题)"
    ),
    re.compile(
        r"\b(?:I (?:don't|do not) have (?:access to|the ability to|real-time)|I'm not (?:allowed|permitted) to)\b",
        _I,
    ),
    re.compile(
        # an English refusal: an apology opening the answer, or "I can't" before what a model does
        # (lyrics may say "I can't believe")
        r"\A\W{0,3}(?:I'?m sorry|I am sorry|I apologi[sz]e|Sorry)\b"
        r"|\b(?:I (?:cannot|can't|can not|am unable to|am not able to|won't be able to)|I'm (?:unable|not able) to)"
        r"\s+(?:help|assist|provide|fulfill|comply|answer|generate|create|write|access|browse|complete|perform|"
        r"give|share|draw|make|translate|tell|offer|process|view|open|read|search|do that|do this|book|check)\b",
        _I,
    ),
]

# Declining a service (我这边暂不提供代写服务): a refusal even where a letter saying 抱歉 was asked for.
_DECLINES_SERVICE = re.compile(
    # declining to help the requester (这个我不能帮你编): never the voice of a letter that was asked for
    r"我[^。！？\n]{0,6}?(?:不能|无法|没法|没办法|不可以|不会|不便)(?:帮|替|为|给)(?:你|您)(?:写|编|做|撰写|起草|代写|编造|捏造|伪造)"
    r"|(?:暂不|不再|不|无法|不能)(?:提供|支持|承接|接受)[^。！？\n]{0,4}?(?:代写|代笔|代做|撰写|写作|创作)(?:服务)?"
    r"|(?:代写|代笔|代做)(?:服务)?[^。！？\n]{0,4}?(?:暂不|不|无法|不能)(?:提供|支持)"
)

# An answer of a sentence or two that declines what was asked for a reason (这个恐怕不太合适，我就不讲了).
_DECLINED_ASKED = re.compile(
    r"(?:我|这次|这回|今天)(?:就|还是|便|先|暂时|就先)?不(?:给你|帮你|为你|给您|帮您|为您)?(讲|说|聊|编|写|答|谈|画|唱|做|算|推荐|介绍|回答|翻译)了"
)

_UNFIT = re.compile(r"不(?:太)?(?:合适|妥|方便|适合|宜)|恐怕|敏感|不好说|我怕|有点难度|太难")

# A short answer whose first sentence says what the speaker does not or cannot do (我目前不支持下载
# 视频, 这类信息我是查不到的, 这种话题我选择不参与讨论): it answers nothing. An answer that gives its
# content first may add a caveat (声音清脆就熟了，光看外表我也判断不了); a preference (我这边不方便,
# 我不太想) is a person's reply, not a model's. Questions to "you", rewrites of given material and
# asked-for verse or stories may speak in the first person.
_FIRST_PERSON_NEGATIVE = re.compile(
    r"^[^。！？!?\n]{0,12}?我(?!们)[^，,。！？!?\n]{0,5}?(?:不|没|无|未)(?!方便|太|想|喜欢|怎么|一定|仅|但|只|论|管|要|用|必)"
    # an opinion is no refusal: 我不支持体罚孩子, 我不赞成 (but 我目前不支持下载视频 is a service declined)
    r"(?!(?<=我不|并不|可不|就不|也不|都不)支持|赞成|同意|认同|觉得|认为|主张|提倡|鼓励|看好|相信|确定|敢肯定|敢说)"
)

_ASKS_FOR_VOICE = re.compile(
    r"(?:你|您)(?!能|可以|能不能|可不可以|帮|给我|告诉)|诗|歌|句|故事|造句|改写|续写|扩写|仿写|对话|台词|剧本|日记|信|作文|文案|段子|笑话|绕口令|翻译|填空|自我介绍"
)

_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|\"[^\"]*\"")


def _brief_first_person_no(instruction: str, text: str, max_chars: int = 40) -> bool:
    text = text.strip()
    if len(text) > max_chars or _ASKS_FOR_VOICE.search(instruction) or material_of(instruction):
        return False
    text = _QUOTED.sub("", text)
    said = _FIRST_PERSON_NEGATIVE.search(text)
    if said is None:
        return False
    # a hedge or a question (我没说错吧) is no refusal: the clause saying no ends on 吧/吗/呢 (not a
    # later one sending the asker elsewhere: 这个我真不懂，你问问修车师傅吧)
    start = max(text.rfind(mark, 0, said.end()) for mark in "，,。！？!?\n") + 1
    clause, *rest = re.split(r"[，,。！？!?\n]", text[start:], maxsplit=1)
    # a caveat before the content (我不会弹，但可以先练和弦…) answers; one before a pointer
    # elsewhere (我不会写，但你可以问老师) does not
    after = re.split(r"[，,。！？!?\n]", rest[0], maxsplit=1)[0].lstrip() if rest else ""
    if after.startswith(("但", "不过", "可是", "然而")) and not _SENDS_ELSEWHERE.search(after):
        return False
    return not clause.rstrip().endswith(("吧", "吗", "呢"))


# The speaker unwilling to do the asked thing (我不想写这种题材, 我懒得画): a person's preference
# in a reply to a question (你想学钢琴吗？), a refusal of a task asked for.
_UNWILLING = re.compile(
    r"我(?:实在|真的|暂时|现在|今天|就|还是|可|也)?(?:不(?:太|大|是很)?(?:想|愿意?)|不打算|懒得|没(?:有)?兴趣|没心情)"
    r"(?:去|再|帮你|给你|替你|为你|帮您|给您|替您|为您)?([\u4e00-\u9fff])"
)

# A piece in the writer's own voice, which may say what the writer does not want (这周我不想写流水账).
_FIRST_PERSON_PIECE = re.compile(
    r"日记|周记|作文|随笔|散文|信|自我介绍|故事|小说|演讲|发言|感想|心得|读后感|观后感"
)

# The speaker doing the asked thing badly (我写得不好, 我画的不行), or unable to pick one.
_DO_IT_BADLY = re.compile(r"我[^，,。！？\n]{0,4}?(?:写|做|画|编|讲|唱|弄)(?:得|的)(?:不好|不行|很差|太差)")

_CANNOT_THINK_OF_ONE = re.compile(
    r"我(?:一时|暂时|实在|真)?想不(?:出|起来)(?:该|要)?(?:讲|说|写|推荐|选)?(?:哪|什么)"
    # not one comes to mind, and it is put off: 冷笑话我这会儿一个都想不起来，下次再说吧
    r"|一个(?:都|也)想不(?:出|起)来[^。！？\n]{0,6}?(?:下次|改天|以后|回头)再(?:说|讲|聊)"
)

# A short answer that calls the request off (这个还是算了吧，我不会去骂人的).
_CALLED_OFF = re.compile(r"(?:还是|就)?算了吧?|不太好吧|免了吧")

_FIRST_PERSON_NO = re.compile(
    r"我(?:是|可|就|还是)?(?:不会|不能|不想|不愿意?|不打算|没法|不)(?:去|帮你|帮您|替你|给你)?"
)

# A requested apology, refusal or leave letter may say 抱歉 and 不能 in their plain sense.
_ASKS_FOR_APOLOGY = re.compile(
    r"道歉|致歉|歉意|拒绝|婉拒|谢绝|推辞|请假|辞职|检讨|不能参加|无法参加|抱歉|遗憾"
)

# A short answer that declines to go on because there is too much to say (相对论内容太多了，这里我就
# 不细说了); an answer that gave its advice may skip details (先讲冲突。细节我就不多讲了，多练就好).
_TOO_MUCH = re.compile(r"太多|太复杂|太深|太长|篇幅|说来话长|一言难尽|比较复杂|很复杂")

_BRIEF_DECLINE = re.compile(
    r"(?:我|这里|在此)(?:就|便|先)?不(?:再)?(?:细说|细讲|多说|多讲|详述|赘述|深入|展开说|一一列举|讲|说|聊|谈)了"
)

# A short answer saying the speaker cannot do it and sending the asker elsewhere: 绕口令我不太会编，
# 你可以在网上找一些现成的. A poem or a story asked for does not end that way.
_I_CANNOT = re.compile(
    r"我(?:也|还|真|实在|确实)?(?:不太?会|不太?懂|不太?了解|不太?清楚|没学过|没法|做不到|编不出|写不出|不太?擅长|不太?在行|不太?拿手|说不出口|开不了口|下不了笔|学不来|(?:编|写|画|做|讲|唱)不好)"
)

_CANT_HELP = re.compile(r"帮不了|帮不上|没法帮|无法帮|爱莫能助")

# Too much to say in words: 三言两语说不清, 一两句话讲不完 (the speaker need not be named).
_CANNOT_SAY = re.compile(
    r"(?:三言两语|一两句话?|几句话|一时半会儿?)[^，,。！？\n]{0,2}?(?:说|讲|解释)不(?:清|完|明白|清楚)|(?:说|讲)不清(?:楚)?"
)

# A clause that answers nothing: the subject is too hard, cannot be said, look elsewhere.
_NO_CONTENT = re.compile(
    r"(?:太|过于|非常|特别|很)(?:深奥|复杂|难|专业|高深|抽象|宽泛)了?$|"
    + _CANNOT_SAY.pattern
    + r"|(?:去|到|看看|查查|翻翻|读读|问问|咨询|请教|找)"
)

# A clause that answers nothing in a reply that sends the asker elsewhere: an excuse (编出来也不顺口),
# the inability, or the pointer itself.
_ANSWERS_NOTHING = re.compile(_NO_CONTENT.pattern + r"|不(?!过|妨|错|少|同|但|仅)|没(?!事)|无法")

_SENDS_ELSEWHERE = re.compile(
    r"(?:你|您)?(?:可以|不妨|最好|还是|得)?(?:去|到|在)?(?:网上|网络上|百度|搜索引擎|书上|书店|图书馆|专业人士|专业的人|医生|律师|老师|师傅|别人|其他人)"
    r"(?:那里|上)?(?:找|搜|查|问|咨询|看看|请教)"
    # the books of the trade: 去看看专业书吧, 查查相关资料
    r"|(?:去|到)?(?:看看|查查|翻翻|读读|查阅|参考)(?:一下)?(?:专业|相关|有关)?的?(?:书|书籍|资料|文献|教材|百科|教程)"
    r"|(?:问问|问一下|请教|咨询|找)[^，,。！？\n]{0,4}?(?:老师|医生|律师|师傅|专业人士|专业人员|专业的人|懂行的人|内行|行家|专家|别人|其他人)"
)

# The asked task declined in so many words: 这封信我先不帮你写, 我就不替你改了.
_DECLINES_TASK = re.compile(
    r"我[^。！？，,\n]{0,4}?不(?:帮|替|给|为)(?:你|您)(?:写|做|编|改|翻译|起草|拟|画|决定|选|起|取|想)"
    # 编理由的事我不参与: the task named, then declined
    r"|的事(?:情|儿)?我(?:就|可|是)?不(?:参与|掺和|干|做|管)(?:了)?(?=[。！!]|$)"
    # 还是别让我说了: the speaker asks to be let off the task
    r"|(?:还是|就)?别(?:让|叫|逼)我(?:说|讲|写|唱|画|编|做|来)了"
)

# The task handed back to the asker: 这个还是你自己写比较好 (to 帮我写…), 你自己查吧.
_HANDED_VERB = r"(写|做|完成|想|定|查|算|画|翻译|设计|准备|整理|编)"
_HANDS_BACK = re.compile(
    r"(?:(?:还是|最好|建议|应该|得)(?:由)?|由)(?:你|您)(?:自己|亲自|本人)(?:来|去)?"
    + _HANDED_VERB
    + r"|(?:你|您)(?:还是|最好|就)?(?:自己|本人)(?:来|去)?"
    + _HANDED_VERB
    + r"(?:比较好|更好|为好|更合适|吧)"
)


# The speaker is not free to do it, with an apology: 模仿真人说话我不太方便，容易引起误会，抱歉啦
_NOT_FREE_TO = re.compile(r"我(?:现在|这边|暂时|实在|可能|恐怕)?(?:不太|不大|不是很|不)方便")
_APOLOGY = re.compile(r"抱歉|不好意思|对不起|见谅|请谅解")


def refusal(instruction: str, answer: str) -> bool:
    text = prose(answer)
    if _DECLINES_SERVICE.search(text):
        return True
    if len(text.strip()) <= 40 and _NOT_FREE_TO.search(text) and _APOLOGY.search(text):
        return True
    handed = _HANDS_BACK.search(text)
    verb = next((group for group in handed.groups() if group), "") if handed is not None else ""
    if (
        verb
        and len(text.strip()) <= 50
        and re.search(r"帮|替|给我|为我|请|麻烦|^" + verb, instruction)
        and verb in instruction
        and not QUESTION_WORD.search(instruction)
    ):
        return True  # asked to do a task, the answer hands it back
    parts = [part for part in re.split(r"[，,。！？!?；;\n]", text) if part.strip()]
    if len(text.strip()) <= 40 and _I_CANNOT.search(text) and handed is not None:
        return True  # 这种话我说不出口，你还是自己想吧: the speaker cannot, the asker should
    if len(text.strip()) <= 30 and _I_CANNOT.search(text) and _CANT_HELP.search(text):
        return True  # 游戏这个我不太了解，帮不了你
    if (
        len(text.strip()) <= 40
        and (_I_CANNOT.search(text) or _CANNOT_SAY.search(text))
        and _SENDS_ELSEWHERE.search(text)
        and (len(parts) <= 2 or all(_ANSWERS_NOTHING.search(part) for part in parts))
    ):
        return True  # I cannot, look elsewhere, and no clause that answers
    declined = _DECLINED_ASKED.search(text)
    if (
        declined is not None
        and len(text.strip()) <= 30
        and declined.group(1) in instruction
        and _UNFIT.search(text)
    ):
        return True
    if _DECLINES_TASK.search(text):
        return True  # 这封信我先不帮你写: the task declined, whatever the letter would have said
    if _ASKS_FOR_APOLOGY.search(instruction):
        return False  # a requested apology, refusal or leave letter declines in its own voice
    if (
        len(text.strip()) <= 30
        and _CALLED_OFF.search(text)
        and (_FIRST_PERSON_NO.search(text) or _DO_IT_BADLY.search(text))
    ):
        return True  # 藏头诗我写得不好…还是算了吧
    if (
        len(text.strip()) <= 30
        and _CALLED_OFF.search(text)
        and _UNFIT.search(text)
        and len(parts) <= 2
        and not QUESTION_WORD.search(instruction)
    ):
        return True  # 给我讲个鬼故事。→ 鬼故事就算了吧，大晚上的不合适讲这些: a task called off as unfit
    if len(text.strip()) <= 30 and _CANNOT_THINK_OF_ONE.search(text):
        return True  # 历史故事太多了，我一时想不出讲哪个
    if _brief_first_person_no(instruction, text):
        return True
    unwilling = _UNWILLING.search(text)
    if (
        unwilling is not None
        and len(text.strip()) <= 40
        and unwilling.group(1) in instruction[:6]
        and not QUESTION_WORD.search(instruction)
        and not _FIRST_PERSON_PIECE.search(instruction)
    ):
        return True  # 写一首关于离别的诗。→ 我不想写这种题材: the asked task, unwanted
    if len(text.strip()) <= 60 and _BRIEF_DECLINE.search(text) and _TOO_MUCH.search(text):
        return True
    return any(pattern.search(text) for pattern in _REFUSAL)
