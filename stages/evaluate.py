"""DVC stage `evaluate`: runs `kun evaluate` (kun/cli/evaluate.py) with the paths dvc.yaml writes after the script."""

from kun.cli.app import run_stage
from kun.cli.evaluate import evaluate_command

if __name__ == "__main__":
    run_stage(evaluate_command)
