"""DVC stage `iterate@k`: python stages/iterate.py K PREVIOUS_SCORES.

Trains models/chat_iter_K on seed + curated pairs from PREVIOUS_SCORES and re-scores
data/interim/candidates.parquet into data/interim/scored_iter_K.parquet (see kun/iterate.py).
"""

import dataclasses
import sys

from kun.errors import KunError, exit_on_user_error
from kun.io import write_table
from kun.iterate import IterateParams, curated_pairs
from kun.llm import LLMParams, load_llm
from kun.metrics import write_json
from kun.params import load_params, section
from kun.pipeline import read_input
from kun.score import ScoreParams, score
from kun.seed import read_seed
from kun.train import TrainParams, train

if __name__ == "__main__":
    with exit_on_user_error():
        if len(sys.argv) != 3:
            raise KunError("usage: python stages/iterate.py ROUND PREVIOUS_SCORES")
        round_name, previous = sys.argv[1], sys.argv[2]
        raw = load_params()
        params = section(IterateParams, raw, "iterate")
        curated = curated_pairs(read_input(previous), params.min_score, params.max_curated)
        model_dir = f"models/chat_iter_{round_name}"
        training = train("models/base", read_seed("data/seed/seed.jsonl") + curated, model_dir, section(TrainParams, raw, "train_chat"), metrics_dir=f"metrics/train/iterate_{round_name}")
        score_params = dataclasses.replace(section(ScoreParams, raw, "score"), model=model_dir)
        scored, score_metrics = score(read_input("data/interim/candidates.parquet"), score_params, load_llm(section(LLMParams, raw, "llm"), model_dir))
        write_table(scored, f"data/interim/scored_iter_{round_name}.parquet")
        write_json(f"metrics/iterate_{round_name}.json", {"round": round_name, "previous": previous, "curated_pairs": len(curated), "train": training, "score": score_metrics})
