"""DVC stage `filter`: data/interim/scored.parquet -> data/interim/kept.parquet (threshold + rules)."""

from kun.curate import FilterParams, curate
from kun.errors import exit_on_user_error
from kun.io import read_input, write_table
from kun.metrics import write_json
from kun.params import load_params, section

if __name__ == "__main__":
    with exit_on_user_error():
        params = section(FilterParams, load_params(), "filter")
        kept, rejected, metrics = curate(read_input(params.scores), params)
        write_table(kept, "data/interim/kept.parquet")
        write_table(rejected, "data/interim/filter_rejected.parquet")
        write_json("metrics/filter.json", metrics)
