"""The `kun` command: every command module imported, so each registers on the group (the
`kun` entry point). Kept out of kun/cli/__init__.py so that a DVC stage running one command
imports that command alone (its dvc.yaml deps stay exact)."""

from kun.cli import (  # noqa: F401  (registers the commands)
    assemble,
    base_model,
    cache,
    corpus,
    dedup,
    evaluate,
    fetch,
    filter,
    instructions,
    iterate,
    label,
    params_check,
    perplexity,
    polish,
    report,
    score,
    train,
)
from kun.cli.app import main

__all__ = ["main"]
