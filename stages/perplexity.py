"""DVC stage `perplexity`: runs `kun perplexity` (kun/cli/perplexity.py) with the paths dvc.yaml writes after the script."""

from kun.cli.app import run_stage
from kun.cli.perplexity import perplexity_command

if __name__ == "__main__":
    run_stage(perplexity_command)
