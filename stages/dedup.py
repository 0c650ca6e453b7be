"""DVC stage `dedup`: data/interim/segments.parquet -> data/interim/unique.parquet, metrics/dedup.json."""

import polars as pl

from kun.core.errors import exit_on_user_error
from kun.core.io import write_table
from kun.core.metrics import write_json
from kun.core.params import load_params, section
from kun.core.progress import phase_reporter
from kun.dedup import DedupParams, deduplicate

if __name__ == "__main__":
    with exit_on_user_error():
        params = section(DedupParams, load_params(), "dedup")
        result = deduplicate(
            pl.read_parquet("data/interim/segments.parquet"), params, progress=phase_reporter()
        )
        write_table(result.kept, "data/interim/unique.parquet")
        write_table(result.clusters, "data/interim/dedup_clusters.parquet")
        write_json("metrics/dedup.json", result.metrics)
