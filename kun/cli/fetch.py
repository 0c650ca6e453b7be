"""`kun fetch-corpus`, and the DVC stage fetch_corpus (stages/fetch_corpus.py runs this command with
the path dvc.yaml gives)."""

from __future__ import annotations

from pathlib import Path

import click

from kun.cli.app import main, params_option


@main.command("fetch-corpus")
@click.argument("output_dir", type=click.Path(path_type=Path), default="data/raw/chinese-poetry")
@params_option("Params file whose `corpus` section names the npm package and its pinned version.")
def fetch_corpus_command(output_dir, params_path):
    """Fetch the demo corpus (an npm package, `npm pack` of the pinned version) into OUTPUT_DIR.

    \b
    Example:
      kun fetch-corpus data/raw/chinese-poetry
    """
    from kun.core.params import load_params, section
    from kun.corpus.fetch import CorpusParams, fetch_corpus

    params = section(CorpusParams, load_params(params_path), "corpus")
    files = fetch_corpus(params, output_dir)
    click.echo(f"fetched {params.package}@{params.version}: {len(files)} files", err=True)
