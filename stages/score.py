"""DVC stage `score`: runs `kun score` (kun/cli/score.py) with the paths dvc.yaml writes after the script."""

from kun.cli.app import run_stage
from kun.cli.score import score_command

if __name__ == "__main__":
    run_stage(score_command)
