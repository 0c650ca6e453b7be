"""Restatements in other words (kun.rules.meaning): CC-CEDICT's glosses tell synonyms, the
repeated_sentences gate drops answers that say a sentence twice, and parallel sentences, lists and
conclusions are kept."""

from __future__ import annotations

import gzip

import polars as pl
import pytest

from kun.core.errors import KunError
from kun.instructions import gates
from kun.instructions.assemble import AssembleParams
from kun.instructions.curate import FilterParams
from kun.instructions.pairs import filter_pairs
from kun.rules import meaning

# Written for this test, in no labelled file: a sentence said again in other words.
CAUGHT = [
    ("怎样保护视力？", "读书写字时要保持正确的坐姿。看书写作业的时候身体要坐端正。要少看手机。"),
    ("说说大熊猫。", "大熊猫是中国的国宝。大熊猫被称为我国的国宝级动物。大熊猫爱吃竹子。"),
    ("为什么要多运动？", "运动能让人的心情变好。经常锻炼可以使人心情愉快。运动还能增强免疫力。"),
]
# Round 74's restatement read back: a quantity word (大量) is no content of its own.
CAUGHT += [
    ("为什么要保护湿地？", "湿地能涵养水源。湿地可以储存大量的水分。湿地还是许多候鸟的栖息地。"),
]
KEPT = [
    # parallel sentences on two subjects
    ("比较一下苹果和香蕉的营养。", "苹果富含膳食纤维。香蕉富含膳食纤维和钾。两者都是健康的水果。"),
    # one subject, each sentence adding something
    ("为什么要多喝水？", "多喝水有益健康。水能促进新陈代谢。喝水还能帮助身体排出废物。"),
    # a list: its steps share their words by design
    (
        "怎么换灯泡？",
        "1. 关闭电源开关。\n2. 等灯泡冷却后逆时针拧下。\n3. 装上同规格的新灯泡。\n4. 打开开关测试。",
    ),
    # a conclusion restating the opening
    ("为什么要早睡？", "早睡能让身体得到充分休息。睡眠不足会降低免疫力。所以早睡能让身体得到休息。"),
]


def _drops(instruction: str, answer: str, dictionary: str = meaning.SHIPPED) -> bool:
    rules = {rule.reason: rule for rule in gates.repetition_rules(0.2, 0.2, 3, 0.5, dictionary) if rule}
    return rules["repeated_sentences"].drops({"instruction": instruction, "output": answer})


@pytest.mark.parametrize("instruction, answer", CAUGHT)
def test_a_sentence_said_again_in_other_words_is_dropped(instruction, answer):
    assert _drops(instruction, answer)
    assert not _drops(instruction, answer, dictionary="")  # the characters alone cannot tell


@pytest.mark.parametrize("instruction, answer", KEPT)
def test_parallel_sentences_lists_and_conclusions_are_kept(instruction, answer):
    assert not _drops(instruction, answer)


def test_synonyms_by_their_glosses():
    glossary = meaning.glossary()
    assert glossary.alike("通风", "换气")  # ventilate
    assert glossary.alike("月亮", "月球")  # a shared character
    assert not glossary.alike("苹果", "香蕉")
    assert glossary.restates("月亮是地球的卫星", "月球是地球唯一的天然卫星")
    assert not glossary.restates("我很喜欢春天", "我很喜欢夏天")  # one slot filled twice


def test_a_dictionary_file_of_ones_own(tmp_path):
    path = tmp_path / "cedict_ts.u8.gz"
    with gzip.open(path, "wt", encoding="utf-8") as file:
        file.write(
            "# CC-CEDICT\n甲蟲 甲虫 [jia3 chong2] /beetle/\n金龜子 金龟子 [jin1 gui1 zi3] /beetle/scarab/\n"
        )
    glossary = meaning.Glossary(str(path))
    assert glossary.alike("甲虫", "金龟子") and not glossary.alike("甲虫", "蝴蝶")


def test_a_missing_or_empty_dictionary_gets_one_error(tmp_path):
    with pytest.raises(KunError, match=r"assemble.paraphrase_dictionary: .*nope.u8: no such CC-CEDICT file"):
        meaning.Glossary(str(tmp_path / "nope.u8"))
    empty = tmp_path / "empty.u8"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(KunError, match="no CC-CEDICT entries"):
        meaning.Glossary(str(empty))


def test_the_param_switches_the_check_off():
    instruction, answer = CAUGHT[0]
    frame = pl.DataFrame({"instruction": [instruction], "output": [answer]})
    for dictionary, reasons in ((meaning.SHIPPED, ["repeated_sentences"]), ("", [])):
        params = AssembleParams(paraphrase_dictionary=dictionary, classifier=False)
        _, rejected, _ = filter_pairs(frame, FilterParams(), params)
        assert rejected.get_column("reason").to_list() == reasons
