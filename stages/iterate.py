"""DVC stage `iterate@k`: python stages/iterate.py K.

Round K polishes the curated candidates of iterate.rounds.K.previous with
iterate.rounds.K.previous_model, trains models/chat_iter_K from model.chat_base on seed +
those polished pairs, and re-scores data/interim/candidates.parquet into
data/interim/scored_iter_K.parquet (see kun/instructions/iterate.py); its figures go to
metrics/iterate/round_K.json, which the report stage puts in metrics/metrics.json as iterate.round_K.
"""

import sys

from kun.core.errors import KunError, exit_on_user_error
from kun.core.io import read_input, write_table
from kun.core.metrics import write_json
from kun.core.models import ModelParams
from kun.core.params import load_params, section
from kun.instructions.curate import instruction_rules
from kun.instructions.iterate import curated_pairs, plan_round
from kun.instructions.score import score
from kun.instructions.seed import read_seed
from kun.llm import load_llm
from kun.training.loop import train
from kun.training.params import ChatTrainParams

if __name__ == "__main__":
    with exit_on_user_error():
        if len(sys.argv) != 2:
            raise KunError("usage: python stages/iterate.py ROUND")
        raw = load_params()
        plan = plan_round(raw, sys.argv[1])
        previous_llm = load_llm(plan.llm, plan.previous_model, f"iterate.rounds.{plan.name}.previous_model")
        curated, counts = curated_pairs(
            read_input(plan.previous),
            plan.min_score,
            plan.max_curated,
            previous_llm,
            plan.filter,
            plan.polish,
            plan.assemble,
        )
        model_dir = f"models/chat_iter_{plan.name}"
        template = section(ModelParams, raw, "model").template_for("iterate")
        training = train(
            plan.chat_base,
            read_seed("data/seed/seed.jsonl") + curated,
            model_dir,
            section(ChatTrainParams, raw, "train_chat"),
            metrics_dir=f"metrics/train/iterate_{plan.name}",
            chat_template=template,
        )
        scored, score_metrics = score(
            read_input("data/interim/candidates.parquet"),
            plan.score_with(model_dir),
            load_llm(plan.llm, model_dir),
            instruction_rules(plan.filter),
        )
        write_table(scored, f"data/interim/scored_iter_{plan.name}.parquet")
        write_json(
            f"metrics/iterate/round_{plan.name}.json",
            {
                "round": plan.name,
                "previous": plan.previous,
                "previous_model": plan.previous_model,
                **counts,
                "train": training,
                "score": score_metrics,
            },
        )
