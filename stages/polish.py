"""DVC stage `polish`: data/interim/kept.parquet -> data/interim/polished.parquet."""

from kun.errors import exit_on_user_error
from kun.io import write_table
from kun.llm import load_llm
from kun.metrics import write_json
from kun.pipeline import read_input, stage_params
from kun.polish import PolishParams, polish

if __name__ == "__main__":
    with exit_on_user_error():
        params, llm_params, _ = stage_params("polish", PolishParams)
        polished, metrics = polish(read_input("data/interim/kept.parquet"), params, load_llm(llm_params, params.model))
        write_table(polished, "data/interim/polished.parquet")
        write_json("metrics/polish.json", metrics)
