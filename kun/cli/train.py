"""`kun train`, and the DVC stages train_label, train_chat and finetune (stages/train.py runs this
command with the paths dvc.yaml gives)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import click

from kun.cli.app import METRICS_OPTION, PARAMS_OPTION, main, refuse_same_paths
from kun.core.errors import KunError


@main.command("train")
@click.argument("base", metavar="BASE_MODEL", type=click.Path(path_type=Path))
@click.argument("pairs_path", metavar="PAIRS", type=click.Path(path_type=Path))
@click.argument("output_dir", metavar="OUTPUT_DIR", type=click.Path(path_type=Path))
@click.option(
    "--section",
    "section_name",
    default="train_chat",
    show_default=True,
    type=click.Choice(["train_label", "train_chat", "finetune"]),
    help="Params section with the training settings.",
)
@click.option(
    "--backward",
    is_flag=True,
    help="Train a label model: learn each pair's instruction from the backward question plus its output.",
)
@click.option(
    "--seed-pairs",
    type=click.Path(path_type=Path),
    help="With --section finetune: seed pairs mixed into PAIRS at finetune.mix_seed_ratio.",
)
@click.option(
    "--chat-template",
    default="auto",
    show_default=True,
    help="The template the model is trained and saved with: auto (the tokenizer's own, else ChatML), "
    "chatml, or a Jinja file.",
)
@click.option("--epochs", type=click.FloatRange(min=0, min_open=True), help="Overrides the section's epochs.")
@click.option(
    "--max-steps",
    type=click.IntRange(min=0),
    help="Overrides the section's max_steps (0: derive from epochs).",
)
@click.option("--method", type=click.Choice(["full", "lora"]), help="Overrides the section's method.")
@click.option(
    "--metrics-dir", type=click.Path(path_type=Path), help="Write dvclive plots and the run summary here."
)
@PARAMS_OPTION
@METRICS_OPTION
def train_command(
    base,
    pairs_path,
    output_dir,
    section_name,
    backward,
    seed_pairs,
    chat_template,
    epochs,
    max_steps,
    method,
    metrics_dir,
    params_path,
    metrics_path,
):
    """Fine-tune BASE_MODEL on the instruction/output PAIRS and save it to OUTPUT_DIR.

    PAIRS is JSONL with `instruction` and `output`: seed pairs for train_label (with --backward)
    and train_chat, the Kun dataset for finetune (which samples finetune.max_examples of it and
    mixes in --seed-pairs). The settings come from a params section (train_chat by default;
    --section picks another), and the flags override single values. Checkpoints beside
    OUTPUT_DIR let a killed run resume. Runs under `accelerate launch -m kun.cli train ...` on
    several GPUs; the DVC stages train_label, train_chat and finetune run this command.

    \b
    Example:
      kun train models/base data/seed/seed.jsonl models/label --section train_label --backward
    """
    from kun.core.metrics import write_json
    from kun.core.params import load_params, section
    from kun.training.data import training_pairs
    from kun.training.loop import train
    from kun.training.params import SECTIONS

    refuse_same_paths(
        base_model=base,
        pairs=pairs_path,
        seed_pairs=seed_pairs,
        params=params_path,
        output_dir=output_dir,
        metrics=metrics_path,
        outputs=("output_dir", "metrics"),
    )
    if backward and section_name == "finetune" or seed_pairs and section_name != "finetune":
        raise KunError(
            "--backward trains a label model and --seed-pairs mixes into the Kun dataset: use them with --section train_label and finetune"
        )
    params = section(SECTIONS[section_name], load_params(params_path), section_name)
    overrides = {
        key: value
        for key, value in (("epochs", epochs), ("max_steps", max_steps), ("method", method))
        if value is not None
    }
    if overrides:
        params = dataclasses.replace(params, **overrides)
        params.validate(section_name)
    if section_name == "finetune":
        if seed_pairs is None and params.mix_seed_ratio:
            raise KunError(
                f"finetune.mix_seed_ratio is {params.mix_seed_ratio}: pass --seed-pairs to mix from"
            )
        pairs = training_pairs(
            "dataset", seed_pairs, pairs_path, params.mix_seed_ratio, params.seed, params.max_examples
        )
    else:
        pairs = training_pairs("backward" if backward else "forward", pairs_path)
    summary = train(base, pairs, output_dir, params, metrics_dir=metrics_dir, chat_template=chat_template)
    summary["base_model"] = str(base)
    from accelerate import PartialState

    if (
        metrics_path and PartialState().is_main_process
    ):  # under `accelerate launch` every process returns the summary
        write_json(metrics_path, summary)
    click.echo(
        json.dumps({key: summary[key] for key in ("steps", "final_loss", "examples", "seconds")}), err=True
    )
