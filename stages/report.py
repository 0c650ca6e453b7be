"""DVC stage `report`: runs `kun report` (kun/cli/report.py) with the paths dvc.yaml writes after the
script. Its own stage, so the expensive evaluate stage depends only on the models and data it
scores, not on timing fields in other stages' metrics.
"""

from kun.cli.app import run_stage
from kun.cli.report import report_command

if __name__ == "__main__":
    run_stage(report_command)
