"""DVC stage `assemble`: runs `kun assemble` (kun/cli/assemble.py) with the paths dvc.yaml writes after the script."""

from kun.cli.app import run_stage
from kun.cli.assemble import assemble_command

if __name__ == "__main__":
    run_stage(assemble_command)
