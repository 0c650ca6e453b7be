"""DVC stage `dedup`: runs `kun dedup` (kun/cli/dedup.py) with the paths dvc.yaml writes after the script."""

from kun.cli.app import run_stage
from kun.cli.dedup import dedup

if __name__ == "__main__":
    run_stage(dedup)
