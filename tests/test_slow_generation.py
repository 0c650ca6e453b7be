"""label -> assemble with the real default model on 8 segments (slow)."""

import json
from pathlib import Path

import pytest

from kun.instructions.assemble import AssembleParams, assemble
from kun.instructions.curate import FilterParams, curate
from kun.instructions.label import LabelParams, label
from kun.llm import LLM
from kun.llm.cache import RecordCache
from kun.llm.transformers_backend import TransformersBackend
from kun.instructions.polish import PolishParams, polish
from kun.instructions.score import ScoreParams, score
from kun.instructions.seed import read_seed
from test_generation_stages import segments_frame

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_default_model_label_to_assemble_on_8_segments(default_model_dir, tmp_path):
    assert (default_model_dir / "model.safetensors").exists() and (default_model_dir / "tokenizer.json").exists()
    config = json.loads((default_model_dir / "config.json").read_text())
    assert "quantization_config" not in config
    llm = LLM(TransformersBackend(default_model_dir, device="cpu", batch_size=8), RecordCache(tmp_path / "c.sqlite"))
    segments = segments_frame().head(8)
    candidates, rejected, metrics = label(segments, LabelParams(mode="prompt", max_new_tokens=32, truncated="keep"), llm, read_seed(REPO / "data/seed/seed.jsonl"))
    assert candidates.height + rejected.height == 8 and candidates.height >= 4
    assert all(len(instruction) >= 2 for instruction in candidates.get_column("instruction"))
    scored, score_metrics = score(candidates, ScoreParams(verdict="logprob"), llm)
    values = scored.get_column("score").to_list()
    assert all(0.0 <= value <= 1.0 for value in values) and len(set(values)) > 1  # a real model discriminates
    kept, _, _ = curate(scored, FilterParams(min_score=0.0, instruction_min_cjk_ratio=0.0, unseen_context_keywords=[]))
    polished, polish_metrics = polish(kept, PolishParams(max_new_tokens=48), llm)
    assert polish_metrics["empty_answers"] < polished.height
    final, dropped, drops = assemble(polished, AssembleParams(min_answer_chars=5))
    assert final.height + dropped.height == polished.height
    calls = llm.stats["backend_calls"]
    label(segments, LabelParams(mode="prompt", max_new_tokens=32, truncated="keep"), llm, read_seed(REPO / "data/seed/seed.jsonl"))
    assert llm.stats["backend_calls"] == calls  # second pass entirely from the cache
