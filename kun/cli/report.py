"""`kun report`, and the DVC stage `report` (stages/report.py runs this command with the paths dvc.yaml gives)."""

from __future__ import annotations

from pathlib import Path

import click

from kun.cli.app import main, refuse_same_paths, write_outputs


@main.command("report")
@click.argument("metrics_dir", metavar="METRICS_DIR", type=click.Path(path_type=Path, file_okay=False))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(path_type=Path))
def report_command(metrics_dir, output_path):
    """Collect the key figures of every step's metrics in METRICS_DIR (ingest.json, dedup.json, ...,
    eval.json) into one JSON file nested by step: the pipeline's one DVC metrics file.

    \b
    Example:
      kun report metrics metrics/metrics.json
    """
    from kun.core.errors import KunError
    from kun.core.metrics import json_bytes
    from kun.evaluation.report import collect, nest

    if not metrics_dir.is_dir():
        raise KunError(f"{metrics_dir}: not a folder; METRICS_DIR holds the steps' metrics (e.g. metrics)")
    refuse_same_paths(report=output_path, outputs=("report",))
    write_outputs({}, {}, None, {output_path: json_bytes(nest(collect(metrics_dir)))})
