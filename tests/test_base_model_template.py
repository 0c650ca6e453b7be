"""configs/paper.yaml's chain on a base model whose tokenizer has no chat template (the authors'
Yi-34B/Yi-6B kind): train_label -> label -> score -> polish -> finetune, each stage as the paper
profile sets it (backward label model, focused sampled verdict, the paper's polish turn), on a
tiny random model built here."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from test_generation_stages import segments_frame
from tiny_model import build_tiny_model

from kun.core.chat_templates import NAMED_DIR, apply_chat_template, has_own_template
from kun.core.errors import KunError
from kun.core.models import ModelParams, materialize
from kun.core.params import from_mapping, load_params, section
from kun.instructions.label import LabelParams, label
from kun.instructions.polish import PolishParams, polish
from kun.instructions.score import ScoreParams, score
from kun.instructions.seed import read_seed
from kun.llm import load_llm
from kun.llm.params import LLMParams
from kun.training.data import backward_pairs
from kun.training.loop import train
from kun.training.params import ChatTrainParams, FinetuneParams, LabelTrainParams

REPO = Path(__file__).resolve().parent.parent
PAPER = load_params(REPO / "configs" / "paper.yaml")
TINY = {
    "max_steps": 1,
    "batch_size": 2,
    "gradient_accumulation_steps": 1,
    "max_seq_len": 256,
    "save_steps": 0,
    "method": "full",
}


def test_the_papers_chain_runs_on_a_base_model_without_a_chat_template(tmp_path):
    base = build_tiny_model(tmp_path / "yi-like", chat_template=False)
    assert not has_own_template(base)
    models = section(ModelParams, PAPER, "model")
    seed = read_seed(REPO / "data/seed/seed.jsonl")[:8]
    llm = LLMParams(device="cpu", batch_size=4)

    trained = train(
        base,
        backward_pairs(seed),
        tmp_path / "label",
        section(LabelTrainParams, {"train_label": {**PAPER["train_label"], **TINY}}, "train_label"),
        chat_template=models.chat_template["label"],
    )
    assert trained["chat_template"] == "chatml" and has_own_template(
        tmp_path / "label"
    )  # written into the saved tokenizer
    label_params = section(
        LabelParams, {"label": {**PAPER["label"], "max_new_tokens": 12, "truncated": "keep"}}, "label"
    )
    assert label_params.mode == "finetuned"
    candidates, _, _ = label(segments_frame().head(3), label_params, load_llm(llm, tmp_path / "label"), seed)
    assert candidates.height == 3

    chat = train(
        base,
        seed,
        tmp_path / "chat",
        section(ChatTrainParams, {"train_chat": {**PAPER["train_chat"], **TINY}}, "train_chat"),
        chat_template=models.chat_template["chat"],
    )
    assert chat["chat_template"] == "chatml"
    score_params = section(ScoreParams, {"score": {**PAPER["score"], "max_new_tokens": 8}}, "score")
    assert (score_params.mode, score_params.verdict) == ("focused", "sampled")
    scored, metrics = score(candidates, score_params, load_llm(llm, tmp_path / "chat"))
    assert (
        scored.height == 3 and scored.get_column("score_raw").null_count() == 0
    )  # every candidate got a verdict reply
    polish_params = section(PolishParams, {"polish": {**PAPER["polish"], "max_new_tokens": 8}}, "polish")
    assert polish_params.template == "paper"
    polished, _ = polish(
        scored.with_columns(pl.lit(1.0).alias("score")), polish_params, load_llm(llm, tmp_path / "chat")
    )
    assert polished.height == 3

    pairs = [
        {"instruction": row["instruction"] or "问", "output": row["output"] or "答"}
        for row in polished.iter_rows(named=True)
    ]
    final = train(
        base,
        pairs + seed,
        tmp_path / "final",
        section(FinetuneParams, {"finetune": {**PAPER["finetune"], **TINY}}, "finetune"),
        chat_template=models.chat_template["final"],
    )
    assert final["chat_template"] == "chatml" and has_own_template(tmp_path / "final")
    answers = load_llm(llm, tmp_path / "final").generate([[{"role": "user", "content": "你好"}]], _greedy())
    assert len(answers) == 1


def _greedy():
    from kun.llm.base import SamplingParams

    return SamplingParams(max_new_tokens=4)


def test_base_model_saves_a_template_less_tokenizer_with_chatml(tmp_path):
    base = build_tiny_model(tmp_path / "raw", chat_template=False)
    out = materialize(str(base), tmp_path / "models" / "base")
    assert has_own_template(out)
    from transformers import AutoTokenizer

    assert AutoTokenizer.from_pretrained(out).chat_template == (NAMED_DIR / "chatml.jinja").read_text(
        encoding="utf-8"
    )
    with pytest.raises(KunError, match="no chat template"):
        load_llm(
            LLMParams(device="cpu"), base, "model.base"
        )  # the raw directory itself still has none: said before any work


def test_a_role_setting_chooses_own_named_or_file_and_a_bad_one_is_refused(tmp_path):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(build_tiny_model(tmp_path / "chat"))
    own = tokenizer.chat_template
    assert apply_chat_template(tokenizer, "auto", "k") == "own" and tokenizer.chat_template == own
    template = tmp_path / "mine.jinja"
    template.write_text(
        "{% for m in messages %}### {{ m['role'] }}: {{ m['content'] }}\n{% endfor %}{% if add_generation_prompt %}### assistant: {% endif %}",
        encoding="utf-8",
    )
    used = apply_chat_template(tokenizer, str(template), "k")
    assert (
        used.startswith("file:mine.jinja:")
        and tokenizer.apply_chat_template(
            [{"role": "user", "content": "问"}], tokenize=False, add_generation_prompt=True
        )
        == "### user: 问\n### assistant: "
    )
    for bad in ({"label": "llama9"}, {"judge": "auto"}):
        with pytest.raises(KunError, match="model.chat_template"):
            from_mapping(ModelParams, {"chat_template": bad}, "model")


def test_the_template_used_is_in_the_training_metrics_file(tmp_path):
    base = build_tiny_model(tmp_path / "raw", chat_template=False)
    summary = train(
        base,
        [{"instruction": "问", "output": "答"}] * 4,
        tmp_path / "out",
        ChatTrainParams(**TINY),
        metrics_dir=tmp_path / "live",
    )
    assert summary["chat_template"] == "chatml"
    assert json.loads((tmp_path / "live" / "metrics.json").read_text())["chat_template"] == "chatml"
