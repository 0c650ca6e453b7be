"""DVC stage `ingest`: params.yaml `ingest` (+ the label base's tokenizer) -> data/interim/segments.parquet, metrics/ingest.json."""

from kun.core.errors import exit_on_user_error
from kun.core.io import write_table
from kun.core.metrics import write_json
from kun.core.models import ModelParams
from kun.core.params import load_params, section
from kun.corpus.ingest import IngestParams, ingest, token_counter

if __name__ == "__main__":
    with exit_on_user_error():
        raw = load_params()
        params = section(IngestParams, raw, "ingest")
        # The paper counts a raw text's length in tokens of the label model, which shares its base's tokenizer.
        count_tokens = (
            token_counter(section(ModelParams, raw, "model").label_base) if params.max_tokens else None
        )
        segments, rejected, metrics = ingest(params, count_tokens=count_tokens)
        write_table(segments, "data/interim/segments.parquet")
        write_table(rejected, "data/interim/ingest_rejected.parquet")
        write_json("metrics/ingest.json", metrics)
