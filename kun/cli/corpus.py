"""Commands of the corpus phase: ingest, dedup, base-model (perplexity: kun/cli/perplexity.py)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kun.cli.app import (
    main,
    refuse_same_paths,
    write_outputs,
)
from kun.core.errors import KunError


@main.command()
@click.option(
    "--params",
    "params_path",
    default="params.yaml",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Params file with an `ingest` section.",
)
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
    "--tokenizer",
    "tokenizer_dir",
    type=click.Path(path_type=Path),
    help="Model directory whose tokenizer counts ingest.max_tokens (default: model.label_base of the params file, when it exists).",
)
def ingest(params_path, output_path, metrics_path, tokenizer_dir):
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
        params=params_path, output=output_path, metrics=metrics_path, outputs=("output", "metrics")
    )
    raw = load_params(params_path)
    params = section(IngestParams, raw, "ingest")
    refuse_source_outputs(params, params_path.parent, output=output_path, metrics=metrics_path)
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
    segments, _, metrics = run_ingest(params, params_path.parent, count_tokens=counter)
    write_outputs({output_path: segments}, metrics, metrics_path)
    click.echo(
        json.dumps(
            {key: metrics[key] for key in ("docs_in", "segments_out", "segments_dropped")}, ensure_ascii=False
        ),
        err=True,
    )


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(path_type=Path))
@click.option("--text-field", default="text", show_default=True, help="Field holding the text to compare.")
@click.option(
    "--id-field",
    default="id",
    show_default=True,
    help="Field naming each record in --clusters output (row number if absent).",
)
@click.option(
    "--threshold",
    default=0.7,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True),
    help="Jaccard similarity of character n-gram sets at which two texts are duplicates.",
)
@click.option(
    "--num-perm",
    default=128,
    show_default=True,
    type=click.IntRange(min=2),
    help="MinHash permutations (signature length).",
)
@click.option(
    "--ngram", default=5, show_default=True, type=click.IntRange(min=1), help="Character n-gram size."
)
@click.option(
    "--seed",
    default=42,
    show_default=True,
    type=click.IntRange(0, 2**64 - 1),
    help="Seed of the MinHash permutations.",
)
@click.option(
    "--bands",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="LSH bands (0: derive bands and rows from the threshold).",
)
@click.option(
    "--rows",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="LSH rows per band (set with --bands).",
)
@click.option(
    "--verify",
    default="exact",
    show_default=True,
    type=click.Choice(["exact", "minhash", "none"]),
    help="Check LSH candidates by exact n-gram Jaccard, by signature estimate, or not at all.",
)
@click.option(
    "--workers",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Processes for signatures (0: all cores).",
)
@click.option(
    "--max-chars",
    default=1_000_000,
    show_default=True,
    type=click.IntRange(min=0),
    help="Longest text compared (0: no limit); bounds one document's memory (~30 bytes per character).",
)
@click.option(
    "--engine",
    default="local",
    show_default=True,
    type=click.Choice(["local", "ray"]),
    help="ray: run signatures, buckets, verification and clusters on Ray Data (the cluster in RAY_ADDRESS, else a local Ray).",
)
@click.option(
    "--partitions",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="ray: blocks and hash partitions per phase (0: 4 per cluster CPU).",
)
@click.option(
    "--clusters",
    "clusters_path",
    type=click.Path(path_type=Path),
    help="Also write (row, id, cluster_id, cluster_row, kind) for every input row (.jsonl or .parquet).",
)
@click.option(
    "--skip-bad-lines",
    is_flag=True,
    help="Skip malformed or non-UTF-8 JSONL lines and records whose text is not a string (counted in --metrics) instead of failing.",
)
@click.option(
    "--metrics",
    "metrics_path",
    type=click.Path(path_type=Path),
    help="Write counts and timings as JSON here.",
)
def dedup(
    input_path,
    output_path,
    text_field,
    id_field,
    threshold,
    num_perm,
    ngram,
    seed,
    bands,
    rows,
    verify,
    workers,
    max_chars,
    engine,
    partitions,
    clusters_path,
    skip_bad_lines,
    metrics_path,
):
    """Remove exact and near-duplicate records from INPUT, writing OUTPUT.

    INPUT and OUTPUT are .jsonl or .parquet (by extension). Exact duplicates (same text up to
    whitespace) go first; then MinHash LSH finds near duplicates, verified by exact n-gram
    Jaccard, and union-find groups them. Of each cluster the first record in input order
    survives. Surviving records keep all their fields, in input order.

    \b
    Example:
      kun dedup segments.jsonl unique.parquet --threshold 0.8 --clusters clusters.jsonl
    """
    from kun.core.io import ReadReport, read_table
    from kun.core.progress import phase_reporter
    from kun.dedup import DedupParams, deduplicate

    refuse_same_paths(
        input=input_path,
        output=output_path,
        clusters=clusters_path,
        metrics=metrics_path,
        outputs=("output", "clusters", "metrics"),
    )
    if not 0 < threshold <= 1:  # click's range lets nan through
        raise click.BadParameter(f"{threshold} is not in (0, 1]", param_hint="--threshold")
    if bands and not rows or rows and not bands:
        raise click.UsageError("--bands and --rows go together")
    if bands * rows > num_perm:
        raise click.UsageError("--bands x --rows must not exceed --num-perm")
    report = ReadReport()
    frame = read_table(input_path, skip_bad_lines=skip_bad_lines, report=report, text_fields=(text_field,))
    if frame.height == 0:
        raise KunError(f"{input_path}: no records; check that the file is not empty")
    params = DedupParams(
        threshold=threshold,
        num_perm=num_perm,
        ngram=ngram,
        seed=seed,
        bands=bands,
        rows=rows,
        verify=verify,
        workers=workers,
        engine=engine,
        partitions=partitions,
        text_field=text_field,
        id_field=id_field,
        max_chars=max_chars,
    )
    try:
        result = deduplicate(frame, params, progress=phase_reporter())
    except KunError as error:
        raise KunError(f"{input_path}: {error}") from None
    if result.metrics["duplicate_ids"]:
        click.echo(
            f"warning: {input_path}: {result.metrics['duplicate_ids']} rows repeat an earlier {id_field!r}; the clusters table's `row` and `cluster_row` tell them apart",
            err=True,
        )
    metrics = {**result.metrics, "bad_lines_skipped": report.skipped}
    write_outputs({output_path: result.kept, clusters_path: result.clusters}, metrics, metrics_path)
    click.echo(
        f"{metrics['docs_in']} in, {metrics['exact_duplicates']} exact and {metrics['near_duplicates']} near duplicates removed, "
        f"{metrics['docs_out']} out ({metrics['docs_per_second']:.0f} docs/s)"
        + (f"; skipped {report.total} bad lines" if report.total else ""),
        err=True,
    )


@main.command("base-model")
@click.argument("output_dir", type=click.Path(path_type=Path), default="models/base")
@click.option(
    "--base",
    default="embedded:smollm2",
    show_default=True,
    help="embedded:smollm2, a local model directory, or a hub id.",
)
@click.option(
    "--trust-remote-code", is_flag=True, help="Allow the model's own code (only for models you trust)."
)
def base_model(output_dir, base, trust_remote_code):
    """Save a base model as safetensors + tokenizer in OUTPUT_DIR (default models/base).

    \b
    Example:
      kun base-model models/qwen --base Qwen/Qwen2.5-0.5B-Instruct
    """
    from kun.core.models import materialize

    if Path(base).exists():
        refuse_same_paths(base=Path(base), output_dir=output_dir, outputs=("output_dir",))
    click.echo(f"saved {base} to {materialize(base, output_dir, trust_remote_code)}", err=True)
