"""DVC stage `filter`: runs `kun filter` (kun/cli/filter.py) with the paths dvc.yaml writes after the script."""

from kun.cli.app import run_stage
from kun.cli.filter import filter_command

if __name__ == "__main__":
    run_stage(filter_command)
