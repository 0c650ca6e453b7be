"""DVC stages `train_label`, `train_chat` and `finetune`: python stages/train.py STAGE.

Each reads its own params section, trains from its base model directory (model.label_base,
model.chat_base or model.final_base) and writes models/<label|chat|final>, metrics/<stage>.json
and dvclive logs under metrics/train/<stage>/. Runs unchanged under
`accelerate launch stages/train.py STAGE` for several GPUs.
"""

import sys

from kun.core.errors import KunError, exit_on_user_error
from kun.core.metrics import write_json
from kun.core.models import ModelParams
from kun.core.params import load_params, section
from kun.training.data import training_pairs
from kun.training.loop import train
from kun.training.params import SECTIONS

# stage -> (kind of training pairs, output directory)
STAGES = {
    "train_label": ("backward", "models/label"),
    "train_chat": ("forward", "models/chat"),
    "finetune": ("dataset", "models/final"),
}

if __name__ == "__main__":
    with exit_on_user_error():
        if len(sys.argv) != 2 or sys.argv[1] not in STAGES:
            raise KunError(f"usage: python stages/train.py {{{'|'.join(STAGES)}}}")
        stage = sys.argv[1]
        kind, output_dir = STAGES[stage]
        raw = load_params()
        params = section(SECTIONS[stage], raw, stage)
        models = section(ModelParams, raw, "model")
        base = models.base_for(stage)
        pairs = training_pairs(
            kind,
            "data/seed/seed.jsonl",
            "data/processed/kun.jsonl",
            params.mix_seed_ratio,
            params.seed,
            getattr(params, "max_examples", 0),
        )
        summary = train(
            base,
            pairs,
            output_dir,
            params,
            metrics_dir=f"metrics/train/{stage}",
            chat_template=models.template_for(stage),
        )
        summary["base_model"] = base
        from accelerate import PartialState

        if PartialState().is_main_process:  # under `accelerate launch` every process returns the summary
            write_json(f"metrics/{stage}.json", summary)
