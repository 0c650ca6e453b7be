"""The `kun` command line: every library step on plain files.

Commands live beside the phase they run (kun.cli.corpus, kun.cli.instructions, kun.cli.models)
and register on the one group in kun.cli.app.
"""

from kun.cli import cache, corpus, instructions, models, params_check  # noqa: F401  (registers the commands)
from kun.cli.app import main

__all__ = ["main"]
