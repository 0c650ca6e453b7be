"""Reading and writing record tables: JSONL, JSON, Parquet and plain text.

Readers turn user files into polars frames and fail with one line naming the file, the line
and the fix. With `skip_bad_lines`, malformed or undecodable JSONL lines are skipped and
counted in `ReadReport` so the caller can put them in its metrics: nothing is dropped silently.
Writers pick the format from the extension and write atomically. The path `-` is standard
input (for readers) or standard output (for writers), as JSONL, so commands chain in a shell.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import polars as pl

from kun.core.errors import KunError
from kun.core.metrics import write_all as atomic_write_all

TABLE_FORMATS = ("jsonl", "json", "parquet", "txt")
STDIO = "-"  # standard input or output, as JSONL


SKIP_HINT = (
    "pass --skip-bad-lines"  # how a command skips bad lines (kun ingest: the params key; None: it cannot)
)


def _fix(what: str, skip_hint: str | None) -> str:
    return f"fix {what} or {skip_hint}" if skip_hint else f"fix {what}"


def is_stdio(path: str | Path | None) -> bool:
    return path is not None and str(path) == STDIO


@dataclass
class ReadReport:
    """What a reader skipped, by reason, with the first few locations for the log."""

    skipped: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def skip(self, reason: str, where: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1
        if len(self.examples) < 5:
            self.examples.append(f"{where}: {reason}")

    @property
    def total(self) -> int:
        return sum(self.skipped.values())


def format_of(path: str | Path) -> str:
    if is_stdio(path):
        return "jsonl"
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in ("json", "parquet", "txt"):
        return suffix
    raise KunError(f"{path}: cannot tell the format from the extension; use .jsonl, .json, .parquet or .txt")


def _check_readable(path: Path) -> None:
    if is_stdio(path):
        return
    if not path.exists():
        raise KunError(f"{path}: no such file; check the path (or run the stage that produces it)")
    if path.is_dir():
        raise KunError(f"{path}: is a directory; give a file or a glob such as {path}/*.jsonl")


def _json_problem(error: json.JSONDecodeError) -> str:
    """`Expecting value at column 5` (json's own message may already end in "at")."""
    return f"{error.msg}{'' if error.msg.endswith(' at') else ' at'} column {error.colno}"


def iter_jsonl(
    path: Path, report: ReadReport | None, skip_hint: str | None = SKIP_HINT
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, object) for each non-blank line; bad lines raise (the message ends with
    `skip_hint`, how this command skips them) or are counted."""
    stdin = is_stdio(path)
    with contextlib.nullcontext(sys.stdin.buffer) if stdin else open(path, "rb") as handle:
        if stdin:
            path = Path("<stdin>")
        for line_number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                line = raw.decode("utf-8-sig" if line_number == 1 else "utf-8")  # tolerate a BOM
            except UnicodeDecodeError as error:
                where = f"{path}:{line_number}"
                if report is None:
                    raise KunError(
                        f"{where}: not valid UTF-8 (byte {error.start} of the line); re-encode the file as UTF-8 "
                        f"(e.g. iconv -f GB18030 -t UTF-8)" + (f" or {skip_hint}" if skip_hint else "")
                    ) from None
                report.skip("not_utf8", where)
                continue
            try:
                record = json.loads(line.strip())
            except json.JSONDecodeError as error:
                where = f"{path}:{line_number}"
                if report is None:
                    raise KunError(
                        f"{where}: malformed JSON ({_json_problem(error)}); {_fix('the line', skip_hint)}"
                    ) from None
                report.skip("malformed_json", where)
                continue
            if not isinstance(record, dict):
                where = f"{path}:{line_number}"
                if report is None:
                    raise KunError(
                        f"{where}: expected a JSON object per line, got {type(record).__name__}; {_fix('the line', skip_hint)}"
                    )
                report.skip("not_an_object", where)
                continue
            yield line_number, record


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise KunError(
            f"{path}:{line}: not valid UTF-8 (byte offset {error.start}); re-encode the file as UTF-8, "
            "e.g. iconv -f GB18030 -t UTF-8"
        ) from None


def iter_records(
    path: str | Path,
    fmt: str | None = None,
    report: ReadReport | None = None,
    skip_hint: str | None = SKIP_HINT,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (location, record) from one file of any supported format.

    The location (`file:line` or `file#row`) is used in error messages and as a fallback doc id.
    """
    path = Path(path)
    _check_readable(path)
    fmt = fmt or format_of(path)
    if fmt == "jsonl":
        for line_number, record in iter_jsonl(path, report, skip_hint):
            yield f"{path}:{line_number}", record
    elif fmt == "json":
        text = _read_text(path)
        if not text.strip():
            return
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise KunError(
                f"{path}:{error.lineno}: malformed JSON ({_json_problem(error)}); fix the file"
            ) from None
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list):
            raise KunError(
                f"{path}: expected a JSON array of objects or one object, got {type(data).__name__}"
            )
        for index, record in enumerate(data):
            if not isinstance(record, dict):
                raise KunError(
                    f"{path}#{index}: expected an object, got {type(record).__name__}; fix the file"
                )
            yield f"{path}#{index}", record
    elif fmt == "parquet":
        try:
            frame = pl.read_parquet(path)
        except Exception as error:  # polars raises several types for corrupt files
            raise KunError(
                f"{path}: cannot read as Parquet ({str(error).splitlines()[0]}); check the file"
            ) from None
        for index, record in enumerate(frame.iter_rows(named=True)):
            yield f"{path}#{index}", record
    elif fmt == "txt":
        text = _read_text(path)
        if text.strip():
            yield str(path), {"text": text}
    else:
        raise KunError(f"{path}: unknown format {fmt!r}; use one of {', '.join(TABLE_FORMATS)}")


def value_kind(value: Any) -> str:
    """What a JSON value is, in words for an error message ("a number", "an object"...)."""
    names = {
        type(None): "null",
        bool: "true/false",
        int: "a number",
        float: "a number",
        dict: "an object",
        list: "a list",
    }
    return names.get(type(value), type(value).__name__)


_JSON_KIND = {
    bool: "true/false",
    int: "an integer",
    float: "a fraction",
    str: "a string",
    list: "a list",
    dict: "an object",
}


def check_one_kind_per_field(located: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Every field holds one kind of JSON value (nulls aside) and every number is finite: polars
    would turn a field of integers and fractions into fractions (9007199254740993 becomes
    9007199254740992.0), a field of numbers and strings into strings, and write an infinity as
    `Infinity`, which is not JSON. One error naming the field, the line and the fix instead."""
    first: dict[str, tuple[str, str]] = {}
    for where, record in located:
        for name, value in record.items():
            if value is None:
                continue
            if isinstance(value, float) and not math.isfinite(value):
                raise KunError(
                    f"{where}: field {name!r} is {value!r}, which JSON cannot hold; write a finite number or null"
                )
            kind = _JSON_KIND.get(type(value), type(value).__name__)
            seen = first.setdefault(name, (kind, where))
            if seen[0] != kind:
                raise KunError(
                    f"{where}: field {name!r} is {kind} here but {seen[0]} at {seen[1]}; kun keeps extra fields exactly, "
                    "so make the field one kind (e.g. all strings)"
                )


def _parquet(path: Path, text_fields: tuple[str, ...]) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as error:
        raise KunError(
            f"{path}: cannot read as Parquet ({str(error).splitlines()[0]}); check the file"
        ) from None
    for name in text_fields:
        if name in frame.columns and frame.schema[name] != pl.String:
            raise KunError(f"{path}: column {name!r} is {frame.schema[name]}, not text; write it as strings")
        if name in frame.columns and frame.get_column(name).null_count():
            raise KunError(
                f"{path}#{int(frame.get_column(name).is_null().arg_true()[0])}: {name!r} is null; fill it or drop the row"
            )
    return frame


def read_table(
    path: str | Path,
    skip_bad_lines: bool = False,
    report: ReadReport | None = None,
    text_fields: tuple[str, ...] = (),
    skip_hint: str | None = SKIP_HINT,
) -> pl.DataFrame:
    """Read a .jsonl or .parquet table into a frame (used by CLI commands on plain files).

    Each of `text_fields` must hold a string in every record: a number, object, list or null is
    an error naming the file:line (polars would silently turn it into text), or, with
    `skip_bad_lines`, the record is skipped and counted as `text_not_a_string`."""
    path = Path(path)
    _check_readable(path)
    fmt = format_of(path)
    if fmt == "parquet":
        return _parquet(path, text_fields)
    if skip_bad_lines and report is None:
        report = ReadReport()
    located = list(iter_records(path, fmt, report if skip_bad_lines else None, skip_hint))
    # A field no record has is the caller's error to name (with the fields found); otherwise
    # every record must hold a string there.
    fields = [name for name in text_fields if any(name in record for _, record in located)]
    rows = []
    for where, record in located:
        bad = next((name for name in fields if not isinstance(record.get(name), str)), None)
        if bad is not None:
            if not skip_bad_lines:
                found = "missing" if bad not in record else value_kind(record[bad])
                raise KunError(f"{where}: {bad!r} is {found}, not a string; {_fix('the record', skip_hint)}")
            report.skip("text_not_a_string", where)
            continue
        rows.append((where, record))
    check_one_kind_per_field(rows)
    rows = [record for _, record in rows]
    if not rows:
        return pl.DataFrame()
    try:
        return pl.from_dicts(rows, infer_schema_length=None)
    except Exception as error:
        raise KunError(
            f"{path}: records have incompatible field types ({str(error).splitlines()[0]}); make each field one type"
        ) from None


def table_format(path: str | Path) -> str:
    """`jsonl` or `parquet`: the format a table written to `path` gets (by extension)."""
    fmt = format_of(path)
    if fmt not in ("jsonl", "parquet"):
        raise KunError(f"{path}: can only write .jsonl or .parquet; change the extension")
    return fmt


def table_bytes(frame: pl.DataFrame, path: str | Path) -> bytes:
    """A frame encoded as .jsonl or .parquet (by the extension of `path`)."""
    fmt = table_format(Path(path))
    buffer = io.BytesIO()
    if fmt == "parquet":
        frame.write_parquet(
            buffer, compression="zstd", compression_level=1, statistics=False
        )  # level 1: half the time of the default, ~15% larger
    else:
        for record in frame.iter_rows(named=True):
            buffer.write(json.dumps(record, ensure_ascii=False, default=str).encode("utf-8"))
            buffer.write(b"\n")
    return buffer.getvalue()


def write_table(frame: pl.DataFrame, path: str | Path) -> None:
    """Write a frame as .jsonl or .parquet (by extension), atomically."""
    write_all({path: table_bytes(frame, path)})


def write_all(files: dict[str | Path, bytes]) -> None:
    """Write every file or none (`-` is standard output, written last)."""
    stdout = [data for path, data in files.items() if is_stdio(Path(path))]
    atomic_write_all({path: data for path, data in files.items() if not is_stdio(Path(path))})
    for data in stdout:
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except OSError as error:
            raise KunError(
                f"standard output: cannot write ({error.strerror or error}); write to a file instead"
            ) from None


def check_writable(path: str | Path, directory: bool = False) -> None:
    """Before any work: one error when `path` cannot be written as an output (an existing
    directory where a file is meant or a file where a folder is meant, something that is not a
    regular file, a parent that is a file, a folder without write permission)."""
    path = Path(path)
    if is_stdio(path):
        return
    if path.exists() and not directory and not path.is_file():
        raise KunError(
            f"{path}: is {'a directory' if path.is_dir() else 'not a regular file'}; name a file to write"
        )
    if path.exists() and directory and not path.is_dir():
        raise KunError(f"{path}: is a file; name a folder to write into")
    parent = path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise KunError(f"{path}: {parent} is a file, not a folder; choose another path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise KunError(f"{path}: the folder {parent} is not writable; choose another path")
    try:  # permissions say yes to root; a read-only mount or /proc says no only when tried
        with tempfile.NamedTemporaryFile(dir=parent, prefix=".kun-write-check-"):
            pass
    except OSError as error:
        raise KunError(
            f"{path}: the folder {parent} is not writable ({error.strerror}); choose another path"
        ) from None


def read_input(
    path: str | Path, columns: Iterable[str] = (), text_fields: tuple[str, ...] = ()
) -> pl.DataFrame:
    """A stage's or command's input table; a missing file says which stage writes it, a table
    without one of `columns` is refused naming the file (before any model loads), and so is a
    record whose `text_fields` are not strings (naming its line)."""
    path = Path(path)
    if not is_stdio(path) and not path.exists():
        raise KunError(f"{path}: not found; run the stage that writes it (dvc repro) or check the path")
    frame = read_table(
        path, text_fields=text_fields, skip_hint=None
    )  # commands reading a stage's table skip nothing
    missing = [name for name in columns if name not in frame.columns]
    if missing:
        raise KunError(
            f"{path}: missing columns {', '.join(missing)}; was it written by the previous stage of this version?"
        )
    return frame
