"""DVC stage `score`: data/interim/candidates.parquet -> data/interim/scored.parquet (no threshold)."""

from kun.core.errors import exit_on_user_error
from kun.core.io import read_input, write_table
from kun.core.metrics import write_json
from kun.core.params import section
from kun.instructions.curate import FilterParams, instruction_rules
from kun.instructions.score import ScoreParams, score
from kun.llm import load_llm
from kun.llm.params import stage_params

if __name__ == "__main__":
    with exit_on_user_error():
        params, llm_params, raw = stage_params("score", ScoreParams)
        rules = instruction_rules(section(FilterParams, raw, "filter"))  # never score what a rule drops
        scored, metrics = score(
            read_input("data/interim/candidates.parquet"),
            params,
            load_llm(llm_params, params.model, "score.model"),
            rules,
        )
        write_table(scored, "data/interim/scored.parquet")
        write_json("metrics/score.json", metrics)
        write_json("metrics/plots/score_histogram.json", metrics["histogram"])
