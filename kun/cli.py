"""The `kun` command line: every library step on plain files.

Heavy libraries (torch, transformers) are imported inside the commands that need them, so
`kun --help` and `kun dedup` start fast. User errors print one line and exit 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kun.errors import KunError


class KunGroup(click.Group):
    """Prints KunError as one line (`error: ...`) with exit status 1 instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KunError as error:
            click.echo(f"error: {error}", err=True)
            ctx.exit(1)


@click.group(cls=KunGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kun")
def main() -> None:
    """Kun: turn raw Chinese text into instruction-tuning data (instruction back-translation
    plus answer polishment), then fine-tune and evaluate.

    Each command works on plain files; the DVC pipeline (dvc.yaml) runs the same code with the
    values from params.yaml.
    """


@main.command()
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(path_type=Path))
@click.option("--text-field", default="text", show_default=True, help="Field holding the text to compare.")
@click.option("--id-field", default="id", show_default=True, help="Field naming each record in --clusters output (row number if absent).")
@click.option("--threshold", default=0.7, show_default=True, type=click.FloatRange(0, 1, min_open=True), help="Jaccard similarity of character n-gram sets at which two texts are duplicates.")
@click.option("--num-perm", default=128, show_default=True, type=click.IntRange(min=2), help="MinHash permutations (signature length).")
@click.option("--ngram", default=5, show_default=True, type=click.IntRange(min=1), help="Character n-gram size.")
@click.option("--seed", default=42, show_default=True, type=int, help="Seed of the MinHash permutations.")
@click.option("--bands", default=0, show_default=True, type=click.IntRange(min=0), help="LSH bands (0: derive bands and rows from the threshold).")
@click.option("--rows", default=0, show_default=True, type=click.IntRange(min=0), help="LSH rows per band (set with --bands).")
@click.option("--verify", default="exact", show_default=True, type=click.Choice(["exact", "minhash", "none"]), help="Check LSH candidates by exact n-gram Jaccard, by signature estimate, or not at all.")
@click.option("--workers", default=0, show_default=True, type=click.IntRange(min=0), help="Processes for signatures (0: all cores).")
@click.option("--clusters", "clusters_path", type=click.Path(path_type=Path), help="Also write (row, id, cluster_id, kind) for every input row (.jsonl or .parquet).")
@click.option("--skip-bad-lines", is_flag=True, help="Skip malformed or non-UTF-8 JSONL lines (counted in --metrics) instead of failing.")
@click.option("--metrics", "metrics_path", type=click.Path(path_type=Path), help="Write counts and timings as JSON here.")
def dedup(input_path, output_path, text_field, id_field, threshold, num_perm, ngram, seed, bands, rows, verify, workers, clusters_path, skip_bad_lines, metrics_path):
    """Remove exact and near-duplicate records from INPUT, writing OUTPUT.

    INPUT and OUTPUT are .jsonl or .parquet (by extension). Exact duplicates (same text up to
    whitespace) go first; then MinHash LSH finds near duplicates, verified by exact n-gram
    Jaccard, and union-find groups them. Of each cluster the first record in input order
    survives. Surviving records keep all their fields, in input order.

    \b
    Example:
      kun dedup segments.jsonl unique.parquet --threshold 0.8 --clusters clusters.jsonl
    """
    from kun.dedup import DedupParams, deduplicate
    from kun.io import ReadReport, read_table, write_table
    from kun.metrics import write_json
    from kun.progress import phase_reporter

    if bands and not rows or rows and not bands:
        raise click.UsageError("--bands and --rows go together")
    if bands * rows > num_perm:
        raise click.UsageError("--bands x --rows must not exceed --num-perm")
    report = ReadReport()
    frame = read_table(input_path, skip_bad_lines=skip_bad_lines, report=report)
    if frame.height == 0:
        raise KunError(f"{input_path}: no records; check that the file is not empty")
    params = DedupParams(threshold=threshold, num_perm=num_perm, ngram=ngram, seed=seed, bands=bands, rows=rows, verify=verify, workers=workers, text_field=text_field, id_field=id_field)
    try:
        result = deduplicate(frame, params, progress=phase_reporter())
    except KunError as error:
        raise KunError(f"{input_path}: {error}") from None
    write_table(result.kept, output_path)
    if clusters_path:
        write_table(result.clusters, clusters_path)
    metrics = {**result.metrics, "bad_lines_skipped": report.skipped}
    if metrics_path:
        write_json(metrics_path, metrics)
    click.echo(
        f"{metrics['docs_in']} in, {metrics['exact_duplicates']} exact and {metrics['near_duplicates']} near duplicates removed, "
        f"{metrics['docs_out']} out ({metrics['docs_per_second']:.0f} docs/s)"
        + (f"; skipped {report.total} bad lines" if report.total else ""),
        err=True,
    )


@main.command()
@click.option("--params", "params_path", default="params.yaml", show_default=True, type=click.Path(path_type=Path), help="Params file with an `ingest` section.")
@click.option("--output", "output_path", default="data/interim/segments.parquet", show_default=True, type=click.Path(path_type=Path), help="Segments table (.parquet or .jsonl).")
@click.option("--metrics", "metrics_path", type=click.Path(path_type=Path), help="Write counts in, out and dropped per reason here.")
def ingest(params_path, output_path, metrics_path):
    """Normalise, segment and quality-filter the raw sources listed in params.yaml.

    Paths in the sources are relative to the directory holding the params file.
    """
    from kun.ingest import IngestParams, ingest as run_ingest
    from kun.io import write_table
    from kun.metrics import write_json
    from kun.params import load_params, section

    params = section(IngestParams, load_params(params_path), "ingest")
    segments, _, metrics = run_ingest(params, params_path.parent)
    write_table(segments, output_path)
    if metrics_path:
        write_json(metrics_path, metrics)
    click.echo(json.dumps({key: metrics[key] for key in ("docs_in", "segments_out", "segments_dropped")}, ensure_ascii=False), err=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
