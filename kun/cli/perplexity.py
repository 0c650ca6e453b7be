"""`kun perplexity`, and the DVC stage `perplexity` (stages/perplexity.py runs this command with the paths dvc.yaml gives)."""

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


@main.command("perplexity")
@click.argument("input_path", metavar="SEGMENTS", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="KEPT", type=click.Path(path_type=Path))
@click.option(
    "--max",
    "max_perplexity",
    type=click.FloatRange(min=0),
    help="Overrides perplexity.max (0: no upper bound).",
)
@click.option(
    "--min",
    "min_perplexity",
    type=click.FloatRange(min=0),
    help="Overrides perplexity.min (0: no lower bound).",
)
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Write dropped segments with their perplexity and reason here.",
)
@PARAMS_OPTION
@MODEL_OPTION
@METRICS_OPTION
@HISTOGRAM_OPTION
def perplexity_command(
    input_path,
    output_path,
    max_perplexity,
    min_perplexity,
    rejected_path,
    params_path,
    model_path,
    metrics_path,
    histogram_path,
):
    """Perplexity gate: score each segment's perplexity under a causal LM and drop outliers.

    Perplexities are cached per segment, so trying other thresholds costs no model call.

    \b
    Example:
      kun perplexity unique.parquet clean.parquet --model models/base --max 2000
    """
    import dataclasses

    from kun.core.io import read_input
    from kun.core.metrics import json_bytes
    from kun.corpus.perplexity import PerplexityParams, perplexity_gate
    from kun.llm import load_llm
    from kun.llm.params import stage_params

    refuse_same_paths(
        segments=input_path,
        params=params_path,
        kept=output_path,
        rejected=rejected_path,
        metrics=metrics_path,
        histogram=histogram_path,
        outputs=("kept", "rejected", "metrics", "histogram"),
    )
    params, llm_params, _ = stage_params("perplexity", PerplexityParams, params_path)
    overrides = {
        key: value for key, value in (("max", max_perplexity), ("min", min_perplexity)) if value is not None
    }
    params = dataclasses.replace(params, **overrides)
    params.validate("perplexity")
    llm = load_llm(
        llm_params, model_path or params.model, "--model" if model_path else "perplexity.model", chat=False
    )
    kept, rejected, metrics = perplexity_gate(read_input(input_path, ("id", "text"), ("text",)), params, llm)
    finish(
        {output_path: kept, rejected_path: rejected},
        metrics,
        metrics_path,
        {histogram_path: json_bytes(metrics["histogram"])},
    )
