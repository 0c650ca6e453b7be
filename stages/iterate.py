"""DVC stage `iterate@k`: python stages/iterate.py K.

Round K polishes the curated candidates of iterate.rounds.K.previous with
iterate.rounds.K.previous_model, trains models/chat_iter_K from model.chat_base on seed +
those polished pairs, and re-scores data/interim/candidates.parquet into
data/interim/scored_iter_K.parquet (see kun/iterate.py).
"""

import dataclasses
import sys

from kun.assemble import AssembleParams
from kun.curate import FilterParams
from kun.errors import KunError, exit_on_user_error
from kun.io import read_input, write_table
from kun.iterate import IterateParams, RoundParams, curated_pairs
from kun.llm import LLMParams, load_llm
from kun.metrics import write_json
from kun.models import ModelParams
from kun.params import from_mapping, load_params, section
from kun.polish import PolishParams
from kun.score import ScoreParams, score
from kun.seed import read_seed
from kun.train import ChatTrainParams, train

if __name__ == "__main__":
    with exit_on_user_error():
        if len(sys.argv) != 2:
            raise KunError("usage: python stages/iterate.py ROUND")
        round_name = sys.argv[1]
        raw = load_params()
        params = section(IterateParams, raw, "iterate")
        if round_name not in params.rounds:
            raise KunError(f"params.yaml: iterate.rounds.{round_name}: not defined")
        this_round = from_mapping(RoundParams, params.rounds[round_name], f"iterate.rounds.{round_name}")
        llm_params = section(LLMParams, raw, "llm")
        polish_params = dataclasses.replace(section(PolishParams, raw, "polish"), model=this_round.previous_model)
        previous_llm = load_llm(llm_params, this_round.previous_model, f"iterate.rounds.{round_name}.previous_model")
        curated, counts = curated_pairs(
            read_input(this_round.previous), params.min_score, params.max_curated, previous_llm,
            section(FilterParams, raw, "filter"), polish_params, section(AssembleParams, raw, "assemble"),
        )
        model_dir = f"models/chat_iter_{round_name}"
        base = section(ModelParams, raw, "model").base_for("iterate")
        training = train(base, read_seed("data/seed/seed.jsonl") + curated, model_dir, section(ChatTrainParams, raw, "train_chat"), metrics_dir=f"metrics/train/iterate_{round_name}")
        score_params = dataclasses.replace(section(ScoreParams, raw, "score"), model=model_dir)
        scored, score_metrics = score(read_input("data/interim/candidates.parquet"), score_params, load_llm(llm_params, model_dir))
        write_table(scored, f"data/interim/scored_iter_{round_name}.parquet")
        write_json(f"metrics/iterate_{round_name}.json", {"round": round_name, "previous": this_round.previous, "previous_model": this_round.previous_model, **counts, "train": training, "score": score_metrics})
