"""The pair classifier learned from labelled pairs (kun.rules.learned): what it catches, what it
keeps, what it learns from, and the errors a bad labelled file gets."""

from __future__ import annotations

import json

import polars as pl
import pytest

from kun.core.errors import KunError
from kun.instructions.assemble import AssembleParams, gate_pairs, pair_classifier
from kun.instructions.curate import FilterParams
from kun.instructions.pairs import filter_pairs
from kun.rules import learned

THRESHOLD = AssembleParams().classifier_threshold
# Written for this test, in no labelled file: wordings the benchmark's dev half does not hold.
CAUGHT = [
    ("你平时喜欢听什么歌？", "我只是一段运行在服务器上的程序，没有耳朵，也谈不上喜欢哪首歌。"),  # self-talk
    ("写一段生日祝福。", "这个我就不写了，祝福还是你自己来写更有心意。"),  # refusal
    (
        "如何缓解眼睛疲劳？",
        "多眺望远处，每隔一小时闭眼休息五分钟。\n\n网友提问：每天要滴眼药水吗？\n博主回答：不建议天天滴。",
    ),  # a further turn
]
KEPT = [
    ("介绍一下苏州园林。", "苏州园林是中国古典园林的代表，讲究移步换景，拙政园和留园最为有名。"),
    ("你平时喜欢听什么歌？", "我喜欢听民谣，比如赵雷的《成都》，旋律简单，歌词很有画面感。"),
    ("如何缓解眼睛疲劳？", "每用眼四十分钟，就向远处眺望几分钟；睡眠要充足，屏幕亮度不要太高。"),
]


@pytest.fixture(scope="module")
def benchmark_classifier():
    return learned.classifier_for("", "dev")


@pytest.mark.parametrize("instruction, answer", CAUGHT)
def test_wordings_of_the_learned_families_reach_the_threshold(benchmark_classifier, instruction, answer):
    assert benchmark_classifier.bad_probability([instruction], [answer])[0] >= THRESHOLD


@pytest.mark.parametrize("instruction, answer", KEPT)
def test_plain_answers_stay_under_it(benchmark_classifier, instruction, answer):
    assert benchmark_classifier.bad_probability([instruction], [answer])[0] < THRESHOLD


def _write(path, rows):
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def _row(instruction, output, label, split="dev", family="refusal"):
    return {"instruction": instruction, "output": output, "label": label, "split": split, "family": family}


def test_it_learns_the_dev_rows_of_its_families_only(tmp_path):
    path = _write(
        tmp_path / "pairs.jsonl",
        [
            _row("问一", "答一", "good", family="general"),
            _row("问二", "我不能回答。", "bad"),
            _row("问三", "答三", "bad", family="answer_too_short"),  # a family it does not learn
            _row("问四", "作为AI我不能回答。", "bad", split="test"),  # held out
        ],
    )
    pairs = learned.read_labelled(path, "dev")
    assert pairs.answers == ("答一", "我不能回答。") and pairs.bad == (False, True)
    assert len(learned.read_labelled(path, "", families=("refusal", "answer_too_short")).answers) == 4
    unnamed = _write(
        tmp_path / "unnamed.jsonl",
        [_row("问一", "答一", "good"), {**_row("问二", "我不能。", "bad"), "family": None}],
    )
    assert learned.read_labelled(unnamed, "dev", families=()).bad == (
        False,
        True,
    )  # no family: always learned


def test_training_is_deterministic(tmp_path):
    rows = [_row(f"问题{i}", f"答案是{i}号。", "good", family="general") for i in range(6)] + [
        _row(f"问题{i}", f"抱歉，我无法回答问题{i}。", "bad") for i in range(6)
    ]
    pairs = learned.read_labelled(_write(tmp_path / "pairs.jsonl", rows), "dev")
    first, second = learned.PairClassifier(pairs), learned.PairClassifier(pairs)
    probe = (["问题9"], ["抱歉，我无法回答。"])
    assert first.bad_probability(*probe) == second.bad_probability(*probe)
    assert first.bad_probability(*probe)[0] > first.bad_probability(["问题9"], ["答案是9号。"])[0]


@pytest.mark.parametrize(
    "lines, message",
    [
        (['{"instruction": "问", "output": "答", "label": "good"}', "{not json"], ":2: not JSON"),
        (['{"instruction": "问", "output": 3, "label": "good"}'], ":1: a labelled pair needs"),
        (['{"instruction": "问", "output": "答", "label": "fine"}'], ":1: a labelled pair needs"),
        (['{"instruction": "问", "output": "答", "label": "good"}'], "needs good and bad pairs"),
    ],
)
def test_a_bad_labelled_file_names_the_line_and_the_fix(tmp_path, lines, message):
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KunError, match=message):
        learned.read_labelled(path, "dev")


def test_a_missing_labelled_file_says_how_to_switch_the_classifier_off(tmp_path):
    with pytest.raises(KunError, match="assemble.classifier: false"):
        learned.classifier_for(str(tmp_path / "absent.jsonl"), "dev")


def test_it_runs_after_the_rules_and_names_its_drops_with_their_probability():
    frame = pl.DataFrame(
        {"instruction": [i for i, _ in CAUGHT + KEPT], "output": [a for _, a in CAUGHT + KEPT]}
    )
    # no rules: the classifier alone drops the three, as `classifier`, each with its probability
    kept, rejected, counts = gate_pairs(
        frame, [], "keep", "finish_reason", pair_classifier(AssembleParams()), THRESHOLD
    )
    assert counts["classifier"] == 3 and set(rejected.get_column("reason")) == {"classifier"}
    assert rejected.get_column("bad_probability").min() >= THRESHOLD
    assert kept.get_column("output").to_list() == [a for _, a in KEPT]
    # in filter-pairs it is counted when on (zeros included) and absent when off
    assert "classifier" not in filter_pairs(frame, FilterParams(), AssembleParams(classifier=False))[2]
    kept, _, counts = filter_pairs(frame, FilterParams(), AssembleParams())
    assert "classifier" in counts and kept.get_column("output").to_list() == [a for _, a in KEPT]
    assert pair_classifier(AssembleParams(classifier=False)) is None
