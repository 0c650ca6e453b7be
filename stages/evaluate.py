"""DVC stage `evaluate`: models/final against models/base -> metrics/eval.json, data/processed/judge_comparison.jsonl."""

import sys

import polars as pl

from kun.core.errors import exit_on_user_error
from kun.core.io import read_input, write_table
from kun.core.metrics import write_json
from kun.evaluation.run import EvaluateParams, pair_texts, run_evaluation
from kun.instructions.seed import read_seed
from kun.llm.params import stage_params

if __name__ == "__main__":
    with exit_on_user_error():
        params, llm_params, _ = stage_params("evaluate", EvaluateParams)
        dataset = read_input("data/processed/kun.jsonl")
        train_texts = pair_texts(dataset.iter_rows(named=True)) + pair_texts(
            read_seed("data/seed/seed.jsonl")
        )
        metrics, items = run_evaluation(
            params, llm_params, train_texts, log=lambda line: print(line, file=sys.stderr)
        )
        write_table(pl.DataFrame(items), "data/processed/judge_comparison.jsonl")
        write_json("metrics/eval.json", metrics)
