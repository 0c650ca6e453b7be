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
@click.option("--engine", default="local", show_default=True, type=click.Choice(["local", "ray"]), help="ray: run signatures, buckets, verification and clusters on Ray Data (the cluster in RAY_ADDRESS, else a local Ray).")
@click.option("--partitions", default=0, show_default=True, type=click.IntRange(min=0), help="ray: blocks and hash partitions per phase (0: 4 per cluster CPU).")
@click.option("--clusters", "clusters_path", type=click.Path(path_type=Path), help="Also write (row, id, cluster_id, kind) for every input row (.jsonl or .parquet).")
@click.option("--skip-bad-lines", is_flag=True, help="Skip malformed or non-UTF-8 JSONL lines (counted in --metrics) instead of failing.")
@click.option("--metrics", "metrics_path", type=click.Path(path_type=Path), help="Write counts and timings as JSON here.")
def dedup(input_path, output_path, text_field, id_field, threshold, num_perm, ngram, seed, bands, rows, verify, workers, engine, partitions, clusters_path, skip_bad_lines, metrics_path):
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

    refuse_same_paths(input=input_path, output=output_path, clusters=clusters_path, metrics=metrics_path)
    if bands and not rows or rows and not bands:
        raise click.UsageError("--bands and --rows go together")
    if bands * rows > num_perm:
        raise click.UsageError("--bands x --rows must not exceed --num-perm")
    report = ReadReport()
    frame = read_table(input_path, skip_bad_lines=skip_bad_lines, report=report)
    if frame.height == 0:
        raise KunError(f"{input_path}: no records; check that the file is not empty")
    params = DedupParams(threshold=threshold, num_perm=num_perm, ngram=ngram, seed=seed, bands=bands, rows=rows, verify=verify, workers=workers, engine=engine, partitions=partitions, text_field=text_field, id_field=id_field)
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
@click.option("--tokenizer", "tokenizer_dir", type=click.Path(path_type=Path), help="Model directory whose tokenizer counts ingest.max_tokens (default: model.label_base of the params file, when it exists).")
def ingest(params_path, output_path, metrics_path, tokenizer_dir):
    """Normalise, segment and quality-filter the raw sources listed in params.yaml.

    Paths in the sources are relative to the directory holding the params file. Segments over
    ingest.max_tokens tokens of the label model's tokenizer are dropped (reason too_long).

    Example: kun ingest --params params.yaml --output segments.parquet --tokenizer models/base
    """
    from kun.ingest import IngestParams, ingest as run_ingest, token_counter
    from kun.io import write_table
    from kun.metrics import write_json
    from kun.models import ModelParams
    from kun.params import load_params, section

    refuse_same_paths(params=params_path, output=output_path, metrics=metrics_path)
    raw = load_params(params_path)
    params = section(IngestParams, raw, "ingest")
    if tokenizer_dir is None and params.max_tokens:
        label_base = params_path.parent / section(ModelParams, raw, "model").label_base
        tokenizer_dir = label_base if label_base.is_dir() else None
        if tokenizer_dir is None:
            click.echo(f"note: {label_base} does not exist, so ingest.max_tokens is not applied; pass --tokenizer", err=True)
    counter = token_counter(tokenizer_dir, "--tokenizer") if tokenizer_dir is not None and params.max_tokens else None
    segments, _, metrics = run_ingest(params, params_path.parent, count_tokens=counter)
    write_table(segments, output_path)
    if metrics_path:
        write_json(metrics_path, metrics)
    click.echo(json.dumps({key: metrics[key] for key in ("docs_in", "segments_out", "segments_dropped")}, ensure_ascii=False), err=True)


PARAMS_OPTION = click.option("--params", "params_path", default="params.yaml", show_default=True, type=click.Path(path_type=Path), help="Params file; the command reads its own section and `llm`.")
METRICS_OPTION = click.option("--metrics", "metrics_path", type=click.Path(path_type=Path), help="Write the step's metrics as JSON here.")
MODEL_OPTION = click.option("--model", "model_path", help="Model directory (overrides the params section's `model`).")


def refuse_same_paths(**paths: Path | None) -> None:
    """One line and no work when two of a command's files are the same file (an output would
    overwrite the input, or two outputs each other)."""
    seen: dict[Path, str] = {}
    for name, path in paths.items():
        if path is None or str(path) == "-":
            continue
        key = Path(path).resolve()
        if key in seen:
            raise KunError(f"{path}: {name.upper()} is the same file as {seen[key].upper()}; write {name.upper()} to another path")
        seen[key] = name


def _finish(outputs: dict, metrics: dict, metrics_path: Path | None) -> None:
    from kun.io import write_table
    from kun.metrics import write_json

    for path, frame in outputs.items():
        if path is not None:
            write_table(frame, path)
    if metrics_path:
        write_json(metrics_path, metrics)
    click.echo(json.dumps({k: v for k, v in metrics.items() if isinstance(v, (int, float, str))}, ensure_ascii=False), err=True)


@main.command("base-model")
@click.argument("output_dir", type=click.Path(path_type=Path), default="models/base")
@click.option("--base", default="embedded:smollm2", show_default=True, help="embedded:smollm2, a local model directory, or a hub id.")
@click.option("--trust-remote-code", is_flag=True, help="Allow the model's own code (only for models you trust).")
def base_model(output_dir, base, trust_remote_code):
    """Save a base model as safetensors + tokenizer in OUTPUT_DIR (default models/base)."""
    from kun.models import materialize

    if Path(base).exists():
        refuse_same_paths(base=Path(base), output_dir=output_dir)
    click.echo(f"saved {base} to {materialize(base, output_dir, trust_remote_code)}", err=True)


@main.command("perplexity")
@click.argument("input_path", metavar="SEGMENTS", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="KEPT", type=click.Path(path_type=Path))
@click.option("--max", "max_perplexity", type=click.FloatRange(min=0), help="Overrides perplexity.max (0: no upper bound).")
@click.option("--min", "min_perplexity", type=click.FloatRange(min=0), help="Overrides perplexity.min (0: no lower bound).")
@click.option("--rejected", "rejected_path", type=click.Path(path_type=Path), help="Write dropped segments with their perplexity and reason here.")
@PARAMS_OPTION
@MODEL_OPTION
@METRICS_OPTION
def perplexity_command(input_path, output_path, max_perplexity, min_perplexity, rejected_path, params_path, model_path, metrics_path):
    """Perplexity gate: score each segment's perplexity under a causal LM and drop outliers.

    Perplexities are cached per segment, so trying other thresholds costs no model call.

    Example: kun perplexity unique.parquet clean.parquet --model models/base --max 2000
    """
    import dataclasses

    from kun.llm import load_llm
    from kun.perplexity import PerplexityParams, perplexity_gate
    from kun.io import read_input
    from kun.pipeline import stage_params

    refuse_same_paths(segments=input_path, kept=output_path, rejected=rejected_path, metrics=metrics_path)
    params, llm_params, _ = stage_params("perplexity", PerplexityParams, params_path)
    overrides = {key: value for key, value in (("max", max_perplexity), ("min", min_perplexity)) if value is not None}
    params = dataclasses.replace(params, **overrides)
    params.validate("perplexity")
    llm = load_llm(llm_params, model_path or params.model, "--model" if model_path else "perplexity.model", chat=False)
    kept, rejected, metrics = perplexity_gate(read_input(input_path), params, llm)
    _finish({output_path: kept, rejected_path: rejected}, metrics, metrics_path)


@main.command("label")
@click.argument("input_path", metavar="SEGMENTS", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="CANDIDATES", type=click.Path(path_type=Path))
@click.option("--seed-pairs", default="data/seed/seed.jsonl", show_default=True, type=click.Path(path_type=Path), help="Seed instruction/output JSONL (few-shot examples).")
@click.option("--rejected", "rejected_path", type=click.Path(path_type=Path), help="Write replies without a usable instruction here.")
@PARAMS_OPTION
@MODEL_OPTION
@METRICS_OPTION
def label_command(input_path, output_path, seed_pairs, rejected_path, params_path, model_path, metrics_path):
    """Back-translation: write the instruction each segment answers.

    SEGMENTS needs the columns id, source and text, as written by `kun ingest`, `kun dedup`
    or `kun perplexity`. Each segment is given whole (the raw-text gate limits its length).
    """
    from kun.label import LabelParams, label
    from kun.llm import load_llm
    from kun.io import read_input
    from kun.pipeline import stage_params
    from kun.seed import read_seed

    refuse_same_paths(segments=input_path, candidates=output_path, rejected=rejected_path, metrics=metrics_path)
    params, llm_params, _ = stage_params("label", LabelParams, params_path)
    candidates, rejected, metrics = label(read_input(input_path), params, load_llm(llm_params, model_path or params.model, "--model" if model_path else "label.model"), read_seed(seed_pairs))
    _finish({output_path: candidates, rejected_path: rejected}, metrics, metrics_path)


@main.command("score")
@click.argument("input_path", metavar="CANDIDATES", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="SCORED", type=click.Path(path_type=Path))
@click.option("--mode", type=click.Choice(["focused", "comprehensive"]), help="Overrides score.mode.")
@PARAMS_OPTION
@MODEL_OPTION
@METRICS_OPTION
def score_command(input_path, output_path, mode, params_path, model_path, metrics_path):
    """Score every candidate: Kun's focused 好/差 verdict on the instruction alone (score.verdict:
    logprob or sampled), or Humpback's 1-5 pair rating."""
    import dataclasses

    from kun.llm import load_llm
    from kun.io import read_input
    from kun.pipeline import stage_params
    from kun.score import ScoreParams, score

    refuse_same_paths(candidates=input_path, scored=output_path, metrics=metrics_path)
    params, llm_params, _ = stage_params("score", ScoreParams, params_path)
    if mode:
        params = dataclasses.replace(params, mode=mode)
    scored, metrics = score(read_input(input_path), params, load_llm(llm_params, model_path or params.model, "--model" if model_path else "score.model"))
    _finish({output_path: scored}, metrics, metrics_path)


@main.command("filter")
@click.argument("input_path", metavar="SCORED", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="KEPT", type=click.Path(path_type=Path))
@click.option("--min-score", type=click.FloatRange(0, 1), help="Overrides filter.min_score.")
@click.option("--rejected", "rejected_path", type=click.Path(path_type=Path), help="Write rejected rows with their reason here.")
@PARAMS_OPTION
@METRICS_OPTION
def filter_command(input_path, output_path, min_score, rejected_path, params_path, metrics_path):
    """Apply the score threshold and the instruction rule filters."""
    import dataclasses

    from kun.curate import FilterParams, curate
    from kun.params import load_params, section
    from kun.io import read_input

    refuse_same_paths(scored=input_path, kept=output_path, rejected=rejected_path, metrics=metrics_path)
    params = section(FilterParams, load_params(params_path), "filter")
    if min_score is not None:
        params = dataclasses.replace(params, min_score=min_score)
    kept, rejected, metrics = curate(read_input(input_path), params)
    _finish({output_path: kept, rejected_path: rejected}, metrics, metrics_path)


@main.command("polish")
@click.argument("input_path", metavar="KEPT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="POLISHED", type=click.Path(path_type=Path))
@PARAMS_OPTION
@MODEL_OPTION
@METRICS_OPTION
def polish_command(input_path, output_path, params_path, model_path, metrics_path):
    """Answer polishment: answer each instruction with its segment as known context
    (`已知：{raw},请回答:{instruction}`, or the guarded template with polish.template)."""
    from kun.llm import load_llm
    from kun.io import read_input
    from kun.pipeline import stage_params
    from kun.polish import PolishParams, polish

    refuse_same_paths(kept=input_path, polished=output_path, metrics=metrics_path)
    params, llm_params, _ = stage_params("polish", PolishParams, params_path)
    polished, metrics = polish(read_input(input_path), params, load_llm(llm_params, model_path or params.model, "--model" if model_path else "polish.model"))
    _finish({output_path: polished}, metrics, metrics_path)


@main.command("assemble")
@click.argument("input_path", metavar="POLISHED", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="DATASET", type=click.Path(path_type=Path))
@click.option("--rejected", "rejected_path", type=click.Path(path_type=Path), help="Write rejected rows with their reason here.")
@PARAMS_OPTION
@METRICS_OPTION
def assemble_command(input_path, output_path, rejected_path, params_path, metrics_path):
    """Output rule filters and exact pair dedup; DATASET is .jsonl (instruction, output, id, source, score) or .parquet (with provenance)."""
    from kun.assemble import AssembleParams, assemble
    from kun.params import load_params, section
    from kun.io import read_input

    refuse_same_paths(polished=input_path, dataset=output_path, rejected=rejected_path, metrics=metrics_path)
    params = section(AssembleParams, load_params(params_path), "assemble")
    final, rejected, drops = assemble(read_input(input_path), params)
    if str(output_path).endswith(".jsonl"):
        final = final.select("instruction", "output", "id", "source", "score")
    _finish({output_path: final, rejected_path: rejected}, {"final": final.height, "dropped": drops}, metrics_path)


@main.command("filter-pairs")
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("output_path", metavar="OUTPUT", type=click.Path(path_type=Path))
@click.option("--rejected", "rejected_path", type=click.Path(path_type=Path), help="Write rejected rows with their `reason` here (.jsonl or .parquet).")
@click.option("--params", "params_path", type=click.Path(path_type=Path), help="Params file whose `filter` and `assemble` sections set the gates (default: kun's defaults, the authors' rules).")
@click.option("--skip-bad-lines", is_flag=True, help="Skip malformed lines and records without string instruction/output (counted) instead of failing.")
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
    from kun.assemble import AssembleParams
    from kun.curate import FilterParams
    from kun.io import format_of, write_table
    from kun.metrics import write_json
    from kun.pairs import filter_pairs, read_pairs
    from kun.params import load_params, section

    refuse_same_paths(input=input_path, output=output_path, rejected=rejected_path, metrics=metrics_path, params=params_path)
    raw = load_params(params_path) if params_path is not None else {}
    filter_params, assemble_params = section(FilterParams, raw, "filter"), section(AssembleParams, raw, "assemble")
    for path in (output_path, rejected_path):
        if path is not None and format_of(path) not in ("jsonl", "parquet"):
            raise KunError(f"{path}: can only write .jsonl or .parquet")
    frame, report = read_pairs(input_path, skip_bad_lines)
    kept, rejected, counts = filter_pairs(frame, filter_params, assemble_params)
    write_table(kept, output_path)
    if rejected_path is not None:
        write_table(rejected, rejected_path)
    metrics = {"pairs_in": frame.height, "kept": kept.height, "dropped": counts, "bad_lines_skipped": report.skipped}
    if metrics_path:
        write_json(metrics_path, metrics)
    dropped = ", ".join(f"{reason} {count}" for reason, count in counts.items() if count) or "none"
    click.echo(f"{frame.height} pairs in, {kept.height} kept; dropped: {dropped}" + (f"; skipped {report.total} bad lines" if report.total else ""), err=True)


@main.command("export")
@click.argument("dataset", type=click.Path(path_type=Path), default="data/processed/kun.parquet")
@click.argument("output_dir", type=click.Path(path_type=Path), default="data/export")
@click.option("--format", "formats", multiple=True, type=click.Choice(["alpaca", "sharegpt", "parquet"]), default=("alpaca", "sharegpt", "parquet"), show_default=True, help="Layouts to write (repeat the option).")
@click.option("--max-shard-rows", default=100_000, show_default=True, type=click.IntRange(min=1), help="Rows per Parquet shard.")
@click.option("--card", "card_path", type=click.Path(path_type=Path), help="Dataset card to include (default: README.md beside DATASET).")
@click.option("--name", default="kun", show_default=True, help="Base name of the JSONL files.")
def export_command(dataset, output_dir, formats, max_shard_rows, card_path, name):
    """Export the final dataset as alpaca JSONL, ShareGPT JSONL and Parquet shards, with a hub-ready card.

    \b
    Example:
      kun export data/processed/kun.parquet data/export --format sharegpt --format parquet
      huggingface-cli upload ORG/kun-zh data/export --repo-type dataset
    """
    from kun.export import export

    if Path(dataset).resolve().parent == Path(output_dir).resolve():
        raise KunError(f"{dataset}: DATASET lies in OUTPUT_DIR, whose files the export rewrites; export to another folder")

    written = export(dataset, output_dir, list(formats), max_shard_rows, card_path, name)
    click.echo(f"wrote {len(written)} files to {output_dir}: {', '.join(written)}", err=True)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
