"""DVC stage `filter`: SCORES -> data/interim/kept.parquet (threshold + rules).

SCORES is dvc.yaml's `scores` variable: data/interim/scored.parquet, or the last iterate round's
data/interim/scored_iter_<k>.parquet.
"""

import sys

from kun.core.errors import KunError, exit_on_user_error
from kun.core.io import read_input, write_table
from kun.core.metrics import write_json
from kun.core.params import load_params, section
from kun.instructions.curate import FilterParams, curate

if __name__ == "__main__":
    with exit_on_user_error():
        if len(sys.argv) != 2:
            raise KunError("usage: python stages/filter.py SCORES")
        kept, rejected, metrics = curate(
            read_input(sys.argv[1]), section(FilterParams, load_params(), "filter")
        )
        write_table(kept, "data/interim/kept.parquet")
        write_table(rejected, "data/interim/filter_rejected.parquet")
        write_json("metrics/filter.json", metrics)
