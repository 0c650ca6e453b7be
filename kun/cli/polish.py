"""`kun polish`, and the DVC stage `polish` (stages/polish.py runs this command with the paths dvc.yaml gives)."""

from __future__ import annotations

from pathlib import Path

import click

from kun.cli.app import METRICS_OPTION, MODEL_OPTION, PARAMS_OPTION, finish, main, refuse_same_paths


@main.command("polish")
@click.argument("input_path", metavar="KEPT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="POLISHED", type=click.Path(path_type=Path))
@PARAMS_OPTION
@MODEL_OPTION
@METRICS_OPTION
def polish_command(input_path, output_path, params_path, model_path, metrics_path):
    """Answer polishment: answer each instruction with its segment as known context
    (`已知：{raw},请回答:{instruction}`, or the guarded template with polish.template).

    \b
    Example:
      kun polish kept.parquet polished.parquet --model models/chat
    """
    from kun.core.io import read_input
    from kun.core.records import CANDIDATE_SCHEMA, SCORE_COLUMNS
    from kun.instructions.polish import PolishParams, polish
    from kun.llm import load_llm
    from kun.llm.params import stage_params

    refuse_same_paths(
        kept=input_path,
        params=params_path,
        polished=output_path,
        metrics=metrics_path,
        outputs=("polished", "metrics"),
    )
    params, llm_params, _ = stage_params("polish", PolishParams, params_path)
    polished, metrics = polish(
        read_input(input_path, {**CANDIDATE_SCHEMA, **SCORE_COLUMNS}, ("instruction", "segment")),
        params,
        load_llm(llm_params, model_path or params.model, "--model" if model_path else "polish.model"),
    )
    finish({output_path: polished}, metrics, metrics_path)
