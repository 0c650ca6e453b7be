"""`kun ingest`, and the DVC stage ingest (fetch-corpus, base-model, dedup and perplexity have their own
modules, so each stage depends on its own command alone)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kun.cli.app import (
    main,
    params_option,
    refuse_same_paths,
    write_outputs,
)


@main.command()
@params_option("Params file with an `ingest` section.")
@click.option(
    "--output",
    "output_path",
    default="data/interim/segments.parquet",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Segments table (.parquet or .jsonl).",
)
@click.option(
    "--metrics",
    "metrics_path",
    type=click.Path(path_type=Path),
    help="Write counts in, out and dropped per reason here.",
)
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Write the dropped documents and segments with their reason here.",
)
@click.option(
    "--tokenizer",
    "tokenizer_dir",
    type=click.Path(path_type=Path),
    help="Model directory whose tokenizer counts ingest.max_tokens (default: model.label_base of the params file, when it exists).",
)
def ingest(params_path, output_path, metrics_path, rejected_path, tokenizer_dir):
    """Normalise, segment and quality-filter the raw sources listed in params.yaml.

    Paths in the sources are relative to the directory holding the params file. Segments over
    ingest.max_tokens tokens of the label model's tokenizer are dropped (reason too_long).

    \b
    Example:
      kun ingest --params params.yaml --output segments.parquet --tokenizer models/base
    """
    from kun.core.models import ModelParams
    from kun.core.params import load_params, section
    from kun.corpus.ingest import IngestParams, refuse_source_outputs, token_counter
    from kun.corpus.ingest import ingest as run_ingest

    refuse_same_paths(
        params=params_path,
        output=output_path,
        rejected=rejected_path,
        metrics=metrics_path,
        outputs=("output", "rejected", "metrics"),
    )
    raw = load_params(params_path)
    params = section(IngestParams, raw, "ingest")
    refuse_source_outputs(
        params, params_path.parent, output=output_path, rejected=rejected_path, metrics=metrics_path
    )
    if tokenizer_dir is None and params.max_tokens:
        label_base = params_path.parent / section(ModelParams, raw, "model").label_base
        tokenizer_dir = label_base if label_base.is_dir() else None
        if tokenizer_dir is None:
            click.echo(
                f"note: {label_base} does not exist, so ingest.max_tokens is not applied; pass --tokenizer",
                err=True,
            )
    counter = (
        token_counter(tokenizer_dir, "--tokenizer")
        if tokenizer_dir is not None and params.max_tokens
        else None
    )
    segments, rejected, metrics = run_ingest(params, params_path.parent, count_tokens=counter)
    write_outputs({output_path: segments, rejected_path: rejected}, metrics, metrics_path)
    click.echo(
        json.dumps(
            {key: metrics[key] for key in ("docs_in", "pii", "segments_out", "segments_dropped")},
            ensure_ascii=False,
        ),
        err=True,
    )
