"""DVC stage `label`: data/interim/clean.parquet + data/seed/seed.jsonl -> data/interim/candidates.parquet."""

from kun.core.errors import exit_on_user_error
from kun.core.io import read_input, write_table
from kun.core.metrics import write_json
from kun.instructions.label import LabelParams, label
from kun.instructions.seed import read_seed
from kun.llm import load_llm
from kun.llm.params import stage_params

if __name__ == "__main__":
    with exit_on_user_error():
        params, llm_params, _ = stage_params("label", LabelParams)
        llm = load_llm(llm_params, params.model, "label.model")
        candidates, rejected, metrics = label(
            read_input("data/interim/clean.parquet"), params, llm, read_seed("data/seed/seed.jsonl")
        )
        write_table(candidates, "data/interim/candidates.parquet")
        write_table(rejected, "data/interim/label_rejected.parquet")
        write_json("metrics/label.json", metrics)
