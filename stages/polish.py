"""DVC stage `polish`: runs `kun polish` (kun/cli/polish.py) with the paths dvc.yaml writes after the script."""

from kun.cli.app import run_stage
from kun.cli.polish import polish_command

if __name__ == "__main__":
    run_stage(polish_command)
