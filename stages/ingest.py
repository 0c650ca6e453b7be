"""DVC stage `ingest`: runs `kun ingest` (kun/cli/corpus.py) with the paths dvc.yaml writes after the script."""

from kun.cli.app import run_stage
from kun.cli.corpus import ingest

if __name__ == "__main__":
    run_stage(ingest)
