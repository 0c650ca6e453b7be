"""What an evaluation's accuracies must equal: counted from its per-subject answers, not just in [0, 1]."""

from __future__ import annotations


def check_accuracies(shot: dict) -> None:
    """`accuracy` is the mean of the subjects' accuracies (C-Eval's average), `micro_accuracy`
    correct over all questions, each subject's accuracy its correct over n, all to 4 places."""
    subjects = shot["subjects"].values()
    for subject in subjects:
        assert subject["accuracy"] == round(subject["correct"] / subject["n"], 4), subject
    assert shot["n"] == sum(subject["n"] for subject in subjects)
    assert (
        abs(shot["accuracy"] - sum(subject["correct"] / subject["n"] for subject in subjects) / len(subjects))
        < 1e-4
    )
    assert shot["micro_accuracy"] == round(sum(subject["correct"] for subject in subjects) / shot["n"], 4)


def check_eval_metrics(evaluation: dict, summary: dict, prefix: str = "eval.") -> None:
    """Every multiple-choice figure of metrics/eval.json is consistent, and the summary quotes it."""
    for model, benchmarks in evaluation["multiple_choice"].items():
        for name, result in benchmarks.items():
            for shots, shot in result["shots"].items():
                check_accuracies(shot)
                assert summary[f"{prefix}{name}.{shots}.{model}"] == shot["accuracy"], (name, shots, model)
