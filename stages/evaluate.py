"""DVC stage `evaluate`: models/final against models/base -> metrics/eval.json, data/processed/judge_comparison.jsonl."""

import sys

import polars as pl

from kun.errors import exit_on_user_error
from kun.evaluate import EvaluateParams, run_evaluation
from kun.io import read_input, write_table
from kun.metrics import write_json
from kun.pipeline import stage_params
from kun.seed import read_seed

if __name__ == "__main__":
    with exit_on_user_error():
        params, llm_params, _ = stage_params("evaluate", EvaluateParams)
        dataset = read_input("data/processed/kun.jsonl")
        seed = read_seed("data/seed/seed.jsonl")
        train_texts = [f"{row['instruction']}\n{row['output']}" for row in dataset.iter_rows(named=True)] if dataset.height else []
        train_texts += [f"{pair['instruction']}\n{pair['output']}" for pair in seed]
        metrics, items = run_evaluation(params, llm_params, train_texts, log=lambda line: print(line, file=sys.stderr))
        write_table(pl.DataFrame(items), "data/processed/judge_comparison.jsonl")
        write_json("metrics/eval.json", metrics)
