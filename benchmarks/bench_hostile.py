"""Every `kun` command against every class of bad input: the exit code and the first line it prints.

Each cell runs the command in a fresh process on a fresh copy of the input, as a user would. A cell
fails when the command prints a traceback, or exits 0 while its input changed. Missing models are
given on purpose: the input must be judged before any model loads.

    .venv/bin/python benchmarks/bench_hostile.py              # the table (about 3 minutes on 2 cores)
    .venv/bin/python benchmarks/bench_hostile.py --command dedup
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

PAIR = {"instruction": "长城有多长？", "output": "明长城全长约八千八百五十千米。"}
SEGMENT = {"id": "a", "source": "s", "text": "学而时习之，不亦说乎？有朋自远方来，不亦乐乎？"}
CANDIDATE = {
    "candidate_id": "c",
    "segment_id": "a",
    "source": "s",
    "candidate_index": 0,
    "segment": SEGMENT["text"],
    "instruction": "请解释这句话的意思。",
    "label_model": "m",
    "label_prompt_version": "v",
}
SCORED = {
    **CANDIDATE,
    "score": 0.9,
    "rating": None,
    "score_mode": "focused-sampled",
    "score_raw": "【好】",
    "score_error": None,
    "score_model": "m",
    "score_prompt_version": "v",
}
POLISHED = {
    **SCORED,
    "output": "这句话说学习之后按时温习是愉快的事。",
    "output_finish_reason": "stop",
    "output_tokens": 12,
    "polish_model": "m",
    "polish_prompt_version": "v",
}


@dataclass(frozen=True)
class Command:
    name: str
    good: dict  # one good record of the command's input
    argv: Callable[[Path, Path, Path], list[str]]  # (input, output, work dir) -> arguments after `kun`
    output_name: str = "out.jsonl"
    stdout: bool = True  # the output may be `-` (standard output)


def _params(work: Path, source: Path) -> Path:
    path = work / "params.yaml"
    path.write_text(
        f"ingest:\n  sources:\n  - name: s\n    path: {source.name}\n    format: jsonl\n  max_tokens: 0\n",
        encoding="utf-8",
    )
    return path


COMMANDS = [
    Command("dedup", SEGMENT, lambda i, o, w: ["dedup", str(i), str(o)]),
    Command("filter-pairs", PAIR, lambda i, o, w: ["filter-pairs", str(i), str(o)]),
    Command("label", SEGMENT, lambda i, o, w: ["label", str(i), str(o), "--model", str(w / "no-model")]),
    Command("score", CANDIDATE, lambda i, o, w: ["score", str(i), str(o), "--model", str(w / "no-model")]),
    Command("filter", SCORED, lambda i, o, w: ["filter", str(i), str(o)]),
    Command("polish", SCORED, lambda i, o, w: ["polish", str(i), str(o), "--model", str(w / "no-model")]),
    Command("assemble", POLISHED, lambda i, o, w: ["assemble", str(i), str(o)]),
    Command(
        "perplexity", SEGMENT, lambda i, o, w: ["perplexity", str(i), str(o), "--model", str(w / "no-model")]
    ),
    Command(
        "export",
        POLISHED,
        lambda i, o, w: ["export", str(i), str(o), "--format", "alpaca", "--format", "parquet"],
        output_name="export",
        stdout=False,
    ),
    Command(
        "ingest",
        {"text": SEGMENT["text"]},
        lambda i, o, w: ["ingest", "--params", str(_params(w, i)), "--output", str(o)],
    ),
    Command(
        "train",
        PAIR,
        lambda i, o, w: ["train", str(w / "no-model"), str(i), str(o)],
        output_name="trained",
        stdout=False,
    ),
]


def _gbk_once(line: str) -> bytes:
    """The line in UTF-8 with its first Chinese character in GBK, made invalid UTF-8 for sure (a
    GBK pair can happen to spell a valid UTF-8 character: 学 is D1 A7, U+0467)."""
    char = next(c for c in line if "\u4e00" <= c <= "\u9fff")
    return line.encode("utf-8").replace(char.encode("utf-8"), char.encode("gbk") + b"\xff", 1)


def _bad_inputs(good: dict) -> dict[str, Callable[[Path], Path | None]]:
    line = json.dumps(good, ensure_ascii=False)
    wrong = {key: (7 if isinstance(value, str) else value) for key, value in good.items()}

    def write(data: bytes) -> Callable[[Path], Path]:
        def make(work: Path) -> Path:
            path = work / "in.jsonl"
            path.write_bytes(data)
            return path

        return make

    def directory(work: Path) -> Path:
        (work / "in.jsonl").mkdir()
        return work / "in.jsonl"

    return {
        "missing": lambda work: work / "in.jsonl",
        "directory": directory,
        "empty": write(b""),
        "non-UTF-8": write(_gbk_once(line) + b"\n"),
        "broken line": write((line + "\n{not json\n").encode("utf-8")),
        "wrong types": write((json.dumps(wrong, ensure_ascii=False) + "\n").encode("utf-8")),
        "output = input": write((line + "\n").encode("utf-8")),
        "read-only output": write((line + "\n").encode("utf-8")),
        "full disk": write((line + "\n").encode("utf-8")),
    }


def _digest(path: Path) -> str | None:
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    return "dir" if path.is_dir() else None


def run_cell(command: Command, case: str, make: Callable[[Path], Path]) -> tuple[int, str, bool]:
    """(exit code, first line of stderr, whether the cell is acceptable)."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = make(work)
        output = work / command.output_name
        stdout = subprocess.DEVNULL
        if case == "output = input":
            output = source
        elif case == "read-only output":
            output = Path("/proc") / command.output_name  # read-only even for root
        argv = command.argv(source, output, work)
        if case == "full disk":
            argv = [("-" if arg == str(output) else arg) for arg in argv]
            stdout = open("/dev/full", "wb")  # noqa: SIM115
        before = _digest(source)
        try:
            done = subprocess.run(
                [sys.executable, "-m", "kun.cli", *argv],
                stdout=stdout,
                stderr=subprocess.PIPE,
                text=True,
                timeout=300,
                cwd=work,
                env={**os.environ, "KUN_NO_PROGRESS": "1"},
            )
        finally:
            if stdout is not subprocess.DEVNULL:
                stdout.close()
        lines = [
            line
            for line in done.stderr.splitlines()
            if line.strip() and not line.startswith(("warning:", "note:"))
        ]
        first = lines[0] if lines else ""
        traceback = "Traceback" in done.stderr
        changed = _digest(source) != before
        ok = (
            not traceback
            and not (done.returncode == 0 and changed)
            and (done.returncode != 0 or case not in ("missing", "directory"))
        )
        return done.returncode, ("TRACEBACK " if traceback else "") + first[:110], ok


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--command", action="append", help="only these commands (repeat)")
    args = parser.parse_args()
    failures = 0
    print("| command | input | exit | first line |")
    print("|---|---|---|---|")
    for command in COMMANDS:
        if args.command and command.name not in args.command:
            continue
        for case, make in _bad_inputs(command.good).items():
            if case == "full disk" and not command.stdout:
                print(f"| {command.name} | {case} | - | n/a: writes a folder, not standard output |")
                continue
            code, first, ok = run_cell(command, case, make)
            failures += not ok
            print(
                f"| {command.name} | {case} | {code} | {first.replace('|', '/')}{'' if ok else '  **<- FAILS**'} |",
                flush=True,
            )
    print(f"\n{failures} failing cells (a traceback, or exit 0 with a changed input)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
