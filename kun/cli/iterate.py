"""`kun iterate`, and the DVC stages iterate@K (stages/iterate.py runs this command with the paths
dvc.yaml gives): one round of the paper's self-improving iteration.

Round K polishes the curated candidates of iterate.rounds.K.previous with
iterate.rounds.K.previous_model, trains a chat model from --chat-base on the seed pairs plus
those polished pairs, and re-scores every candidate with it (kun/instructions/iterate.py plans
the round; this command composes curation, training and scoring, three phases).
"""

from __future__ import annotations

from pathlib import Path

import click

from kun.cli.app import PARAMS_OPTION, main, write_outputs


@main.command("iterate")
@click.argument("round_name", metavar="ROUND")
@PARAMS_OPTION
@click.option("--seed-pairs", type=click.Path(path_type=Path), required=True, help="Seed pairs (JSONL).")
@click.option(
    "--candidates",
    type=click.Path(path_type=Path),
    required=True,
    help="The labelled candidates to re-score.",
)
@click.option(
    "--model",
    "model_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="Write the round's chat model here.",
)
@click.option(
    "--scores",
    "scores_path",
    type=click.Path(path_type=Path),
    required=True,
    help="Write the re-scored candidates here.",
)
@click.option(
    "--chat-base",
    type=click.Path(path_type=Path),
    default=Path("models/base"),
    show_default=True,
    help="Model directory the round's chat model is trained from (dvc.yaml passes model.chat_base).",
)
@click.option(
    "--chat-template",
    default="auto",
    show_default=True,
    help="Chat template of the trained model: auto, chatml or a Jinja file (dvc.yaml passes model.chat_template.chat).",
)
@click.option(
    "--metrics", "metrics_path", type=click.Path(path_type=Path), help="Write the round's figures here."
)
@click.option(
    "--metrics-dir", type=click.Path(path_type=Path), help="dvclive folder for the round's training curves."
)
def iterate_command(
    round_name,
    params_path,
    seed_pairs,
    candidates,
    model_dir,
    scores_path,
    chat_base,
    chat_template,
    metrics_path,
    metrics_dir,
):
    """Run iterate.rounds.ROUND: polish, retrain the chat model, re-score the candidates.

    \b
    Example:
      kun iterate 1 --seed-pairs data/seed/seed.jsonl --candidates data/interim/candidates.parquet \\
        --model models/chat_iter_1 --scores data/interim/scored_iter_1.parquet
    """
    from kun.core.io import read_input
    from kun.core.metrics import key_figures
    from kun.core.params import load_params, section
    from kun.instructions.curate import instruction_rules
    from kun.instructions.iterate import curated_pairs, plan_round
    from kun.instructions.score import score
    from kun.instructions.seed import read_seed
    from kun.llm import load_llm
    from kun.training.loop import train
    from kun.training.params import ChatTrainParams

    raw = load_params(params_path)
    plan = plan_round(raw, round_name)
    previous_llm = load_llm(plan.llm, plan.previous_model, f"iterate.rounds.{plan.name}.previous_model")
    curated, counts = curated_pairs(
        read_input(plan.previous),
        plan.min_score,
        plan.max_curated,
        previous_llm,
        plan.filter,
        plan.polish,
        plan.assemble,
    )
    training = train(
        str(chat_base),
        read_seed(seed_pairs) + curated,
        str(model_dir),
        section(ChatTrainParams, raw, "train_chat"),
        metrics_dir=str(metrics_dir) if metrics_dir else None,
        chat_template=chat_template,
    )
    scored, score_metrics = score(
        read_input(candidates),
        plan.score_with(str(model_dir)),
        load_llm(plan.llm, str(model_dir)),
        instruction_rules(plan.filter),
    )
    metrics = {
        "round": plan.name,
        "previous": plan.previous,
        "previous_model": plan.previous_model,
        **counts,
        "train": training,
        "score": score_metrics,
    }
    metrics["key_figures"] = key_figures(
        metrics,
        {
            "kept_after_score": "kept_after_score",
            "polished": "polished",
            "curated_pairs": "curated_pairs",
            "final_loss": "train.final_loss",
            "steps": "train.steps",
            "score_mean": "score.score_mean",
            "score_median": "score.score_median",
            "score_unparsable": "score.unparsable",
        },
    )
    write_outputs({scores_path: scored}, metrics, metrics_path)
    click.echo(f"round {plan.name}: {counts['curated_pairs']} curated pairs, model {model_dir}", err=True)
