"""DVC stage `polish`: data/interim/kept.parquet -> data/interim/polished.parquet."""

from kun.instructions.curate import FilterParams
from kun.core.errors import exit_on_user_error
from kun.core.io import read_input, write_table
from kun.llm import load_llm
from kun.core.metrics import write_json
from kun.core.params import require, section
from kun.llm.params import stage_params
from kun.instructions.polish import PolishParams, check_same_model, polish

if __name__ == "__main__":
    with exit_on_user_error():
        params, llm_params, raw = stage_params("polish", PolishParams)
        kept = read_input("data/interim/kept.parquet")
        llm = load_llm(llm_params, params.model, "polish.model")
        if params.same_model_as_scorer:
            scores = section(FilterParams, raw, "filter").scores
            require(bool(scores), "filter.scores", "set it to the scores the filter stage read (data/interim/scored.parquet)")
            check_same_model(kept, llm, scores)
        polished, metrics = polish(kept, params, llm)
        write_table(polished, "data/interim/polished.parquet")
        write_json("metrics/polish.json", metrics)
