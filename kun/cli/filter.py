"""`kun filter`, and the DVC stage `filter` (stages/filter.py runs this command with the paths dvc.yaml gives)."""

from __future__ import annotations

from pathlib import Path

import click

from kun.cli.app import METRICS_OPTION, PARAMS_OPTION, finish, main, refuse_same_paths


@main.command("filter")
@click.argument("input_path", metavar="SCORED", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="KEPT", type=click.Path(path_type=Path))
@click.option("--min-score", type=click.FloatRange(0, 1), help="Overrides filter.min_score.")
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Write rejected rows with their reason here.",
)
@PARAMS_OPTION
@METRICS_OPTION
def filter_command(input_path, output_path, min_score, rejected_path, params_path, metrics_path):
    """Apply the score threshold and the instruction rule filters.

    \b
    Example:
      kun filter scored.parquet kept.parquet --min-score 0.8 --rejected rejected.jsonl
    """
    import dataclasses

    from kun.core.io import read_input
    from kun.core.params import load_params, section
    from kun.core.records import CANDIDATE_SCHEMA, SCORE_COLUMNS
    from kun.instructions.curate import FilterParams, curate

    refuse_same_paths(
        scored=input_path,
        params=params_path,
        kept=output_path,
        rejected=rejected_path,
        metrics=metrics_path,
        outputs=("kept", "rejected", "metrics"),
    )
    params = section(FilterParams, load_params(params_path), "filter")
    if min_score is not None:
        params = dataclasses.replace(params, min_score=min_score)
    kept, rejected, metrics = curate(read_input(input_path, {**CANDIDATE_SCHEMA, **SCORE_COLUMNS}), params)
    finish({output_path: kept, rejected_path: rejected}, metrics, metrics_path)
