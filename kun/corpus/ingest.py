"""Ingest: raw sources -> normalised, segmented, quality-filtered segments.

Reads every source listed in `params.yaml` (`ingest.sources`), normalises each document
(kun.corpus.text), cuts it into self-contained segments of at most `max_chars` characters (or,
with `segment: false` as the paper's authors did, keeps each whole text as one segment) and drops
segments that fail the raw-text gate: the paper's length rule first (a segment of more than
`max_tokens` tokens of the label model's tokenizer is dropped with reason `too_long`, never
cut), then the heuristic quality filters. Output schema (`SEGMENT_SCHEMA`): one row per segment
with a stable content-hash `id` and its token count. Counts in, out and dropped per reason are
returned for `metrics/ingest.json`. First step of the paper's pipeline (raw text cleaning; the
perplexity half of it is kun.corpus.perplexity, after dedup).
"""

from __future__ import annotations

import fnmatch
import glob
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

import polars as pl

from kun.core.errors import KunError, ParamsError
from kun.core.hashing import content_id
from kun.core.io import ReadReport, iter_records, value_kind
from kun.core.metrics import key_figures
from kun.core.params import NonNegativeInt, Share, require
from kun.core.records import SEGMENT_SCHEMA
from kun.corpus import filters
from kun.corpus.pii import KINDS, PiiMode, count_kinds, find_pii, redact
from kun.corpus.text import normalize_text, segment_text
from kun.rules import Rule, apply_rules


@dataclass
class SourceParams:
    name: str
    path: str
    format: Literal["jsonl", "json", "parquet", "txt"] = "jsonl"
    text_field: str = "text"
    title_field: str | None = None  # prepended as the first line when set (e.g. a poem's title)
    id_field: str | None = None  # document id field; default: file and line/row
    limit: NonNegativeInt = 0  # keep only the first N documents of this source (0 = all)


@dataclass
class IngestParams:
    sources: list[SourceParams] = field(default_factory=list)
    max_tokens: NonNegativeInt = (
        512  # paper: texts over 512 tokens (label model's tokenizer) are dropped, not cut; 0 = no limit
    )
    segment: bool = True  # cut documents into segments of at most max_chars (false: the paper, each whole text one segment, dropped as too_long over max_tokens)
    max_chars: int = 1024  # segment: segments pack whole paragraphs up to this many characters
    min_chars: NonNegativeInt = 32
    min_cjk_ratio: Share = 0.5
    max_repeated_line_ratio: Share = 0.3
    max_top_char_ratio: Share = 0.2
    max_repeated_ngram_ratio: Share = 0.2
    keep_cjk_punctuation: bool = True
    paragraph_per_line: bool = True
    skip_bad_lines: bool = False
    # Source paths must stay inside the repository (base_dir), where DVC tracks them: a file
    # outside changes without `dvc repro` noticing. true allows absolute and ../ paths anyway.
    allow_outside_repo: bool = False
    # Personal data (e-mail, phone, resident ID, bank card, IP; kun.corpus.pii): redact replaces each
    # with <EMAIL>, <PHONE>, <ID>, <CARD>, <IP>; drop leaves out every document holding any; off keeps it.
    pii: PiiMode = "redact"

    def validate(self, section: str) -> None:
        require(
            bool(self.sources),
            f"{section}.sources",
            "list at least one source (name, path, format, text_field)",
        )
        require(self.max_chars > 0, f"{section}.max_chars", "must be > 0")
        require(
            self.segment or self.max_tokens > 0,
            f"{section}.max_tokens",
            "must be > 0 when segment is false (whole texts need a length limit; the paper: 512)",
        )
        require(self.min_chars <= self.max_chars, f"{section}.min_chars", "must be at most max_chars")
        names = [source.name for source in self.sources]
        require(len(names) == len(set(names)), f"{section}.sources", "source names must be unique")


def resolve_paths(pattern: str, base_dir: Path, allow_outside: bool = False) -> list[Path]:
    """Expand a file path or glob (relative to `base_dir`) to a sorted list of files; a path that
    leaves `base_dir` (absolute, or through ..) is refused unless `allow_outside`."""
    full = pattern if Path(pattern).is_absolute() else str(base_dir / pattern)
    if not allow_outside and not Path(os.path.normpath(full)).is_relative_to(base_dir):
        raise ParamsError(
            "ingest.sources[].path",
            f"{pattern!r} is outside the repository ({base_dir}); DVC does not track files there, "
            "so a change would not rerun ingest: copy or `dvc import` them under data/raw/, or set ingest.allow_outside_repo: true",
        )
    if glob.has_magic(full):
        # Each file once, by its real path: a symlinked folder that loops back (or two links to one
        # file) would otherwise be read again and again.
        unique: dict[Path, Path] = {}
        for found in sorted(Path(p) for p in glob.glob(full, recursive=True) if Path(p).is_file()):
            unique.setdefault(found.resolve(), found)
        paths = list(unique.values())
        if not paths:
            raise KunError(
                f"{pattern}: the glob matches no file (looked under {base_dir}); check ingest.sources[].path"
            )
    else:
        paths = [Path(full)]
        if not paths[0].exists():
            raise ParamsError("ingest.sources[].path", f"{pattern}: no such file")
    if not allow_outside:
        outside = next(
            (path for path in paths if not path.resolve().is_relative_to(Path(base_dir).resolve())), None
        )
        if outside is not None:
            raise ParamsError(
                "ingest.sources[].path",
                f"{pattern!r}: {outside} is a link to {outside.resolve()}, outside the repository ({base_dir}); "
                "DVC does not track it: copy the file under data/raw/, or set ingest.allow_outside_repo: true",
            )
    return paths


def refuse_source_outputs(params: "IngestParams", base_dir: Path, **outputs: Path | None) -> None:
    """One error line, before any work, when an output is one of the sources (symlinks resolved)
    or a path a source glob would match on a later run (ingest would read its own output back)."""
    base_dir = Path(base_dir).resolve()
    for source in params.sources:
        full = source.path if Path(source.path).is_absolute() else str(base_dir / source.path)
        existing = (
            {path.resolve() for path in map(Path, glob.glob(full, recursive=True))}
            if glob.has_magic(full)
            else {Path(full).resolve()}
        )
        for name, path in outputs.items():
            if path is None or str(path) == "-":
                continue
            target = Path(path).resolve()
            if target in existing or glob_matches(full, target):
                raise KunError(
                    f"{path}: {name.upper()} is read by ingest.sources {source.name!r} ({source.path}); write it outside "
                    "the sources, or it would be overwritten or read back on the next run"
                )


def glob_matches(pattern: str, path: Path) -> bool:
    """Whether `path` would be matched by the glob `pattern` (`**` spans folders), file or not."""
    if not glob.has_magic(pattern):
        return False
    pattern = os.path.normpath(pattern)
    # fnmatch's * also crosses folders (a superset of glob's, which is the safe side for a refusal);
    # `**/` may also match no folder at all.
    return any(
        fnmatch.fnmatchcase(str(path), variant)
        for variant in {pattern, pattern.replace("**/", "").replace("**" + os.sep, "")}
    )


class NotText(ValueError):
    """A text or title field holding a number, object, or list of non-strings."""


def _field_text(record: dict[str, Any], name: str) -> str | None:
    """The field as text: a string, or a list of strings joined by newlines; None when absent."""
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, list) and all(item is None or isinstance(item, str) for item in value):
        return "\n".join(item for item in value if item is not None)
    kind = "a list with non-strings" if isinstance(value, list) else value_kind(value)
    raise NotText(f"{name!r} is {kind}, not text (a string or a list of strings)")


SKIP_HINT = "set ingest.skip_bad_lines: true"


def read_documents(
    source: SourceParams,
    base_dir: Path,
    report: ReadReport,
    skip_bad_lines: bool,
    allow_outside: bool = False,
) -> list[dict[str, str]]:
    """All documents of one source as {doc_id, text}, in sorted file order."""
    documents = []
    for path in resolve_paths(source.path, base_dir, allow_outside):
        if path.stat().st_size == 0:
            raise KunError(f"{path}: empty file; remove it from ingest.sources or fill it")
        shown = path.relative_to(base_dir) if path.is_relative_to(base_dir) else path
        for location, record in iter_records(
            path, source.format, report if skip_bad_lines else None, SKIP_HINT
        ):
            where = location.replace(str(path), str(shown), 1)
            try:
                text = _field_text(record, "text" if source.format == "txt" else source.text_field)
                title = _field_text(record, source.title_field) if source.title_field else None
            except NotText as problem:
                if not skip_bad_lines:
                    raise KunError(f"{where}: {problem}; fix the record or {SKIP_HINT}") from None
                report.skip("text_not_a_string", where)
                continue
            if text is None:
                if not skip_bad_lines:
                    raise KunError(
                        f"{where}: no field {source.text_field!r} (fields: {', '.join(sorted(record)) or 'none'}); "
                        f"set text_field for this source or {SKIP_HINT}"
                    )
                report.skip("missing_text_field", where)
                continue
            if title:
                text = f"{title}\n{text}"
            doc_id = str(record[source.id_field]) if source.id_field and source.id_field in record else where
            documents.append({"doc_id": f"{source.name}:{doc_id}", "text": text})
            if source.limit and len(documents) >= source.limit:
                return documents
    return documents


def segment_rules(params: IngestParams, count_tokens: bool) -> list[Rule | None]:
    return [
        filters.too_long_tokens(params.max_tokens) if count_tokens else None,
        filters.min_chars(params.min_chars),
        filters.min_cjk_ratio(params.min_cjk_ratio),
        filters.max_repeated_line_ratio(params.max_repeated_line_ratio),
        filters.max_top_char_ratio(params.max_top_char_ratio),
        filters.max_repeated_ngram_ratio(params.max_repeated_ngram_ratio),
    ]


def token_counter(
    tokenizer_dir: str | Path, key: str = "model.label_base"
) -> Callable[[list[str]], list[int]]:
    """Counts tokens of texts with the tokenizer saved in `tokenizer_dir` (no special tokens)."""
    from transformers import AutoTokenizer

    path = Path(tokenizer_dir)
    if not path.is_dir():
        raise ParamsError(
            key,
            f"{tokenizer_dir}: no such model directory; build it first (the base_model step) or point {key} at a model directory",
        )
    try:
        tokenizer = AutoTokenizer.from_pretrained(path)
    except (OSError, ValueError) as error:
        raise ParamsError(
            key,
            f"{tokenizer_dir}: no tokenizer could be loaded ({str(error).splitlines()[0]}); save one there with save_pretrained",
        ) from None
    return lambda texts: (
        [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]] if texts else []
    )


def ingest(
    params: IngestParams,
    base_dir: str | Path = ".",
    count_tokens: Callable[[list[str]], list[int]] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """Run ingest; return (segments, rejected segments, metrics).

    `count_tokens` (texts -> token counts, the label model's tokenizer: see `token_counter`)
    enables the `max_tokens` rule; without it `n_tokens` stays null and only characters count.
    """
    base_dir = Path(base_dir).resolve()
    report = ReadReport()
    rows: list[dict[str, Any]] = []
    docs_in = docs_empty = long_sentences = 0
    per_source: dict[str, int] = {}
    pii = {"mode": params.pii, "found": dict.fromkeys(KINDS, 0), "docs_with_pii": 0, "docs_dropped": 0}
    for source in params.sources:
        documents = read_documents(source, base_dir, report, params.skip_bad_lines, params.allow_outside_repo)
        docs_in += len(documents)
        per_source[source.name] = len(documents)
        for document in documents:
            text = normalize_text(document["text"], params.keep_cjk_punctuation)
            if not text:
                docs_empty += 1
                continue
            if params.pii != "off":
                found = find_pii(text)
                if found:
                    pii["docs_with_pii"] += 1
                    for kind, count in count_kinds(found).items():
                        pii["found"][kind] += count
                    if params.pii == "drop":
                        pii["docs_dropped"] += 1
                        continue
                    text = redact(text, found)
            if params.segment:
                pieces, dropped = segment_text(text, params.max_chars, params.paragraph_per_line)
                long_sentences += dropped
            else:
                pieces = [text]  # the whole text: the token rule drops it whole when it is too long
            for index, segment in enumerate(pieces):
                rows.append(
                    {
                        "id": content_id(segment),
                        "source": source.name,
                        "doc_id": document["doc_id"],
                        "segment_index": index,
                        "text": segment,
                        "n_chars": len(segment),
                    }
                )
    segments = pl.DataFrame(
        rows, schema={name: dtype for name, dtype in SEGMENT_SCHEMA.items() if name != "n_tokens"}
    )
    tokens = (
        count_tokens(segments.get_column("text").to_list())
        if count_tokens is not None
        else [None] * segments.height
    )
    segments = segments.with_columns(pl.Series("n_tokens", tokens, dtype=pl.Int32)).select(
        list(SEGMENT_SCHEMA)
    )
    result = apply_rules(segments, segment_rules(params, count_tokens is not None))
    metrics = {
        "docs_in": docs_in,
        "docs_per_source": per_source,
        "docs_empty_after_normalisation": docs_empty,
        "pii": pii,
        "segmented": params.segment,
        "sentences_over_max_chars_dropped": long_sentences,
        "bad_lines_skipped": report.skipped,
        "segments_before_filters": segments.height,
        "segments_out": result.kept.height,
        "segments_dropped": result.counts,
        "segments_dropped_total": result.rejected.height,
        "max_tokens": params.max_tokens if count_tokens is not None else None,
    }
    if report.examples:
        metrics["bad_line_examples"] = report.examples
    metrics["key_figures"] = key_figures(
        metrics,
        {
            "docs": "docs_in",
            "segments": "segments_out",
            "pii.documents": "pii.docs_with_pii",
            "pii.dropped": "pii.docs_dropped",
            "pii": "pii.found",
        },
    )
    return result.kept, result.rejected, metrics
