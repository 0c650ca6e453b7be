"""`kun base-model`, and the DVC stages base_model and base_model_other@NAME (stages/base_model.py
runs this command with the paths dvc.yaml gives)."""

from __future__ import annotations

from pathlib import Path

import click

from kun.cli.app import main, params_option, refuse_same_paths


@main.command("base-model")
@click.argument("output_dir", type=click.Path(path_type=Path), default="models/base")
@click.option(
    "--base",
    default=None,
    help="embedded:smollm2, a local model directory, or a hub id [default: model.base of --params, "
    "else embedded:smollm2].",
)
@click.option(
    "--revision", default=None, help="Hub revision (branch, tag or commit) [default: model.revision]."
)
@click.option(
    "--trust-remote-code",
    is_flag=True,
    default=None,
    help="Allow the model's own code (only for models you trust) [default: model.trust_remote_code].",
)
@params_option(
    "Take the model from this params file's `model` section (options given here override it).", default=None
)
@click.option(
    "--name",
    default="base",
    show_default=True,
    help="With --params: `base` (model.base) or a key of model.other_bases.",
)
def base_model(output_dir, base, revision, trust_remote_code, params_path, name):
    """Save a base model as safetensors + tokenizer in OUTPUT_DIR (default models/base).

    \b
    Examples:
      kun base-model models/qwen --base Qwen/Qwen2.5-0.5B-Instruct
      kun base-model models/small --params params.yaml --name small
    """
    from kun.core.errors import KunError
    from kun.core.models import ModelParams, materialize
    from kun.core.params import load_params, section

    spec, settings = "embedded:smollm2", ModelParams()
    if params_path is not None:
        settings = section(ModelParams, load_params(params_path), "model")
        if name != "base" and name not in settings.other_bases:
            raise KunError(f"{params_path}: model.other_bases.{name}: not defined; add it or drop the stage")
        spec = settings.base if name == "base" else settings.other_bases[name]
    spec = base or spec
    if Path(spec).exists():
        refuse_same_paths(base=Path(spec), output_dir=output_dir, outputs=("output_dir",))
    path = materialize(
        spec,
        output_dir,
        settings.trust_remote_code if trust_remote_code is None else trust_remote_code,
        revision or settings.revision,
    )
    click.echo(f"saved {spec} to {path}", err=True)
