"""DVC stage `fetch_corpus`: runs `kun fetch-corpus` (kun/cli/fetch.py) with the path dvc.yaml writes after the script."""

from kun.cli.app import run_stage
from kun.cli.fetch import fetch_corpus_command

if __name__ == "__main__":
    run_stage(fetch_corpus_command)
