"""Commands on finished pairs: filter-pairs (clean any instruction dataset) and export."""

from __future__ import annotations

from pathlib import Path

import click

from kun.cli.app import (
    METRICS_OPTION,
    main,
    params_option,
    refuse_same_paths,
    write_outputs,
)
from kun.core.errors import KunError


@main.command("filter-pairs")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(path_type=Path))
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Write rejected rows with their `reason` here (.jsonl or .parquet).",
)
@params_option(
    "Params file whose `filter` and `assemble` sections set the gates (default: kun's default profile; configs/paper.yaml for the authors' rules).",
    default=None,
)
@click.option(
    "--skip-bad-lines",
    is_flag=True,
    help="Skip malformed lines and records without string instruction/output (counted) instead of failing.",
)
@METRICS_OPTION
def filter_pairs_command(input_path, output_path, rejected_path, params_path, skip_bad_lines, metrics_path):
    """Clean any instruction dataset with kun's rule gates.

    INPUT holds `instruction`/`output` records (.jsonl, .json or .parquet; other fields are kept,
    and a `finish_reason` of `length` marks a truncated answer). Every instruction and answer
    rule of the filter and assemble stages applies (not the score), then the pair classifier
    (assemble.classifier), then exact duplicate pairs go. OUTPUT gets the kept rows; the counts
    per reason go to stderr (and --metrics).

    \b
    Example:
      kun filter-pairs alpaca_zh.jsonl alpaca_zh.clean.jsonl --rejected rejected.jsonl
    """
    from kun.core.io import format_of
    from kun.core.params import load_params, section
    from kun.instructions.assemble import AssembleParams
    from kun.instructions.curate import FilterParams
    from kun.instructions.pairs import filter_pairs, read_pairs

    refuse_same_paths(
        input=input_path,
        output=output_path,
        rejected=rejected_path,
        metrics=metrics_path,
        params=params_path,
        outputs=("output", "rejected", "metrics"),
    )
    raw = load_params(params_path) if params_path is not None else {}
    filter_params, assemble_params = (
        section(FilterParams, raw, "filter"),
        section(AssembleParams, raw, "assemble"),
    )
    for path in (output_path, rejected_path):
        if path is not None and format_of(path) not in ("jsonl", "parquet"):
            raise KunError(f"{path}: can only write .jsonl or .parquet")
    frame, report = read_pairs(input_path, skip_bad_lines)
    kept, rejected, counts = filter_pairs(frame, filter_params, assemble_params)
    metrics = {
        "pairs_in": frame.height,
        "kept": kept.height,
        "dropped": counts,
        "bad_lines_skipped": report.skipped,
    }
    write_outputs({output_path: kept, rejected_path: rejected}, metrics, metrics_path)
    dropped = ", ".join(f"{reason} {count}" for reason, count in counts.items()) or "none"
    click.echo(
        f"{frame.height} pairs in, {kept.height} kept; dropped: {dropped}"
        + (f"; skipped {report.total} bad lines" if report.total else ""),
        err=True,
    )


@main.command("export")
@click.argument("dataset", type=click.Path(path_type=Path), default="data/processed/kun.parquet")
@click.argument("output_dir", type=click.Path(path_type=Path), default="data/export")
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["alpaca", "sharegpt", "parquet", "preference"]),
    default=("alpaca", "sharegpt", "parquet", "preference"),
    show_default=True,
    help="Layouts to write (repeat the option).",
)
@click.option(
    "--max-shard-rows",
    default=100_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows per Parquet shard.",
)
@click.option(
    "--card",
    "card_path",
    type=click.Path(path_type=Path),
    help="Dataset card to include (default: README.md beside DATASET).",
)
@click.option("--name", default="kun", show_default=True, help="Base name of the JSONL files.")
@params_option(
    "Params file: export.license and export.source_licenses go into the card, with this file itself."
)
def export_command(dataset, output_dir, formats, max_shard_rows, card_path, name, params_path):
    """Export the final dataset as alpaca JSONL, ShareGPT JSONL, Parquet shards and preference pairs
    (polished answer over raw segment), with a hub-ready card that names the licenses and how to
    reproduce the data.

    \b
    Example:
      kun export data/processed/kun.parquet data/export --format sharegpt --format parquet
      huggingface-cli upload ORG/kun-zh data/export --repo-type dataset
    """
    from kun.core.params import load_params, section
    from kun.corpus.ingest import IngestParams
    from kun.instructions.export import export
    from kun.instructions.export_card import ExportParams, Provenance

    if Path(dataset).resolve().parent == Path(output_dir).resolve():
        raise KunError(
            f"{dataset}: DATASET lies in OUTPUT_DIR, whose files the export rewrites; export to another folder"
        )

    raw = load_params(params_path)
    params = section(ExportParams, raw, "export")
    params.require_licenses(
        params_path, [source.name for source in section(IngestParams, raw, "ingest").sources]
    )
    command = ["kun", "export", str(dataset), str(output_dir)]
    command += [part for fmt in formats for part in ("--format", fmt)]
    command += ["--max-shard-rows", str(max_shard_rows), "--name", name, "--params", str(params_path)]
    command += ["--card", str(card_path)] if card_path else []
    provenance = Provenance(Path(params_path).resolve().parent, Path(params_path), Path(dataset), command)
    written = export(dataset, output_dir, list(formats), params, max_shard_rows, card_path, name, provenance)
    click.echo(f"wrote {len(written)} files to {output_dir}: {', '.join(written)}", err=True)
