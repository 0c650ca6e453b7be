"""`kun check-params`: every section of a params file validated at once, before any work.

The DVC stage `check_params` runs this first (every other stage depends on its output), so a
typo or an out-of-range value anywhere in params.yaml stops `dvc repro` before the first stage
runs, not after the stages before the broken one have run. Unknown top-level sections are
refused too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kun.cli.app import main, params_option, write_outputs
from kun.core.errors import KunError
from kun.core.models import ModelParams
from kun.core.params import load_params, section
from kun.corpus.fetch import CorpusParams
from kun.corpus.ingest import IngestParams
from kun.corpus.perplexity import PerplexityParams
from kun.dedup import DedupParams
from kun.evaluation.run import EvaluateParams
from kun.instructions.assemble import AssembleParams
from kun.instructions.curate import FilterParams
from kun.instructions.export_card import ExportParams
from kun.instructions.iterate import IterateParams
from kun.instructions.label import LabelParams
from kun.instructions.polish import PolishParams
from kun.instructions.score import ScoreParams
from kun.llm.params import LLMParams
from kun.training.params import SECTIONS as TRAINING_SECTIONS

SECTIONS: dict[str, type] = {
    "corpus": CorpusParams,
    "ingest": IngestParams,
    "dedup": DedupParams,
    "model": ModelParams,
    "llm": LLMParams,
    "perplexity": PerplexityParams,
    "label": LabelParams,
    "score": ScoreParams,
    "iterate": IterateParams,
    "filter": FilterParams,
    "polish": PolishParams,
    "assemble": AssembleParams,
    **TRAINING_SECTIONS,
    "evaluate": EvaluateParams,
    "export": ExportParams,
}


def check_params(path: str | Path = "params.yaml") -> dict[str, Any]:
    """Validate every section of the params file; return {section: its dataclass}."""
    raw = load_params(path)
    unknown = sorted(set(raw) - set(SECTIONS))
    if unknown:
        raise KunError(
            f"{path}: unknown section {unknown[0]!r}; sections are {', '.join(SECTIONS)} (a typo, or a section of another version?)"
        )
    return {name: section(cls, raw, name) for name, cls in SECTIONS.items()}


@main.command("check-params")
@params_option("Params file to check.")
@click.option(
    "--stamp",
    "stamp_path",
    type=click.Path(path_type=Path),
    help="Once the file is valid, write {PARAMS: valid} here (the DVC stage check_params: every stage waits for it).",
)
@click.option(
    "--schema",
    "schema_path",
    type=click.Path(path_type=Path),
    help="Also write the JSON Schema of params files here (key descriptions from the --params file's comments), "
    "for editors (e.g. `# yaml-language-server: $schema=params.schema.json`).",
)
def check_params_command(params_path, stamp_path, schema_path):
    """Validate every section of a params file at once (types, ranges, unknown keys and sections).

    \b
    Examples:
      kun check-params --params configs/paper.yaml
      kun check-params --schema params.schema.json
    """
    from kun.core.metrics import json_bytes
    from kun.core.params_schema import params_schema

    checked = check_params(params_path)
    files = {stamp_path: json_bytes({str(params_path): "valid"})}
    if schema_path is not None:
        files[schema_path] = json_bytes(params_schema(SECTIONS, params_path))
    write_outputs({}, {}, None, files)
    click.echo(f"{params_path}: {len(checked)} sections valid", err=True)
