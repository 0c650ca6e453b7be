"""DVC stage `check_params`: runs `kun check-params` (kun/cli/params_check.py) with the paths dvc.yaml
writes after the script. Runs before every other stage (they depend on its stamp, which stays
the same while the file is valid, so a valid change reruns only the stages that use it).
"""

from kun.cli.app import run_stage
from kun.cli.params_check import check_params_command

if __name__ == "__main__":
    run_stage(check_params_command)
