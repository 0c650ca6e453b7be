"""DVC stages `train_label`, `train_chat` and `finetune`: python stages/train.py STAGE.

Each reads its own params section, trains from its base model directory (model.label_base,
model.chat_base or model.final_base) and writes models/<label|chat|final>, metrics/<stage>.json
and dvclive logs under metrics/train/<stage>/. Runs unchanged under
`accelerate launch stages/train.py STAGE` for several GPUs.
"""

import sys

from kun.errors import KunError, exit_on_user_error
from kun.metrics import write_json
from kun.models import ModelParams
from kun.params import load_params, section
from kun.train import STAGE_PARAMS, train
from kun.training_data import STAGES, training_pairs

if __name__ == "__main__":
    with exit_on_user_error():
        if len(sys.argv) != 2 or sys.argv[1] not in STAGES:
            raise KunError(f"usage: python stages/train.py {{{'|'.join(STAGES)}}}")
        stage = sys.argv[1]
        raw = load_params()
        params = section(STAGE_PARAMS[stage], raw, stage)
        base = section(ModelParams, raw, "model").base_for(stage)
        pairs = training_pairs(stage, "data/seed/seed.jsonl", "data/processed/kun.jsonl", params.mix_seed_ratio, params.seed, getattr(params, "max_examples", 0))
        summary = train(base, pairs, STAGES[stage], params, metrics_dir=f"metrics/train/{stage}")
        summary["base_model"] = base
        from accelerate import PartialState

        if PartialState().is_main_process:  # under `accelerate launch` every process returns the summary
            write_json(f"metrics/{stage}.json", summary)
