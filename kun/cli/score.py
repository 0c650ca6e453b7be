"""`kun score`, and the DVC stage `score` (stages/score.py runs this command with the paths dvc.yaml gives)."""

from __future__ import annotations

from pathlib import Path

import click

from kun.cli.app import (
    HISTOGRAM_OPTION,
    METRICS_OPTION,
    MODEL_OPTION,
    PARAMS_OPTION,
    finish,
    main,
    refuse_same_paths,
)


@main.command("score")
@click.argument("input_path", metavar="CANDIDATES", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="SCORED", type=click.Path(path_type=Path))
@click.option("--mode", type=click.Choice(["focused", "comprehensive"]), help="Overrides score.mode.")
@PARAMS_OPTION
@MODEL_OPTION
@METRICS_OPTION
@HISTOGRAM_OPTION
def score_command(input_path, output_path, mode, params_path, model_path, metrics_path, histogram_path):
    """Score every candidate: Kun's focused 好/差 verdict on the instruction alone (score.verdict:
    logprob or sampled), or Humpback's 1-5 pair rating. Candidates the `filter` section's
    instruction rules drop are not scored (null score, score_error `rule:<reason>`).

    \b
    Example:
      kun score candidates.parquet scored.parquet --model models/chat
    """
    import dataclasses

    from kun.core.io import read_input
    from kun.core.metrics import json_bytes
    from kun.core.params import section
    from kun.core.records import CANDIDATE_SCHEMA
    from kun.instructions.curate import FilterParams, instruction_rules
    from kun.instructions.score import ScoreParams, score
    from kun.llm import load_llm
    from kun.llm.params import stage_params

    refuse_same_paths(
        candidates=input_path,
        params=params_path,
        scored=output_path,
        metrics=metrics_path,
        histogram=histogram_path,
        outputs=("scored", "metrics", "histogram"),
    )
    params, llm_params, raw = stage_params("score", ScoreParams, params_path)
    if mode:
        params = dataclasses.replace(params, mode=mode)
    rules = instruction_rules(section(FilterParams, raw, "filter"))
    scored, metrics = score(
        read_input(input_path, CANDIDATE_SCHEMA, ("instruction", "segment")),
        params,
        load_llm(llm_params, model_path or params.model, "--model" if model_path else "score.model"),
        rules,
    )
    finish({output_path: scored}, metrics, metrics_path, {histogram_path: json_bytes(metrics["histogram"])})
