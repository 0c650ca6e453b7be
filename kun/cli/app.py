"""The `kun` command group and what its commands share: one-line errors, the common options,
the same-file guard and the way results are written.

Heavy libraries (torch, transformers) are imported inside the commands that need them, so
`kun --help` and `kun dedup` start fast. User errors print one line and exit 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from kun.core.errors import KunError, ParamsError, exit_on_user_error, redact


def run_stage(command: click.Command) -> None:
    """Run one command as a DVC stage (stages/<step>.py): the arguments dvc.yaml wrote after the
    script, the same one-line errors and exit status as `kun <step>`."""
    import sys

    try:
        with exit_on_user_error():
            command.main(args=sys.argv[1:], prog_name=f"stages/{command.name}.py", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)


class KunCommand(click.Command):
    """A step: a params error it raises names the params file the step read (its --params)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ParamsError as error:
            path = ctx.params.get("params_path")
            raise error.naming(str(path) if path is not None else "built-in defaults") from None


class KunGroup(click.Group):
    """Prints KunError as one line (`error: ...`) with exit status 1 instead of a traceback."""

    command_class = KunCommand

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KunError as error:
            click.echo(f"error: {redact(str(error))}", err=True)
            ctx.exit(1)


@click.group(cls=KunGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kun")
def main() -> None:
    """Kun: turn raw Chinese text into instruction-tuning data (instruction back-translation
    plus answer polishment), then fine-tune and evaluate.

    Each command works on plain files; the DVC pipeline (dvc.yaml) runs the same code with the
    values from params.yaml.
    """


def params_option(
    help: str = "Params file; the command reads its own section and `llm`.",
    default: str | None = "params.yaml",
):
    """The --params option every command takes (no default where leaving it out means built-in settings)."""
    return click.option(
        "--params",
        "params_path",
        default=default,
        show_default=default is not None,
        type=click.Path(path_type=Path),
        help=help,
    )


PARAMS_OPTION = params_option()
METRICS_OPTION = click.option(
    "--metrics",
    "metrics_path",
    type=click.Path(path_type=Path),
    help="Write the step's metrics as JSON here.",
)
HISTOGRAM_OPTION = click.option(
    "--histogram",
    "histogram_path",
    type=click.Path(path_type=Path),
    help="Write the histogram of the step's figures here as JSON rows (DVC plot data).",
)
MODEL_OPTION = click.option(
    "--model", "model_path", help="Model directory (overrides the params section's `model`)."
)


TABLE_OUTPUTS = {
    "output",
    "clusters",
    "candidates",
    "rejected",
    "scored",
    "kept",
    "polished",
    "dataset",
    "items",
}


def refuse_same_paths(*, outputs: tuple[str, ...] = (), **paths: Path | None) -> None:
    """Check a command's files before any work: one line when two are the same file (an output
    would overwrite the input, or two outputs each other), a table output has an extension kun
    cannot write, or an output (named in `outputs`) cannot be written where it points: a
    directory, a parent that is a file, a folder without write permission."""
    from kun.core.io import check_writable, table_format

    seen: dict[Path, str] = {}
    for name, path in paths.items():
        if path is None or str(path) == "-":
            continue
        key = Path(path).resolve()
        if key in seen:
            raise KunError(
                f"{path}: {name.upper()} is the same file as {seen[key].upper()}; write {name.upper()} to another path"
            )
        seen[key] = name
        if name in TABLE_OUTPUTS:
            table_format(path)
        if name in outputs:
            check_writable(path, directory=name == "output_dir")


def write_outputs(
    tables: dict, metrics: dict, metrics_path: Path | None, files: dict[Path, bytes] | None = None
) -> None:
    """Write a command's tables (path -> frame; None paths skipped), its metrics and any other
    `files` (path -> bytes), every one or none: all are staged next to their targets, then moved
    in place."""
    from kun.core.io import table_bytes, write_all
    from kun.core.metrics import json_bytes

    staged = {path: table_bytes(frame, path) for path, frame in tables.items() if path is not None}
    if metrics_path:
        staged[metrics_path] = json_bytes(metrics)
    staged.update({path: data for path, data in (files or {}).items() if path is not None})
    write_all(staged)


def finish(
    outputs: dict, metrics: dict, metrics_path: Path | None, files: dict[Path, bytes] | None = None
) -> None:
    """`write_outputs`, then the metrics' scalar figures as one JSON line on stderr."""
    write_outputs(outputs, metrics, metrics_path, files)
    click.echo(
        json.dumps(
            {k: v for k, v in metrics.items() if isinstance(v, (int, float, str))}, ensure_ascii=False
        ),
        err=True,
    )
