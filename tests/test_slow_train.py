"""train_label on the real default model for a few steps, then label 4 segments with it (slow)."""

from pathlib import Path

import pytest
from test_generation_stages import segments_frame

from kun.instructions.label import LabelParams, label
from kun.instructions.seed import read_seed
from kun.llm import LLM
from kun.llm.cache import RecordCache
from kun.llm.transformers_backend import TransformersBackend
from kun.training.data import backward_pairs
from kun.training.loop import train
from kun.training.params import TrainParams

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_train_label_on_default_model_then_label(default_model_dir, tmp_path):
    seed = read_seed(REPO / "data/seed/seed.jsonl")
    params = TrainParams(
        method="lora",
        learning_rate=2e-4,
        lora_dropout=0.0,
        max_steps=3,
        batch_size=2,
        gradient_accumulation_steps=1,
        max_seq_len=192,
        save_steps=0,
    )
    # The backward pairs: the fixed question + seed output in, the seed instruction out, as label sends it.
    summary = train(
        default_model_dir, backward_pairs(seed), tmp_path / "label", params, metrics_dir=tmp_path / "live"
    )
    assert (
        summary["steps"] == 3
        and summary["final_loss"] > 0
        and summary["trainable_parameters"] < summary["total_parameters"]
    )
    assert (tmp_path / "label" / "config.json").exists() and (tmp_path / "label" / "adapter").exists()
    llm = LLM(
        TransformersBackend(tmp_path / "label", device="cpu", batch_size=4),
        RecordCache(tmp_path / "c.sqlite"),
    )
    candidates, rejected, metrics = label(
        segments_frame().head(4), LabelParams(mode="finetuned", max_new_tokens=24), llm, seed
    )
    assert candidates.height + rejected.height == 4 and metrics["backend_calls"] == 4
    assert sum(metrics["rejected"].values()) == rejected.height  # truncated replies among them, by reason
    assert metrics["mode"] == "finetuned"
