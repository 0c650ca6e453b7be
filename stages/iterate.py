"""DVC stage `iterate@K`: runs `kun iterate K` (kun/cli/iterate.py) with the paths dvc.yaml writes
after the script; its figures go to metrics/iterate/round_K.json, which the report stage puts in
metrics/metrics.json as iterate.round_K."""

from kun.cli.app import run_stage
from kun.cli.iterate import iterate_command

if __name__ == "__main__":
    run_stage(iterate_command)
