"""DVC stage `polish`: data/interim/kept.parquet -> data/interim/polished.parquet."""

from kun.curate import FilterParams
from kun.errors import exit_on_user_error
from kun.io import read_input, write_table
from kun.llm import load_llm
from kun.metrics import write_json
from kun.params import section
from kun.pipeline import stage_params
from kun.polish import PolishParams, check_same_model, polish

if __name__ == "__main__":
    with exit_on_user_error():
        params, llm_params, raw = stage_params("polish", PolishParams)
        kept = read_input("data/interim/kept.parquet")
        llm = load_llm(llm_params, params.model, "polish.model")
        if params.same_model_as_scorer:
            check_same_model(kept, llm, section(FilterParams, raw, "filter").scores)
        polished, metrics = polish(kept, params, llm)
        write_table(polished, "data/interim/polished.parquet")
        write_json("metrics/polish.json", metrics)
