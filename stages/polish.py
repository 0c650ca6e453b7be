"""DVC stage `polish`: data/interim/kept.parquet -> data/interim/polished.parquet."""

from kun.core.errors import exit_on_user_error
from kun.core.io import read_input, write_table
from kun.core.metrics import write_json
from kun.instructions.polish import PolishParams, polish
from kun.llm import load_llm
from kun.llm.params import stage_params

if __name__ == "__main__":
    with exit_on_user_error():
        params, llm_params, _ = stage_params("polish", PolishParams)
        polished, metrics = polish(
            read_input("data/interim/kept.parquet"),
            params,
            load_llm(llm_params, params.model, "polish.model"),
        )
        write_table(polished, "data/interim/polished.parquet")
        write_json("metrics/polish.json", metrics)
