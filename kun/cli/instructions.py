"""Commands of the instruction phase: label, score, filter, polish, assemble, filter-pairs, export."""

from __future__ import annotations

from pathlib import Path

import click

from kun.cli.app import (
    METRICS_OPTION,
    MODEL_OPTION,
    PARAMS_OPTION,
    finish,
    main,
    refuse_same_paths,
    write_outputs,
)
from kun.core.errors import KunError


@main.command("label")
@click.argument("input_path", metavar="SEGMENTS", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="CANDIDATES", type=click.Path(path_type=Path))
@click.option(
    "--seed-pairs",
    default="data/seed/seed.jsonl",
    show_default=True,
    type=click.Path(path_type=Path),
    help="Seed instruction/output JSONL (few-shot examples).",
)
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Write replies without a usable instruction here.",
)
@PARAMS_OPTION
@MODEL_OPTION
@METRICS_OPTION
def label_command(input_path, output_path, seed_pairs, rejected_path, params_path, model_path, metrics_path):
    """Back-translation: write the instruction each segment answers.

    SEGMENTS needs the columns id, source and text, as written by `kun ingest`, `kun dedup`
    or `kun perplexity`. Each segment is given whole (the raw-text gate limits its length).

    \b
    Example:
      kun label clean.parquet candidates.parquet --model models/label --rejected unlabelled.jsonl
    """
    from kun.core.io import read_input
    from kun.instructions.label import LABEL_INPUT, LabelParams, label
    from kun.instructions.seed import read_seed
    from kun.llm import load_llm
    from kun.llm.params import stage_params

    refuse_same_paths(
        segments=input_path,
        seed_pairs=seed_pairs,
        params=params_path,
        candidates=output_path,
        rejected=rejected_path,
        metrics=metrics_path,
        outputs=("candidates", "rejected", "metrics"),
    )
    params, llm_params, _ = stage_params("label", LabelParams, params_path)
    candidates, rejected, metrics = label(
        read_input(input_path, LABEL_INPUT, ("text",)),
        params,
        load_llm(llm_params, model_path or params.model, "--model" if model_path else "label.model"),
        read_seed(seed_pairs),
    )
    finish({output_path: candidates, rejected_path: rejected}, metrics, metrics_path)


@main.command("score")
@click.argument("input_path", metavar="CANDIDATES", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="SCORED", type=click.Path(path_type=Path))
@click.option("--mode", type=click.Choice(["focused", "comprehensive"]), help="Overrides score.mode.")
@PARAMS_OPTION
@MODEL_OPTION
@METRICS_OPTION
def score_command(input_path, output_path, mode, params_path, model_path, metrics_path):
    """Score every candidate: Kun's focused 好/差 verdict on the instruction alone (score.verdict:
    logprob or sampled), or Humpback's 1-5 pair rating. Candidates the `filter` section's
    instruction rules drop are not scored (null score, score_error `rule:<reason>`).

    \b
    Example:
      kun score candidates.parquet scored.parquet --model models/chat
    """
    import dataclasses

    from kun.core.io import read_input
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
        outputs=("scored", "metrics"),
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
    finish({output_path: scored}, metrics, metrics_path)


@main.command("filter")
@click.argument("input_path", metavar="SCORED", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="KEPT", type=click.Path(path_type=Path))
@click.option("--min-score", type=click.FloatRange(0, 1), help="Overrides filter.min_score.")
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Write rejected rows with their reason here.",
)
@PARAMS_OPTION
@METRICS_OPTION
def filter_command(input_path, output_path, min_score, rejected_path, params_path, metrics_path):
    """Apply the score threshold and the instruction rule filters.

    \b
    Example:
      kun filter scored.parquet kept.parquet --min-score 0.8 --rejected rejected.jsonl
    """
    import dataclasses

    from kun.core.io import read_input
    from kun.core.params import load_params, section
    from kun.core.records import CANDIDATE_SCHEMA, SCORE_COLUMNS
    from kun.instructions.curate import FilterParams, curate

    refuse_same_paths(
        scored=input_path,
        params=params_path,
        kept=output_path,
        rejected=rejected_path,
        metrics=metrics_path,
        outputs=("kept", "rejected", "metrics"),
    )
    params = section(FilterParams, load_params(params_path), "filter")
    if min_score is not None:
        params = dataclasses.replace(params, min_score=min_score)
    kept, rejected, metrics = curate(read_input(input_path, {**CANDIDATE_SCHEMA, **SCORE_COLUMNS}), params)
    finish({output_path: kept, rejected_path: rejected}, metrics, metrics_path)


@main.command("polish")
@click.argument("input_path", metavar="KEPT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="POLISHED", type=click.Path(path_type=Path))
@PARAMS_OPTION
@MODEL_OPTION
@METRICS_OPTION
def polish_command(input_path, output_path, params_path, model_path, metrics_path):
    """Answer polishment: answer each instruction with its segment as known context
    (`已知：{raw},请回答:{instruction}`, or the guarded template with polish.template).

    \b
    Example:
      kun polish kept.parquet polished.parquet --model models/chat
    """
    from kun.core.io import read_input
    from kun.core.records import CANDIDATE_SCHEMA, SCORE_COLUMNS
    from kun.instructions.polish import PolishParams, polish
    from kun.llm import load_llm
    from kun.llm.params import stage_params

    refuse_same_paths(
        kept=input_path,
        params=params_path,
        polished=output_path,
        metrics=metrics_path,
        outputs=("polished", "metrics"),
    )
    params, llm_params, _ = stage_params("polish", PolishParams, params_path)
    polished, metrics = polish(
        read_input(input_path, {**CANDIDATE_SCHEMA, **SCORE_COLUMNS}, ("instruction", "segment")),
        params,
        load_llm(llm_params, model_path or params.model, "--model" if model_path else "polish.model"),
    )
    finish({output_path: polished}, metrics, metrics_path)


@main.command("assemble")
@click.argument("input_path", metavar="POLISHED", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="DATASET", type=click.Path(path_type=Path))
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Write rejected rows with their reason here.",
)
@PARAMS_OPTION
@METRICS_OPTION
def assemble_command(input_path, output_path, rejected_path, params_path, metrics_path):
    """Answer rules, exact pair dedup and, with assemble.rate, the chat model's 5-point rating;
    DATASET is .jsonl (instruction, output, id, source, score) or .parquet (with provenance).

    \b
    Example:
      kun assemble polished.parquet kun.jsonl --rejected rejected.jsonl
    """
    from kun.core.io import read_input
    from kun.core.params import load_params, section
    from kun.instructions.assemble import ASSEMBLE_INPUT, AssembleParams, assemble
    from kun.instructions.rating import Rater
    from kun.llm import LLMParams, load_llm

    refuse_same_paths(
        polished=input_path,
        params=params_path,
        dataset=output_path,
        rejected=rejected_path,
        metrics=metrics_path,
        outputs=("dataset", "rejected", "metrics"),
    )
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
    if str(output_path).endswith(".jsonl"):
        final = final.select("instruction", "output", "id", "source", "score")
    finish(
        {output_path: final, rejected_path: rejected}, {"final": final.height, "dropped": drops}, metrics_path
    )


@main.command("filter-pairs")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(path_type=Path))
@click.option(
    "--rejected",
    "rejected_path",
    type=click.Path(path_type=Path),
    help="Write rejected rows with their `reason` here (.jsonl or .parquet).",
)
@click.option(
    "--params",
    "params_path",
    type=click.Path(path_type=Path),
    help="Params file whose `filter` and `assemble` sections set the gates (default: kun's default profile; configs/paper.yaml for the authors' rules).",
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
    rule of the filter and assemble stages applies (not the score), then exact duplicate pairs
    go. OUTPUT gets the kept rows; the counts per reason go to stderr (and --metrics).

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
    type=click.Choice(["alpaca", "sharegpt", "parquet"]),
    default=("alpaca", "sharegpt", "parquet"),
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
def export_command(dataset, output_dir, formats, max_shard_rows, card_path, name):
    """Export the final dataset as alpaca JSONL, ShareGPT JSONL and Parquet shards, with a hub-ready card.

    \b
    Example:
      kun export data/processed/kun.parquet data/export --format sharegpt --format parquet
      huggingface-cli upload ORG/kun-zh data/export --repo-type dataset
    """
    from kun.instructions.export import export

    if Path(dataset).resolve().parent == Path(output_dir).resolve():
        raise KunError(
            f"{dataset}: DATASET lies in OUTPUT_DIR, whose files the export rewrites; export to another folder"
        )

    written = export(dataset, output_dir, list(formats), max_shard_rows, card_path, name)
    click.echo(f"wrote {len(written)} files to {output_dir}: {', '.join(written)}", err=True)
