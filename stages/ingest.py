"""DVC stage `ingest`: params.yaml `ingest` -> data/interim/segments.parquet, metrics/ingest.json."""

from kun.errors import exit_on_user_error
from kun.ingest import IngestParams, ingest
from kun.io import write_table
from kun.metrics import write_json
from kun.params import load_params, section

if __name__ == "__main__":
    with exit_on_user_error():
        params = section(IngestParams, load_params(), "ingest")
        segments, rejected, metrics = ingest(params)
        write_table(segments, "data/interim/segments.parquet")
        write_table(rejected, "data/interim/ingest_rejected.parquet")
        write_json("metrics/ingest.json", metrics)
