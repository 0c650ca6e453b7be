"""DVC stage `label`: runs `kun label` (kun/cli/label.py) with the paths dvc.yaml writes after the script."""

from kun.cli.app import run_stage
from kun.cli.label import label_command

if __name__ == "__main__":
    run_stage(label_command)
