"""`kun evaluate`, and the DVC stage `evaluate` (stages/evaluate.py runs this command with the paths dvc.yaml gives)."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click

from kun.cli.app import METRICS_OPTION, PARAMS_OPTION, main, refuse_same_paths, write_outputs


@main.command("evaluate")
@click.argument("model", metavar="MODEL", type=click.Path(path_type=Path))
@click.option(
    "--baseline",
    type=click.Path(path_type=Path),
    help="Model scored in the same run for the delta (default: evaluate.baseline).",
)
@click.option(
    "--judge",
    "judge_model",
    type=click.Path(path_type=Path),
    help="Judge model for the pairwise comparison (default: evaluate.judge).",
)
@click.option(
    "--benchmark",
    "benchmarks",
    multiple=True,
    type=click.Path(path_type=Path),
    help="C-Eval or CMMLU layout folder (repeat; default: evaluate.benchmarks).",
)
@click.option(
    "--shots",
    "num_shots",
    multiple=True,
    type=click.IntRange(min=0),
    help="Shot count (repeat; default: evaluate.num_shots).",
)
@click.option("--judge-limit", type=click.IntRange(min=0), help="Judge only the first N prompts (0: all).")
@click.option(
    "--train-data",
    "train_data",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Training pairs (.jsonl/.parquet) to decontaminate the benchmarks against (repeat).",
)
@click.option(
    "--items",
    "items_path",
    type=click.Path(path_type=Path),
    help="Write the judge's per-prompt verdicts and answers here (.jsonl or .parquet).",
)
@click.option(
    "--lm-eval-tasks",
    "lm_eval_dir",
    type=click.Path(path_type=Path),
    help="Write an lm-evaluation-harness task per benchmark (YAML + JSONL, kun's prompt format) into this folder, print the lm_eval commands for MODEL, and score nothing.",
)
@PARAMS_OPTION
@METRICS_OPTION
def evaluate_command(
    model,
    baseline,
    judge_model,
    benchmarks,
    num_shots,
    judge_limit,
    train_data,
    items_path,
    lm_eval_dir,
    params_path,
    metrics_path,
):
    """Score MODEL against a baseline: multiple-choice accuracy and a pairwise judge.

    Multiple choice reads C-Eval/CMMLU-layout folders and scores each answer letter by
    log-likelihood (no generation). The judge compares MODEL's and the baseline's answers to
    evaluate.judge_prompts in both orders. Benchmark questions that share a character n-gram
    with --train-data are dropped first (and counted). The summary goes to stdout as JSON.

    With --lm-eval-tasks, write the same questions (after decontamination) as
    lm-evaluation-harness tasks in kun's prompt format instead, for a cross-check or for
    leaderboard tooling, and print the `lm_eval` command for each shot count.

    \b
    Examples:
      kun evaluate models/final --baseline models/base --benchmark data/eval/demo --shots 0 --train-data data/processed/kun.jsonl
      kun evaluate models/base --benchmark data/eval/demo --shots 1 --lm-eval-tasks lm_eval_tasks
    """
    import polars as pl

    from kun.core.io import read_input
    from kun.evaluation.run import EvaluateParams, pair_texts, run_evaluation
    from kun.llm.params import stage_params

    refuse_same_paths(items=items_path, metrics=metrics_path, params=params_path, outputs=("metrics",))
    params, llm_params, _ = stage_params("evaluate", EvaluateParams, params_path)
    overrides = {
        "model": str(model),
        "baseline": baseline,
        "judge": judge_model,
        "benchmarks": [str(path) for path in benchmarks],
        "num_shots": list(num_shots),
        "judge_limit": judge_limit,
    }
    params = dataclasses.replace(
        params,
        **{
            key: str(value) if isinstance(value, Path) else value
            for key, value in overrides.items()
            if value not in (None, [])
        },
    )
    params.validate("evaluate")
    train_texts: list[str] = []
    for path in train_data:
        train_texts += pair_texts(read_input(path).iter_rows(named=True))
    if lm_eval_dir:
        _write_lm_eval_tasks(params, train_texts, model, lm_eval_dir)
        return
    metrics, items = run_evaluation(
        params, llm_params, train_texts, log=lambda line: click.echo(line, err=True)
    )
    write_outputs({items_path: pl.DataFrame(items)} if items_path else {}, metrics, metrics_path)
    click.echo(json.dumps(metrics["summary"], ensure_ascii=False, indent=2))
    sys.stdout.flush()


def _write_lm_eval_tasks(params, train_texts: list[str], model: Path, out_dir: Path) -> None:
    """Write one lm-eval task per benchmark and print how to run each."""
    import shlex

    from kun.evaluation.lm_eval_task import task_name, write_lm_eval_task
    from kun.evaluation.run import load_benchmarks

    benchmarks, _ = load_benchmarks(params, train_texts, log=lambda line: click.echo(line, err=True))
    for benchmark in benchmarks:
        folder = write_lm_eval_task(benchmark, out_dir, params.language)
        click.echo(f"{benchmark.directory}: {benchmark.num_questions} questions -> {folder}", err=True)
        for shots in params.num_shots:
            command = [
                "lm_eval",
                "--model",
                "hf",
                "--model_args",
                f"pretrained={model},dtype=float32",
                "--include_path",
                str(Path(out_dir).resolve()),
                "--tasks",
                task_name(benchmark),
                "--num_fewshot",
                str(shots),
            ]
            click.echo(shlex.join(command))
