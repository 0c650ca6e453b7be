"""DVC stages `base_model` and `base_model_other@NAME`: run `kun base-model` (kun/cli/base_model.py)
with the paths dvc.yaml writes after the script: model.base -> models/base, model.other_bases.NAME
-> models/NAME (safetensors + tokenizer)."""

from kun.cli.app import run_stage
from kun.cli.base_model import base_model

if __name__ == "__main__":
    run_stage(base_model)
