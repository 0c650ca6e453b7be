"""`kun dedup`, and the DVC stage `dedup` (stages/dedup.py runs this command with the paths dvc.yaml gives)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
from click.core import ParameterSource

from kun.cli.app import main, params_option, refuse_same_paths, write_outputs
from kun.core.errors import KunError


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
@params_option(
    "Take the settings from this params file's `dedup` section; options given here override them.",
    default=None,
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
    params_path,
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
    from kun.dedup import deduplicate

    refuse_same_paths(
        input=input_path,
        params=params_path,
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
    params = _params(click.get_current_context(), params_path)
    try:
        result = deduplicate(frame, params, progress=phase_reporter())
    except KunError as error:
        raise KunError(f"{input_path}: {error}") from None
    if result.metrics["duplicate_ids"]:
        click.echo(
            f"warning: {input_path}: {result.metrics['duplicate_ids']} rows repeat an earlier {id_field!r}; the "
            "clusters table's `row` and `cluster_row` tell them apart",
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


def _params(context: click.Context, params_path: Path | None):
    """The `dedup` section of --params (or the defaults), with the options given on the command line."""
    from kun.core.params import load_params, section
    from kun.dedup import DedupParams

    base = section(DedupParams, load_params(params_path), "dedup") if params_path else DedupParams()
    fields = {field.name for field in dataclasses.fields(DedupParams)}
    given = {
        name: value
        for name, value in context.params.items()
        if name in fields and context.get_parameter_source(name) is ParameterSource.COMMANDLINE
    }
    params = dataclasses.replace(base, **given) if given else base
    params.validate("dedup")
    return params
