"""The fixed schemas of the tables that flow between stages, in one place.

segments  (ingest, dedup)  id, source, doc_id, segment_index, text, n_chars, n_tokens (label tokenizer)
perplexity (perplexity)    + perplexity (under perplexity.model); dropped rows go to perplexity_rejected
candidates (label)         + candidate_id, candidate_index, instruction, label_model, label_prompt_version
scored    (score)          + score [0,1], rating (comprehensive 1-5), score_mode, score_raw, score_error
kept      (filter)         the scored rows that pass, same schema
polished  (polish)         + output (the polished answer), output_finish_reason, output_tokens, polish_model, polish_prompt_version
dataset   (assemble)       instruction, output, id, source, score (+ segment_id, raw_segment in parquet)
Rejected rows of each filtering stage keep their schema plus a `reason` column.
"""

from __future__ import annotations

import polars as pl

SEGMENT_SCHEMA = {
    "id": pl.String,
    "source": pl.String,
    "doc_id": pl.String,
    "segment_index": pl.Int32,
    "text": pl.String,
    "n_chars": pl.Int32,
    "n_tokens": pl.Int32,
}

CANDIDATE_SCHEMA = {
    "candidate_id": pl.String,
    "segment_id": pl.String,
    "source": pl.String,
    "candidate_index": pl.Int32,
    "segment": pl.String,
    "instruction": pl.String,
    "label_model": pl.String,
    "label_prompt_version": pl.String,
}

SCORE_COLUMNS = {
    "score": pl.Float64,
    "rating": pl.Int8,
    "score_mode": pl.String,
    "score_raw": pl.String,
    "score_error": pl.String,
    "score_model": pl.String,
    "score_prompt_version": pl.String,
}

DATASET_COLUMNS = ["instruction", "output", "id", "source", "score"]


def require_columns(frame: pl.DataFrame, schema: dict, where: str) -> None:
    """Fail with the missing columns named (a stage fed the wrong table)."""
    from kun.core.errors import KunError

    missing = [name for name in schema if name not in frame.columns]
    if missing:
        raise KunError(
            f"{where}: missing columns {', '.join(missing)}; was it written by the previous stage of this version?"
        )
