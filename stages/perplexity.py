"""DVC stage `perplexity`: data/interim/unique.parquet -> data/interim/clean.parquet (perplexity gate)."""

from kun.core.errors import exit_on_user_error
from kun.core.io import read_input, write_table
from kun.core.metrics import write_json
from kun.corpus.perplexity import PerplexityParams, perplexity_gate
from kun.llm import load_llm
from kun.llm.params import stage_params

if __name__ == "__main__":
    with exit_on_user_error():
        params, llm_params, _ = stage_params("perplexity", PerplexityParams)
        llm = load_llm(llm_params, params.model, "perplexity.model", chat=False)
        kept, rejected, metrics = perplexity_gate(read_input("data/interim/unique.parquet"), params, llm)
        write_table(kept, "data/interim/clean.parquet")
        write_table(rejected, "data/interim/perplexity_rejected.parquet")
        write_json("metrics/perplexity.json", metrics)
        write_json("metrics/plots/perplexity_histogram.json", metrics["histogram"])
