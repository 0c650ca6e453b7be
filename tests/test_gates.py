"""Each rule gate drops what it names and fails without it; `kun filter-pairs` on any dataset."""

import dataclasses
import json
from collections import Counter
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from kun.cli.commands import main
from kun.instructions.assemble import AssembleParams
from kun.instructions.curate import FilterParams
from kun.instructions.pairs import filter_pairs, read_pairs
from kun.rules.stats import cjk_letter_ratio, list_items, material_of

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "gates.jsonl"
FRAME, _ = read_pairs(BENCH)
DEV, TEST = FRAME.filter(pl.col("split") == "dev"), FRAME.filter(pl.col("split") == "test")
# The switch that turns each gate off, to show the gate is what drops its family.
OFF = {
    "unfinished": ("assemble", {"unfinished": False}),
    "refusal": ("assemble", {"refusal": False}),
    "self_talk": ("assemble", {"self_talk": False}),
    "source_talk": ("assemble", {"source_talk": False}),
    "template_leak": ("assemble", {"template_leak": False}),
    "next_turn": ("assemble", {"next_turn": False}),
    "prompt_injection": ("assemble", {"prompt_injection": False}),
    "placeholder": ("assemble", {"placeholder": False}),
    "spam": ("assemble", {"spam": False}),
    "mojibake": ("assemble", {"mojibake": False}),
    "wrong_language": ("assemble", {"wrong_language": False, "answer_min_cjk_ratio": 0.0}),
    "web_boilerplate": ("assemble", {"boilerplate_phrases": [], "boilerplate_patterns": False}),
    "asks_for_input": ("assemble", {"asks_for_input": False}),
    "repeated_list_items": ("assemble", {"max_repeated_item_ratio": 1.0}),
    "repeated_sentences": ("assemble", {"max_repeated_sentence_ratio": 1.0}),
    "opens_with_repetition": ("assemble", {"opening_repeat_min": 0}),
    "unexpected_script": ("both", {"unexpected_scripts": []}),
    "answer_too_short": (
        "assemble",
        {"long_answer_min_chars": 0, "explain_answer_min_chars": 0, "brief_answer_min_chars": 0},
    ),
    "refers_to_unseen_context": ("filter", {"unseen_context_patterns": False}),
    "instruction_fragment": ("filter", {"fragments": False}),
}
# Dev pairs the rules are known to miss: mostly repetitions in other words whose swapped words share
# neither a character nor a CC-CEDICT gloss (上床睡觉 / 入睡), or that add words on both sides.
KNOWN_DEV_MISSES = {
    "round52-not_a_request-3",  # 备注：此件易碎，请轻拿轻放 asks the courier, not the model
    "round54-truncated-1",  # …代表作有“三吏”: cut after a closing quote, which ends a sentence too
    "round55-repeated_sentences-2",  # 要学会制定计划 / 制定计划是时间管理的第一步: it adds what the first lacks
    "round61-repeated_sentences-2",  # 要多开口说 / 一定要大胆地多说: three content characters, too few to tell
    "round62-unexpected_script-2",  # a Tagalog sentence in Latin letters closing a Chinese answer (Ang sarap nito)
    "round63-repeated_sentences-1",  # 能保护头部安全 / 骑车戴头盔可以保护我们的头部: two characters on each side
    "round63-unseen_context-1",  # 这道菜的做法有什么问题？: an unnamed dish, which a named one (红烧肉这道菜) would not be
    "round64-repeated_sentences-1",  # 去除手上的细菌 / 把手上的细菌洗掉: a verb said in other words
    "round65-repeated_sentences-2",  # 要注意保暖 / 天冷了一定要多穿衣服保暖: three content characters, too few to tell
    "round66-repeated_sentences-2",  # 每天坚持听英语 / 英语听力要天天练习: synonyms
    "round67-not_a_request-1",  # 今天…做了红烧肉，味道还行: 做了 before a closing comment, read as a request
    "round67-repeated_sentences-2",  # 锻炼身体 / 进行体育锻炼: three content characters, too few to tell
    "round67-repeated_sentences-3",  # 朝着太阳 / 花盘会跟着太阳转: words added on both sides
    "round68-repeated_sentences-3",  # 不喝水 / 耐渴，很久不喝水也没事: words added on both sides
    "round69-repeated_sentences-1",  # 人体离不开水 / 身体的每个细胞都需要水分: synonyms
    "round69-repeated_sentences-2",  # 按时上床睡觉 / 在固定的时间入睡: synonyms
    "round70-repeated_sentences-1",  # 净化空气 / 让空气变得更清新: synonyms
    "round70-repeated_sentences-2",  # 光线要充足 / 不要在昏暗的地方看书: said by its opposite
    "round71-repeated_sentences-3",  # 澳大利亚特有的动物 / 只生活在澳洲: synonyms
    "round72-repeated_sentences-2",  # 多临摹字帖 / 多照着字帖练习: synonyms
    "round74-repeated_sentences-2",  # 要坚持每天练习 / 每天都要抽时间写一写: 练习 and 写 share no gloss
    "round75-repeated_sentences-1",  # 读书能开阔眼界 / 多读书可以让人见多识广: an idiom for a phrase
    "round75-repeated_sentences-2",  # 控制看电子屏幕的时间 / 少玩手机和电脑: a kind for its instances
    "round76-repeated_sentences-1",  # 早餐能提供能量 / 不吃早饭就会没力气: said by its opposite
    "round76-repeated_sentences-2",  # 多做练习题 / 多刷题巩固: 刷题 is in no gloss
    "round77-repeated_sentences-2",  # 要经常微笑 / 多笑一笑心情就会变好: it adds a consequence
}
# A good dev pair the rules drop: a model's limit said before its answer (我看不到实时天气预报，你可以查一下
# 天气，如果明天无雨就适合洗车) reads as 看不到, a refusal.
KNOWN_DEV_FALSE_DROPS = {"round54-plain_sense-3"}
FAMILY = {
    "unfinished": "truncated",
    "prompt_injection": "injection",
    "refers_to_unseen_context": "unseen_context",
    "instruction_fragment": "fragment",
    "asks_for_input": "fragment",
}


def _params(where: str, change: dict) -> tuple[FilterParams, AssembleParams]:
    fields = lambda cls: {f.name for f in dataclasses.fields(cls)}  # noqa: E731
    filter_params = (
        dataclasses.replace(FilterParams(), **{k: v for k, v in change.items() if k in fields(FilterParams)})
        if where in ("filter", "both")
        else FilterParams()
    )
    assemble_params = (
        dataclasses.replace(
            AssembleParams(), **{k: v for k, v in change.items() if k in fields(AssembleParams)}
        )
        if where in ("assemble", "both")
        else AssembleParams()
    )
    return filter_params, assemble_params


def _reasons(frame, filter_params=FilterParams(), assemble_params=AssembleParams()):
    kept, rejected, counts = filter_pairs(frame, filter_params, assemble_params)
    return dict(zip(rejected.get_column("id"), rejected.get_column("reason"))), kept, counts


def _shares(frame):
    reasons, _, counts = _reasons(frame)
    bad = frame.filter(pl.col("label") == "bad").get_column("id").to_list()
    good = frame.filter(pl.col("label") == "good").get_column("id").to_list()
    return sum(i in reasons for i in bad) / len(bad), sum(i in reasons for i in good) / len(good), counts


def test_benchmark_has_the_families_and_forms_the_issue_asks_for():
    bad = Counter(DEV.filter(pl.col("label") == "bad").get_column("family")) + Counter(
        TEST.filter(pl.col("label") == "bad").get_column("family")
    )
    good = Counter(FRAME.filter(pl.col("label") == "good").get_column("family"))
    assert (
        FRAME.height >= 240
        and sum(1 for n in bad.values() if n >= 6) >= 20
        and sum(1 for n in good.values() if n >= 6) >= 12
    )
    assert set(TEST.get_column("family")) <= set(
        DEV.get_column("family")
    )  # every test family has dev members


def test_dev_half_is_clean_and_test_half_holds_its_measured_floor():
    """The dev half is what the gates were tuned on; the test half was written before they ran on
    it, and these floors are its measured figures (round 78: 64/66 bad, 1/64 good dropped), kept
    as a regression guard."""
    # the rules alone: the classifier learned from the dev half would only recite it
    reasons, _, counts = _reasons(DEV, FilterParams(), AssembleParams(classifier=False))
    bad = set(DEV.filter(pl.col("label") == "bad").get_column("id"))
    good = set(DEV.filter(pl.col("label") == "good").get_column("id"))
    assert bad - set(reasons) == KNOWN_DEV_MISSES and good & set(reasons) == KNOWN_DEV_FALSE_DROPS
    bad_test, good_test, _ = _shares(TEST)
    assert bad_test >= 64 / 66 and good_test <= 1 / 64
    assert set(OFF) <= set(counts)  # every gate is listed in the counts, zeros included


@pytest.mark.parametrize("reason", sorted(OFF))
def test_each_gate_drops_its_family_and_switching_it_off_lets_some_through(reason):
    family = FAMILY.get(reason, reason)
    rows = DEV.filter((pl.col("label") == "bad") & (pl.col("family") == family))
    assert rows.height >= 6
    reasons, _, _ = _reasons(rows)
    assert reason in reasons.values(), reasons
    without, _, _ = _reasons(rows, *_params(*OFF[reason]))
    assert reason not in without.values()


def test_numbered_lists_are_compared_without_their_numbers():
    assert list_items("1. 王河河 2. 心范文 3. 欧欧 4. 王河河") == ["王河河", "心范文", "欧欧", "王河河"]
    assert list_items("（1）苹果\n(2) 香蕉\n- 苹果") == ["苹果", "香蕉", "苹果"]
    assert list_items("一、苹果\n二、香蕉\n① 苹果\n第四道：香蕉") == ["苹果", "香蕉", "苹果", "香蕉"]
    assert cjk_letter_ratio("看代码：```python\nprint('hello world')\n```") == 1.0  # code is not language
    assert (
        material_of("改写下面的句子：\n这事儿明天再说。") == "这事儿明天再说。"
        and material_of("介绍长城。") == ""
    )


def test_good_pairs_of_every_shape_pass():
    good = FRAME.filter(
        pl.col("id").is_in(["g02", "g03", "g04", "g05", "g15", "g21"])
    )  # translation, code, list, numbers, SQL, material
    reasons, kept, _ = _reasons(good)
    assert reasons == {} and kept.height == 6


def _write(path, rows):
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def test_filter_pairs_cli_keeps_extra_fields_and_writes_reasons(tmp_path):
    original = [
        row
        for row in map(json.loads, filter(None, BENCH.read_text(encoding="utf-8").split("\n")))
        if row["id"][0] in "gb" and row["id"][1:].isdigit()
    ]
    source = _write(tmp_path / "in.jsonl", original)
    out, rejected = tmp_path / "out.parquet", tmp_path / "rejected.jsonl"
    result = CliRunner().invoke(
        main,
        [
            "filter-pairs",
            str(source),
            str(out),
            "--rejected",
            str(rejected),
            "--metrics",
            str(tmp_path / "m.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    kept = pl.read_parquet(out)
    assert "label" in kept.columns and set(kept.get_column("label")) == {"good"} and kept.height == 24
    assert pl.read_ndjson(rejected).height == 24 and "reason" in pl.read_ndjson(rejected).columns
    assert (
        "48 pairs in, 24 kept; dropped:" in result.output
        and "unfinished 2" in result.output
        and "spam 1" in result.output
    )
    assert json.loads((tmp_path / "m.json").read_text())["dropped"]["broken_encoding"] == 2


def test_filter_pairs_reads_an_alpaca_input_as_the_instructions_material(tmp_path):
    rows = [
        {
            "instruction": "判断下面句子的情感是正面还是负面。",
            "input": "这部电影太好看了，演员的表演很出色！",
            "output": "正面。",
        },
        {"instruction": "判断下面句子的情感是正面还是负面。", "input": "", "output": "正面。"},
        {"instruction": "中国的首都是哪里？", "input": "", "output": "北京。"},
    ]
    source = tmp_path / "alpaca.json"  # a JSON array, as Alpaca datasets ship
    source.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    out, rejected = tmp_path / "out.jsonl", tmp_path / "rejected.jsonl"
    result = CliRunner().invoke(main, ["filter-pairs", str(source), str(out), "--rejected", str(rejected)])
    assert result.exit_code == 0, result.output
    kept = pl.read_ndjson(out)
    assert kept.select("instruction", "input").rows() == [
        (rows[0]["instruction"], rows[0]["input"]),
        (rows[2]["instruction"], ""),
    ]  # both fields as the file had them
    dropped = pl.read_ndjson(rejected)
    assert dropped.select("instruction", "reason").rows() == [
        (rows[1]["instruction"], "refers_to_unseen_context")
    ]


def test_filter_pairs_reads_gates_from_params(tmp_path):
    source = _write(tmp_path / "in.jsonl", [{"instruction": "介绍一下孔子。", "output": "孔子是古人。"}])
    params = tmp_path / "p.yaml"
    params.write_text("assemble:\n  length_floor: fixed\n  min_answer_chars: 4\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["filter-pairs", str(source), str(tmp_path / "out.jsonl"), "--params", str(params)]
    )
    assert result.exit_code == 0 and "1 pairs in, 1 kept" in result.output


@pytest.mark.parametrize(
    "lines, message",
    [
        (['{"instruction": "问", "output": "答"}', "{not json"], r"in.jsonl:2: malformed JSON"),
        (
            ['{"instruction": "问", "output": 42}'],
            r"in.jsonl:1: `instruction` and `output` must be strings \(output=int\)",
        ),
        (['{"prompt": "问"}'], r"in.jsonl:1: `instruction` and `output` must be strings"),
    ],
)
def test_filter_pairs_bad_input_is_one_line_and_writes_nothing(tmp_path, lines, message):
    import re

    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["filter-pairs", str(source), str(out)])
    assert result.exit_code == 1 and not out.exists()
    assert len(result.output.strip().splitlines()) == 1 and re.search(message, result.output), result.output
    skipped = CliRunner().invoke(main, ["filter-pairs", str(source), str(out), "--skip-bad-lines"])
    assert skipped.exit_code in (0, 1) and "Traceback" not in skipped.output


@pytest.mark.parametrize("command", [["filter-pairs"], ["dedup", "--skip-bad-lines"]])
def test_an_output_that_is_the_input_is_refused_and_the_input_kept(tmp_path, command):
    source = _write(
        tmp_path / "data.jsonl",
        [
            {
                "id": "1",
                "text": "长城很长",
                "instruction": "长城有多长？",
                "output": "明长城全长八千多千米，历代长城总长两万多千米。",
            }
        ],
    )
    before = source.read_bytes()
    result = CliRunner().invoke(
        main, [command[0], str(source), str(tmp_path / "." / "data.jsonl"), *command[1:]]
    )
    assert result.exit_code == 1 and "OUTPUT is the same file as INPUT" in result.output
    assert source.read_bytes() == before


def test_export_and_base_model_refuse_to_overwrite_their_input(tmp_path):
    dataset = tmp_path / "out" / "kun.parquet"
    dataset.parent.mkdir()
    pl.DataFrame({"instruction": ["问"], "output": ["答"]}).write_parquet(dataset)
    result = CliRunner().invoke(main, ["export", str(dataset), str(tmp_path / "out")])
    assert result.exit_code == 1 and "DATASET lies in OUTPUT_DIR" in result.output and dataset.exists()
    model = tmp_path / "model"
    model.mkdir()
    (model / "config.json").write_text("{}")
    result = CliRunner().invoke(main, ["base-model", str(model), "--base", str(model)])
    assert (
        result.exit_code == 1
        and "OUTPUT_DIR is the same file as BASE" in result.output
        and (model / "config.json").exists()
    )


@pytest.mark.parametrize(
    "content, params_text, message",
    [
        ("", None, r"in.jsonl: no instruction/output records"),
        (
            '{"instruction": ["问"], "output": "答"}\n',
            None,
            r"in.jsonl:1: `instruction` and `output` must be strings \(instruction=list\)",
        ),
        (
            '{"instruction": "长城有多长？", "output": "两万多千米。"}\n',
            "assemble:\n  language_id_model: /nonexistent/lid.176.bin\n",
            r"assemble.language_id_model: /nonexistent/lid.176.bin: no such fastText",
        ),
        (
            '{"instruction": "长城有多长？", "output": "两万多千米。"}\n',
            "assemble:\n  paraphrase_dictionary: /nonexistent/cedict_ts.u8\n",
            r"assemble.paraphrase_dictionary: /nonexistent/cedict_ts.u8: no such CC-CEDICT file",
        ),
    ],
)
def test_filter_pairs_bad_input_or_missing_language_model_is_one_error_line(
    tmp_path, content, params_text, message
):
    import re

    source = tmp_path / "in.jsonl"
    source.write_text(content, encoding="utf-8")
    out, rejected = tmp_path / "out.jsonl", tmp_path / "rejected.jsonl"
    args = ["filter-pairs", str(source), str(out), "--rejected", str(rejected)]
    if params_text is not None:
        (tmp_path / "p.yaml").write_text(params_text, encoding="utf-8")
        args += ["--params", str(tmp_path / "p.yaml")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1 and not out.exists() and not rejected.exists()
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and re.search(message, lines[0]), result.output
