"""The method as the paper runs it, end to end with a scripted model, and the pieces that make
it so: the raw-text gate, the backward question, instruction clean-up, the 好/差 verdicts, the
authors' output rules and one chat format for training and inference."""

from __future__ import annotations

import json
import math

import polars as pl
import pytest
from fake_backend import FakeBackend

from kun.corpus.ingest import IngestParams, SourceParams, ingest
from kun.corpus.perplexity import PerplexityParams, perplexity_gate
from kun.dedup import DedupParams, deduplicate
from kun.instructions.assemble import ANSWER_META_KEYWORDS, AssembleParams, assemble
from kun.instructions.curate import UNSEEN_CONTEXT_KEYWORDS, FilterParams, curate
from kun.instructions.label import (
    LabelParams,
    backward_user_turn,
    clean_instruction,
    label,
    parse_instruction,
)
from kun.instructions.polish import PolishParams, polish
from kun.instructions.score import ScoreParams, parse_verdict, score
from kun.llm import LLM
from kun.rules.stats import opening_repeated_unit

GOOD = {
    "长城是中国古代规模最大的军事防御工程，始建于春秋战国时期，秦始皇统一六国后把各国长城连接起来，明代又大规模重修，今天看到的多是明长城。": "长城是怎样一步步修建起来的？",
    "光合作用是绿色植物利用光能，把二氧化碳和水转化为储存能量的有机物，并释放出氧气的过程，它为几乎所有生命提供了食物和氧气。": "用通俗的话解释光合作用的过程和意义。",
    "黄河发源于青藏高原，流经九个省区，最后注入渤海，全长约五千四百多千米，是中国第二长河，孕育了灿烂的中华文明，被称为母亲河。": "请把下面这句话翻译成英文：\n黄河是中国的母亲河。",
}
LOW_SCORE = {
    "天气预报说明天有雨，出门记得带伞。今天的温度比昨天低了五度，早晚温差比较大，注意添加衣物，小心着凉感冒。": "这个怎么样"
}
UNSEEN = {
    "这一段讲的是古代科举考试的制度，考生要经过童试、乡试、会试和殿试四级考试，层层选拔，最后才能成为进士。": "总结一下这篇文章的主要内容。"
}
META_ANSWER = {
    "茶叶起源于中国，最早被当作药物使用，后来逐渐成为日常饮品，唐代陆羽写下了世界上第一部茶学专著《茶经》。": "茶叶最早是怎样被人们使用的？"
}
REPEAT_ANSWER = {
    "围棋起源于中国，古代称为弈，棋盘由纵横各十九条线组成，双方轮流落子，以围地多少决定胜负，变化极其复杂。": "简单介绍一下围棋的规则。"
}
EMPTY_LABEL = {
    "瓷器是中国古代的伟大发明之一，宋代有汝窑、官窑、哥窑、钧窑和定窑五大名窑，烧制的瓷器享誉世界。": ""
}
GARBLED = (
    "锟斤拷烫烫烫屯屯屯锟斤拷烫烫烫屯屯屯锟斤拷，乱码乱码文字顺序完全颠倒无法阅读理解的内容反复出现在这里面"
)
TOO_LONG = "秦汉时期的历史非常丰富。" * 20
INSTRUCTIONS = {**GOOD, **LOW_SCORE, **UNSEEN, **META_ANSWER, **REPEAT_ANSWER, **EMPTY_LABEL}


class ScriptedModel:
    """Answers like a capable model: labels each segment, judges instructions, polishes."""

    def __call__(self, prompt: str) -> str:
        if prompt.startswith("已知："):
            segment, instruction = prompt[len("已知：") :].split(",请回答:", 1)
            if segment in META_ANSWER:
                return "作为一个AI助手，我认为茶叶最早被当作药物使用。"
            if segment in REPEAT_ANSWER:
                return "好的好的好的好的，围棋是一种历史悠久的棋类游戏，规则简单而变化无穷。"
            return f"关于“{instruction.splitlines()[0]}”：{segment}"
        if prompt.rstrip().endswith("判断："):
            instruction = prompt.rsplit("指令：", 1)[1].rsplit("判断：", 1)[0].strip()
            return "【差】" if instruction in LOW_SCORE.values() else "【好】"
        segment = (
            prompt.rsplit("\n\n", 1)[1].removeprefix("<<<\n").removesuffix("\n>>>")
        )  # the backward question, then the raw text between <<< and >>>
        return (
            INSTRUCTIONS[segment] + "\n" + INSTRUCTIONS[segment] + "     (以上是指令)"
            if segment in GOOD
            else INSTRUCTIONS[segment]
        )

    def perplexity(self, text: str) -> float:
        return 5000.0 if "锟斤拷" in text else 30.0


def _write_corpus(path):
    texts = [*INSTRUCTIONS, GARBLED, TOO_LONG, next(iter(GOOD))]  # the last one is an exact copy
    path.write_text(
        "".join(json.dumps({"text": text}, ensure_ascii=False) + "\n" for text in texts), encoding="utf-8"
    )
    return texts


def test_pipeline_keeps_exactly_the_good_segments_and_names_every_drop(tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    _write_corpus(corpus)
    llm = LLM(FakeBackend(replies=ScriptedModel()))
    params = IngestParams(
        sources=[SourceParams(name="web", path=str(corpus), format="jsonl")],
        max_tokens=200,
        max_chars=300,
        min_chars=10,
        max_top_char_ratio=1.0,
        max_repeated_ngram_ratio=1.0,
        max_repeated_line_ratio=1.0,
    )
    segments, ingest_rejected, ingest_metrics = ingest(
        params, tmp_path, count_tokens=lambda texts: [len(text) for text in texts]
    )
    assert ingest_rejected.get_column("reason").to_list() == ["too_long"]  # dropped whole, not cut
    assert (
        TOO_LONG not in segments.get_column("text").to_list() and segments.get_column("n_tokens").max() <= 200
    )
    unique = deduplicate(segments, DedupParams(workers=1))
    clean, perplexity_rejected, _ = perplexity_gate(unique.kept, PerplexityParams(max=1000), llm)
    candidates, label_rejected, _ = label(clean, LabelParams(), llm, [])
    scored, _ = score(candidates, ScoreParams(verdict="sampled"), llm)
    # The paper profile (configs/paper.yaml): the authors' keyword lists and flat length floor.
    kept, filter_rejected, _ = curate(scored, FilterParams(unseen_context_keywords=UNSEEN_CONTEXT_KEYWORDS))
    polished, _ = polish(kept, PolishParams(), llm)
    final, assemble_rejected, _ = assemble(
        polished, AssembleParams(length_floor="fixed", answer_meta_keywords=ANSWER_META_KEYWORDS)
    )

    assert sorted(final.get_column("raw_segment").to_list()) == sorted(GOOD)
    by_segment = dict(zip(final.get_column("raw_segment"), final.get_column("instruction")))
    assert (
        by_segment == GOOD
    )  # repeated line and the whitespace-run tail removed; multi-line instruction kept whole
    assert all(
        output.startswith("关于") for output in final.get_column("output")
    )  # the polished answer replaced the raw text
    reasons = {
        "ingest": dict(zip(ingest_rejected.get_column("text"), ingest_rejected.get_column("reason"))),
        "dedup": unique.metrics["exact_duplicates"],
        "perplexity": dict(
            zip(perplexity_rejected.get_column("text"), perplexity_rejected.get_column("reason"))
        ),
        "label": dict(zip(label_rejected.get_column("segment"), label_rejected.get_column("reason"))),
        "filter": dict(zip(filter_rejected.get_column("segment"), filter_rejected.get_column("reason"))),
        "assemble": dict(
            zip(assemble_rejected.get_column("segment"), assemble_rejected.get_column("reason"))
        ),
    }
    assert reasons == {
        "ingest": {TOO_LONG: "too_long"},
        "dedup": 1,
        "perplexity": {GARBLED: "perplexity_too_high"},
        "label": {next(iter(EMPTY_LABEL)): "empty_reply"},
        "filter": {next(iter(LOW_SCORE)): "low_score", next(iter(UNSEEN)): "refers_to_unseen_context"},
        "assemble": {
            next(iter(META_ANSWER)): "answer_refusal_or_meta",
            next(iter(REPEAT_ANSWER)): "opens_with_repetition",
        },
    }
    # Every input text is either in the dataset or has its drop on record.
    accounted = len(final) + sum(len(v) if isinstance(v, dict) else v for v in reasons.values())
    assert accounted == len(INSTRUCTIONS) + 3


def test_perplexity_threshold_change_needs_no_model_call(tmp_path):
    backend = FakeBackend(replies=ScriptedModel())
    frame = pl.DataFrame({"id": ["a", "b", "c"], "text": ["正常的句子，读起来很通顺。", GARBLED, "x"]})
    backend.replies.perplexity = lambda text: (
        float("nan") if text == "x" else ScriptedModel().perplexity(text)
    )  # type: ignore[method-assign]
    kept, rejected, metrics = perplexity_gate(frame, PerplexityParams(max=1000), LLM(backend))
    assert kept.get_column("id").to_list() == ["a"] and metrics["rejected"] == {
        "perplexity_too_high": 1,
        "perplexity_unscorable": 1,
    }
    assert sum(row["count"] for row in metrics["histogram"]) == 2
    again = LLM(backend)
    kept, _, metrics = perplexity_gate(frame, PerplexityParams(max=10000, min=40), again)
    assert metrics["backend_calls"] == 0 and metrics["cache_hits"] == 3
    assert kept.get_column("id").to_list() == ["b"] and metrics["rejected"] == {
        "perplexity_too_high": 0,
        "perplexity_too_low": 1,
        "perplexity_unscorable": 1,
    }


def test_transformers_perplexity_matches_a_manual_forward_pass(tiny_model_dir):
    import torch

    from kun.llm.transformers_backend import TransformersBackend

    backend = TransformersBackend(tiny_model_dir, device="cpu", batch_size=2)
    texts = ["学而时习之，不亦说乎？", "床前明月光，疑是地上霜。举头望明月，低头思故乡。", "长城"]
    values = backend.perplexity(texts)
    for text, value in zip(texts, values):
        ids = backend.tokenizer(text)["input_ids"]
        with torch.inference_mode():
            logits = backend.model(torch.tensor([ids])).logits[0, :-1].float()
        expected = math.exp(float(torch.nn.functional.cross_entropy(logits, torch.tensor(ids[1:]))))
        assert value == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize(
    "reply, expected",
    [
        (
            "请把下面这句话翻译成英文：\n床前明月光，疑是地上霜。",
            "请把下面这句话翻译成英文：\n床前明月光，疑是地上霜。",
        ),  # multi-line kept whole
        ("介绍长城。\n介绍长城。\n它有多长？", "介绍长城。\n它有多长？"),  # duplicated line repaired
        ("写一首关于春天的诗。      回答：春风拂面", "写一首关于春天的诗。"),  # cut at a run of 5+ whitespace
        ("指令：“解释温故而知新。”", "解释温故而知新。"),
    ],
)
def test_instruction_clean_up_as_the_authors(reply, expected):
    assert clean_instruction(reply) == expected


@pytest.mark.parametrize(
    "reply, reason",
    [
        ("", "empty_reply"),
        (None, "empty_reply"),
        ("   \n  ", "empty_reply"),
        ("“”", "empty_instruction"),
        ("问", "empty_instruction"),
    ],
)
def test_label_reply_without_an_instruction_is_rejected(reply, reason):
    assert parse_instruction(reply) == (None, reason)


@pytest.mark.parametrize(
    "reply, expected",
    [
        ("【好】", (1.0, None)),
        ("这条指令清楚完整。【好】", (1.0, None)),
        ("【差】", (0.0, None)),
        ("【好】……不对，【差】", (0.0, "both_verdicts")),
        ("好", (None, "no_verdict")),  # the bracketed verdict is required
        ("【", (None, "no_verdict")),  # truncated
        ("", (None, "empty_reply")),
        (None, (None, "empty_reply")),
    ],
)
def test_sampled_verdict_keeps_only_good_without_bad(reply, expected):
    assert parse_verdict(reply) == expected


def test_focused_prompt_has_criteria_examples_and_strictness():
    from kun.instructions.score import focused_messages

    (message,) = focused_messages("解释光合作用。")
    text = message["content"]
    assert message["role"] == "user" and text.rstrip().endswith("指令：解释光合作用。\n判断：")
    assert text.count("【好】") >= 4 and text.count("【差】") >= 4 and "严格" in text


def test_opening_repetition_rule():
    assert opening_repeated_unit("好的好的好的，我来回答。") == "好的"
    assert opening_repeated_unit("1. 1. 1. 答案") is not None
    assert opening_repeated_unit("……这是省略号开头的回答") is None
    assert opening_repeated_unit("学而时习之，不亦说乎？") is None


def test_training_and_inference_build_the_same_prompt_tokens(tiny_model_dir):
    """A model is prompted at inference exactly as it was trained: same template, no system turn."""
    from kun.evaluation.judge import judge_messages
    from kun.instructions.label import build_messages as label_messages
    from kun.instructions.polish import build_messages as polish_messages
    from kun.instructions.score import comprehensive_messages, focused_messages
    from kun.llm.transformers_backend import TransformersBackend
    from kun.training.data import backward_pairs
    from kun.training.examples import IGNORE_INDEX, build_examples

    backend = TransformersBackend(tiny_model_dir, device="cpu")
    pair = {"instruction": "解释“温故而知新”。", "output": "温习学过的知识，能从中获得新的理解。"}

    def prompt_ids(row):
        return [token for token, label_id in zip(row["input_ids"], row["labels"]) if label_id == IGNORE_INDEX]

    (chat_row,) = build_examples([pair], backend.tokenizer, 512).rows
    assert prompt_ids(chat_row) == backend._encode([{"role": "user", "content": pair["instruction"]}])
    (label_row,) = build_examples(backward_pairs([pair]), backend.tokenizer, 512).rows
    inference = label_messages(pair["output"], LabelParams(mode="finetuned"), [])
    assert prompt_ids(label_row) == backend._encode(inference)
    assert inference == [{"role": "user", "content": backward_user_turn(pair["output"])}]
    # Every prompt the trained chat model gets is one user turn, as in training.
    for messages in (
        focused_messages("问"),
        comprehensive_messages("问", "答"),
        polish_messages("段", "问"),
        polish_messages("段", "问", template="guarded"),
        judge_messages("问", "一", "二"),
    ):
        assert [message["role"] for message in messages] == ["user"]


def test_a_template_missing_its_placeholder_is_a_clear_error(tmp_path, monkeypatch):
    from kun import prompts
    from kun.core.errors import KunError

    broken = tmp_path / "polish_paper.user.zh.j2"
    broken.write_text("已知：{{ segment }},请回答。\n", encoding="utf-8")
    monkeypatch.setattr(prompts, "PROMPT_DIR", tmp_path)
    prompts._environment.cache_clear()
    prompts.placeholders.cache_clear()
    try:
        with pytest.raises(
            KunError, match=r"polish_paper.user.zh.j2: the template has no placeholder \{\{ instruction \}\}"
        ):
            prompts.render("polish_paper", "user", segment="段", instruction="问")
    finally:
        prompts._environment.cache_clear()
        prompts.placeholders.cache_clear()


def test_finetune_sample_is_fixed_seeded_and_nested():
    from kun.training.data import sample_pairs

    pairs = [{"instruction": f"问{i}", "output": f"答{i}"} for i in range(50)]
    small, large = sample_pairs(pairs, 10, 42), sample_pairs(pairs, 20, 42)
    assert (
        small == sample_pairs(pairs, 10, 42)
        and small == large[:10]
        and len({p["instruction"] for p in large}) == 20
    )
    assert sample_pairs(pairs, 0, 42) == pairs and sample_pairs(pairs, 99, 42) == pairs


def _segments_file(path):
    pl.DataFrame({"id": ["a"], "source": ["s"], "text": ["学而时习之，不亦说乎？"]}).write_parquet(path)
    return path


def test_missing_perplexity_model_is_one_error_line_and_no_output(tmp_path):
    from click.testing import CliRunner

    from kun.cli.commands import main

    params = tmp_path / "params.yaml"
    params.write_text("perplexity:\n  model: models/nowhere\n", encoding="utf-8")
    out = tmp_path / "clean.parquet"
    result = CliRunner().invoke(
        main, ["perplexity", str(_segments_file(tmp_path / "in.parquet")), str(out), "--params", str(params)]
    )
    assert result.exit_code == 1 and not out.exists()
    assert result.output.strip().splitlines() == [result.output.strip()] and result.output.startswith(
        f"error: {params}: perplexity.model: models/nowhere"
    )  # the params file actually read


def test_a_tokenizer_without_chat_template_is_refused_before_any_work(tmp_path, tiny_model_dir):
    import shutil

    from click.testing import CliRunner

    from kun.cli.commands import main

    model = tmp_path / "plain"
    shutil.copytree(tiny_model_dir, model)
    (model / "chat_template.jinja").unlink(missing_ok=True)
    config = json.loads((model / "tokenizer_config.json").read_text(encoding="utf-8"))
    config.pop("chat_template", None)
    (model / "tokenizer_config.json").write_text(json.dumps(config), encoding="utf-8")
    params = tmp_path / "params.yaml"
    params.write_text(f"label:\n  model: {model}\n", encoding="utf-8")
    out = tmp_path / "candidates.parquet"
    result = CliRunner().invoke(
        main, ["label", str(_segments_file(tmp_path / "in.parquet")), str(out), "--params", str(params)]
    )
    assert result.exit_code == 1 and not out.exists()
    assert result.output.startswith(f"error: {params}: label.model:") and "no chat template" in result.output


def test_polish_refuses_a_model_that_did_not_write_the_scores():
    from kun.core.errors import KunError
    from kun.instructions.polish import check_same_model

    class Named(FakeBackend):
        def __init__(self, fingerprint):
            super().__init__()
            self._name = fingerprint

        def fingerprint(self):
            return self._name

    kept = pl.DataFrame({"score_model": ["transformers:round1", "transformers:round1"]})
    check_same_model(kept, LLM(Named("transformers:round1")))
    with pytest.raises(KunError, match=r"polish.model: it is not the model that scored these candidates"):
        check_same_model(kept, LLM(Named("transformers:chat")))
    check_same_model(kept, LLM(Named("openai:http://server/v1:chat")))  # another backend: not comparable
    check_same_model(kept.head(0), LLM(Named("transformers:chat")))  # nothing to polish
