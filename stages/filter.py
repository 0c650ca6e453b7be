"""DVC stage `filter`: data/interim/scored.parquet -> data/interim/kept.parquet (threshold + rules)."""

from kun.instructions.curate import FilterParams, curate
from kun.core.errors import exit_on_user_error
from kun.core.io import read_input, write_table
from kun.core.metrics import write_json
from kun.core.params import load_params, require, section

if __name__ == "__main__":
    with exit_on_user_error():
        params = section(FilterParams, load_params(), "filter")
        require(bool(params.scores), "filter.scores", "set it to the scores to filter: data/interim/scored.parquet, or data/interim/scored_iter_<k>.parquet")
        kept, rejected, metrics = curate(read_input(params.scores), params)
        write_table(kept, "data/interim/kept.parquet")
        write_table(rejected, "data/interim/filter_rejected.parquet")
        write_json("metrics/filter.json", metrics)
