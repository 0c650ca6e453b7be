"""`kun cache info` and `kun cache prune`: what the LLM result cache holds, and trimming it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from kun.cli.app import main
from kun.core.errors import KunError

_AGE = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_age(text: str) -> float:
    """`30d`, `12h`, `90m`, `45s` -> seconds."""
    match = _AGE.match(text.strip())
    if not match:
        raise KunError(f"--unused-for {text!r}: give a number and a unit, e.g. 30d, 12h, 90m")
    return float(match.group(1)) * _SECONDS[match.group(2)]


def _open(cache_path: Path | None):
    from kun.llm.cache import RecordCache, cache_dir

    path = cache_path or cache_dir() / "llm.sqlite"
    if not path.exists():
        raise KunError(
            f"{path}: no cache here yet (it is made by the first LLM stage); set KUN_CACHE_DIR or --cache to another one"
        )
    return RecordCache(path)


CACHE_OPTION = click.option(
    "--cache",
    "cache_path",
    type=click.Path(path_type=Path),
    help="The cache file (default: $KUN_CACHE_DIR/llm.sqlite, else .kun_cache/llm.sqlite).",
)


@main.group("cache")
def cache_group() -> None:
    """The LLM result cache: every generation, log-probability and perplexity kun computed, keyed
    by model, settings, prompt and sampling params, so no call is paid for twice.

    \b
    Example:
      kun cache info
    """


@cache_group.command("info")
@CACHE_OPTION
def info_command(cache_path):
    """Where the cache lives, its size, and its records per kind with their oldest and newest use (JSON on stdout).

    \b
    Example:
      kun cache info --cache /data/kun_cache/llm.sqlite
    """
    cache = _open(cache_path)
    click.echo(json.dumps(cache.info(), indent=2))
    cache.close()


@cache_group.command("prune")
@click.option(
    "--unused-for",
    "unused_for",
    help="Drop records no run has read or written for this long (e.g. 30d, 12h).",
)
@click.option(
    "--kind",
    type=click.Choice(["generation", "logprob", "perplexity", "unknown"]),
    help="Only records of this kind.",
)
@click.option("--all", "everything", is_flag=True, help="Drop every record (of --kind, if given).")
@CACHE_OPTION
def prune_command(unused_for, kind, everything, cache_path):
    """Delete cached records and give the space back. A later run recomputes what it needs.

    \b
    Example:
      kun cache prune --unused-for 30d
    """
    if bool(unused_for) == everything:
        raise KunError("give one of --unused-for AGE or --all")
    seconds = parse_age(unused_for) if unused_for else None
    cache = _open(cache_path)
    before = cache.info()["bytes"]
    deleted = cache.prune(seconds, kind)
    after = cache.info()["bytes"]
    cache.close()
    click.echo(f"deleted {deleted} records; {before} -> {after} bytes", err=True)
