"""The dataset's funnel (rows after each step, drops per reason) and its Markdown card.

The funnel reads each step's metrics as the steps wrote them (ingest, dedup, perplexity, label,
filter, polish), so every row that entered the pipeline is accounted for: it is in the dataset
or in a drop count with its reason.
"""

from __future__ import annotations

import statistics
from typing import Any, Mapping

import polars as pl

STEPS = ("ingest", "dedup", "perplexity", "label", "filter", "polish")  # whose metrics the funnel reads
CARD_PARAMS = (
    "ingest",
    "dedup",
    "perplexity",
    "label",
    "score",
    "filter",
    "polish",
    "assemble",
)  # params sections the card shows


def funnel(
    step_metrics: Mapping[str, Mapping[str, Any]], final_rows: int, assemble_drops: Mapping[str, int]
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """(rows after each step, drops per step and reason) from the steps' metrics."""
    ingest, dedup, perplexity, label, filtered, polished = (step_metrics[name] for name in STEPS)
    pii = pii_summary(ingest)
    rows = {
        "documents": ingest["docs_in"],
        "documents_after_pii": ingest["docs_in"] - pii["docs_dropped"],
        "segments": ingest["segments_out"],
        "unique_segments": dedup["docs_out"],
        "after_perplexity": perplexity["kept"],
        "labelled_segments": label["segments"],
        "candidates": label["candidates"],
        "kept_after_score": filtered["kept"],
        "polished": polished["polished"],
        "final": final_rows,
    }
    drops = {
        "ingest": dict(ingest["segments_dropped"]),
        "dedup": {"exact_duplicate": dedup["exact_duplicates"], "near_duplicate": dedup["near_duplicates"]},
        "perplexity": dict(perplexity["rejected"]),
        "label": dict(label["rejected"]),
        "filter": dict(filtered["rejected"]),
        "assemble": dict(assemble_drops),
    }
    return rows, drops


def pii_summary(ingest: Mapping[str, Any]) -> dict[str, Any]:
    """Ingest's personal-data counts (kun.corpus.pii): mode, finds per kind, documents touched."""
    pii = ingest.get("pii") or {}
    return {
        "mode": pii.get("mode", "off"),
        "found": dict(pii.get("found", {})),
        "docs_with_pii": pii.get("docs_with_pii", 0),
        "docs_dropped": pii.get("docs_dropped", 0),
    }


def pii_lines(pii: Mapping[str, Any]) -> list[str]:
    """The card's personal-data section: what was found and done, or that nothing was found."""
    found = sum(pii["found"].values())
    if pii["mode"] == "off":
        return ["Not checked (`ingest.pii: off`): the texts may hold personal data as the sources did."]
    done = "replaced by typed placeholders" if pii["mode"] == "redact" else "their documents dropped"
    if not found:
        return [
            f"Checked (`ingest.pii: {pii['mode']}`): no e-mail address, phone number, resident ID, bank card",
            "or IP address was found in the sources. `benchmarks/bench_pii.py` shows the finder at work.",
        ]
    return [
        f"Checked (`ingest.pii: {pii['mode']}`): {found} finds in {pii['docs_with_pii']} documents, {done}"
        f" ({pii['docs_dropped']} documents dropped).",
        "",
        "| kind | found |",
        "|---|---|",
        *[f"| {kind} | {count} |" for kind, count in pii["found"].items()],
    ]


def card_params(raw: Mapping[str, Any]) -> dict[str, Any]:
    """The params sections a card shows (the assemble stage lists each in dvc.yaml)."""
    return {name: _plain(raw.get(name)) for name in CARD_PARAMS}


def _plain(value: Any) -> Any:
    """A plain copy of a params value, read key by key (so a traced read sees every key shown)."""
    return {key: _plain(item) for key, item in value.items()} if isinstance(value, Mapping) else value


def length_stats(values: list[int]) -> dict[str, float]:
    if not values:
        return {"min": 0, "median": 0, "mean": 0, "max": 0}
    return {
        "min": min(values),
        "median": statistics.median(values),
        "mean": round(statistics.fmean(values), 1),
        "max": max(values),
    }


def dataset_card(
    final: pl.DataFrame,
    funnel: dict[str, int],
    drops: dict[str, dict[str, int]],
    params_used: dict[str, Any],
    name: str,
    pii: Mapping[str, Any] | None = None,
) -> str:
    """A Markdown dataset card: sizes, sources, params, length statistics."""
    sources = dict(sorted(final.get_column("source").value_counts().rows())) if final.height else {}
    instruction_lengths = length_stats(final.get_column("instruction").str.len_chars().to_list())
    output_lengths = length_stats(final.get_column("output").str.len_chars().to_list())
    lines = [
        f"# {name}",
        "",
        "Chinese instruction-tuning data made by kun: instruction back-translation of raw text, focused",
        "scoring of the instructions, and answer polishment (arXiv 2401.06477).",
        "",
        f"- rows: {final.height}",
        "- files: `kun.jsonl` (instruction, output, id, source, score), `kun.parquet` (plus provenance)",
        "",
        "## Sources",
        "",
        "| source | rows |",
        "|---|---|",
        *[f"| {source} | {count} |" for source, count in sources.items()],
        "",
        "## Funnel",
        "",
        "| step | rows |",
        "|---|---|",
        *[f"| {step} | {count} |" for step, count in funnel.items()],
        "",
        "## Drops by reason",
        "",
        "| stage | reason | rows |",
        "|---|---|---|",
        *[
            f"| {stage} | {reason} | {count} |"
            for stage, reasons in drops.items()
            for reason, count in reasons.items()
        ],
        "",
        *(["## Personal data", "", *pii_lines(pii), ""] if pii is not None else []),
        "## Length (characters)",
        "",
        "| field | min | median | mean | max |",
        "|---|---|---|---|---|",
        f"| instruction | {instruction_lengths['min']} | {instruction_lengths['median']} | {instruction_lengths['mean']} "
        f"| {instruction_lengths['max']} |",
        f"| output | {output_lengths['min']} | {output_lengths['median']} | {output_lengths['mean']} | {output_lengths['max']} |",
        "",
        "## Params",
        "",
        "```yaml",
        *[f"{key}: {value}" for key, value in params_used.items()],
        "```",
        "",
    ]
    return "\n".join(lines)
