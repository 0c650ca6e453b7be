"""DVC stage `check_params`: params.yaml (every section) -> data/interim/params_checked.json.

Runs before every other stage (they depend on its output, which stays the same while the file
is valid, so a valid change reruns only the stages that use it)."""

from kun.cli.params_check import check_params
from kun.core.errors import exit_on_user_error
from kun.core.metrics import write_json

if __name__ == "__main__":
    with exit_on_user_error():
        check_params("params.yaml")
        write_json("data/interim/params_checked.json", {"params.yaml": "valid"})
