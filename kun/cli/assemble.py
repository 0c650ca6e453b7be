"""`kun assemble`, and the DVC stage `assemble` (stages/assemble.py runs this command with the paths dvc.yaml gives)."""

from __future__ import annotations

from pathlib import Path

import click

from kun.cli.app import METRICS_OPTION, PARAMS_OPTION, finish, main, refuse_same_paths
from kun.core.errors import KunError


@main.command("assemble")
@click.argument("input_path", metavar="POLISHED", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="DATASET", type=click.Path(path_type=Path))
@click.option(
    "--provenance",
    "provenance_path",
    type=click.Path(path_type=Path),
    help="Also write every kept row with all its columns (ids, scores, models) here (.parquet or .jsonl).",
)
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Write rejected rows with their reason here.",
)
@click.option(
    "--step-metrics",
    "step_metrics_dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder with the earlier steps' metrics (ingest.json, dedup.json, ...): the metrics then hold the "
    "whole funnel, every row accounted for.",
)
@click.option(
    "--card",
    "card_path",
    type=click.Path(path_type=Path),
    help="Write the dataset card (Markdown: sizes, funnel, drops, params) here; needs --step-metrics.",
)
@click.option(
    "--funnel-plot",
    "funnel_plot_path",
    type=click.Path(path_type=Path),
    help="Write the funnel as JSON rows (DVC plot data) here; needs --step-metrics.",
)
@PARAMS_OPTION
@METRICS_OPTION
def assemble_command(
    input_path,
    output_path,
    provenance_path,
    rejected_path,
    step_metrics_dir,
    card_path,
    funnel_plot_path,
    params_path,
    metrics_path,
):
    """Answer rules, exact pair dedup and, with assemble.rate, the chat model's 5-point rating;
    DATASET is .jsonl (instruction, output, id, source, score) or .parquet (with provenance).

    \b
    Example:
      kun assemble polished.parquet kun.jsonl --rejected rejected.jsonl
      kun assemble polished.parquet kun.jsonl --step-metrics metrics --card README.md
    """
    from kun.core.io import read_input
    from kun.core.metrics import json_bytes, key_figures, read_json
    from kun.core.params import load_params, section
    from kun.core.records import DATASET_COLUMNS
    from kun.instructions.assemble import ASSEMBLE_INPUT, AssembleParams, assemble
    from kun.instructions.card import STEPS, card_params, dataset_card, funnel, pii_summary
    from kun.instructions.rating import Rater
    from kun.llm import LLMParams, load_llm

    refuse_same_paths(
        polished=input_path,
        params=params_path,
        dataset=output_path,
        provenance=provenance_path,
        rejected=rejected_path,
        card=card_path,
        funnel_plot=funnel_plot_path,
        metrics=metrics_path,
        outputs=("dataset", "provenance", "rejected", "card", "funnel_plot", "metrics"),
    )
    if (card_path or funnel_plot_path) and step_metrics_dir is None:
        raise KunError("--card and --funnel-plot show the whole funnel: pass --step-metrics (e.g. metrics)")
    step_metrics = None
    if step_metrics_dir is not None:
        missing = [
            str(step_metrics_dir / f"{step}.json")
            for step in STEPS
            if not (step_metrics_dir / f"{step}.json").is_file()
        ]
        if missing:
            raise KunError(f"{missing[0]}: not found; --step-metrics needs the metrics of {', '.join(STEPS)}")
        step_metrics = {step: read_json(step_metrics_dir / f"{step}.json") for step in STEPS}
    raw = load_params(params_path)
    params = section(AssembleParams, raw, "assemble")
    llm = (
        load_llm(section(LLMParams, raw, "llm"), params.rate_model, "assemble.rate_model")
        if params.rate
        else None
    )
    final, rejected, drops = assemble(
        read_input(input_path, ASSEMBLE_INPUT, ("instruction", "output")),
        params,
        Rater(llm, params.rating_verdict, params.language).rate if llm else None,
    )
    metrics = {"final_rows": final.height, "dropped": {"assemble": drops}}
    files = {}
    if step_metrics is not None:
        rows, metrics["dropped"] = funnel(step_metrics, final.height, drops)
        metrics["funnel"] = rows
        metrics["pii"] = pii_summary(step_metrics["ingest"])
        card = dataset_card(
            final, rows, metrics["dropped"], card_params(raw), params.dataset_name, metrics["pii"]
        )
        files = {
            card_path: card.encode("utf-8"),
            funnel_plot_path: json_bytes([{"step": step, "rows": count} for step, count in rows.items()]),
        }
    if llm is not None:
        metrics["rating"] = {"model": llm.fingerprint, **llm.stats}
    metrics["key_figures"] = key_figures(metrics, {"": "funnel"}, ledger="rating" if llm else None)
    dataset = final.select(DATASET_COLUMNS) if str(output_path).endswith(".jsonl") else final
    finish(
        {output_path: dataset, provenance_path: final, rejected_path: rejected}, metrics, metrics_path, files
    )
