"""DVC stages `train_label`, `train_chat` and `finetune`: run `kun train` (kun/cli/train.py) with the
paths dvc.yaml writes after the script. Runs unchanged under `accelerate launch stages/train.py ...`
for several GPUs.
"""

from kun.cli.app import run_stage
from kun.cli.train import train_command

if __name__ == "__main__":
    run_stage(train_command)
