"""`kun label`, and the DVC stage `label` (stages/label.py runs this command with the paths dvc.yaml gives)."""

from __future__ import annotations

from pathlib import Path

import click

from kun.cli.app import METRICS_OPTION, MODEL_OPTION, PARAMS_OPTION, finish, main, refuse_same_paths


@main.command("label")
@click.argument("input_path", metavar="SEGMENTS", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="CANDIDATES", type=click.Path(path_type=Path))
@click.option(
    "--seed-pairs",
    default="data/seed/seed.jsonl",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Seed instruction/output JSONL (few-shot examples).",
)
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Write replies without a usable instruction here.",
)
@PARAMS_OPTION
@MODEL_OPTION
@METRICS_OPTION
def label_command(input_path, output_path, seed_pairs, rejected_path, params_path, model_path, metrics_path):
    """Back-translation: write the instruction each segment answers.

    SEGMENTS needs the columns id, source and text, as written by `kun ingest`, `kun dedup`
    or `kun perplexity`. Each segment is given whole (the raw-text gate limits its length).

    \b
    Example:
      kun label clean.parquet candidates.parquet --model models/label --rejected unlabelled.jsonl
    """
    from kun.core.io import read_input
    from kun.instructions.label import LABEL_INPUT, LabelParams, label
    from kun.instructions.seed import read_seed
    from kun.llm import load_llm
    from kun.llm.params import stage_params

    refuse_same_paths(
        segments=input_path,
        seed_pairs=seed_pairs,
        params=params_path,
        candidates=output_path,
        rejected=rejected_path,
        metrics=metrics_path,
        outputs=("candidates", "rejected", "metrics"),
    )
    params, llm_params, _ = stage_params("label", LabelParams, params_path)
    candidates, rejected, metrics = label(
        read_input(input_path, LABEL_INPUT, ("text",)),
        params,
        load_llm(llm_params, model_path or params.model, "--model" if model_path else "label.model"),
        read_seed(seed_pairs),
    )
    finish({output_path: candidates, rejected_path: rejected}, metrics, metrics_path)
