"""lm-evaluation-harness as a cross-check of kun's multiple-choice evaluator (slow).

`kun evaluate --lm-eval-tasks` writes the demo benchmark as an lm-eval task; `lm_eval` (PyPI
lm-eval, offline, local files) scores the default model on it 1-shot; kun scores the same
model. Every prompt lm-eval built must equal kun's byte for byte, every log-likelihood agree,
and the accuracies (per subject and the group's unweighted mean) be equal.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kun.cli.commands import main
from kun.evaluation.benchmarks import LETTERS, load_benchmark
from kun.evaluation.choice import accuracy_report, build_prompt, predict_multiple_choice
from kun.llm import LLM
from kun.llm.cache import RecordCache
from kun.llm.transformers_backend import TransformersBackend

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data/eval/demo"
SHOTS = 1


def run_lm_eval(model_dir: Path, include: Path, output: Path, home: Path) -> dict:
    """lm_eval's CLI as a user runs it, offline; (results, samples by task)."""
    env = {
        **os.environ,
        "HF_HOME": str(home),
        "HF_DATASETS_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    command = [
        str(Path(sys.executable).with_name("lm_eval")),
        "--model",
        "hf",
        "--model_args",
        f"pretrained={model_dir},dtype=float32",
        "--device",
        "cpu",
        "--batch_size",
        "8",
        "--include_path",
        str(include),
        "--tasks",
        "kun_demo",
        "--num_fewshot",
        str(SHOTS),
        "--output_path",
        str(output),
        "--log_samples",
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(next(output.rglob("results_*.json")).read_text())["results"]
    samples = {}
    for path in output.rglob("samples_*.jsonl"):
        task = path.name.removeprefix("samples_").rsplit("_", 1)[0]
        samples[task] = [json.loads(line) for line in path.read_text().splitlines()]
    return {"results": results, "samples": samples}


@pytest.mark.slow
def test_lm_eval_on_kuns_task_equals_kuns_evaluator(default_model_dir, tmp_path):
    written = CliRunner().invoke(
        main,
        [
            "evaluate",
            str(default_model_dir),
            "--benchmark",
            str(DEMO),
            "--shots",
            str(SHOTS),
            "--lm-eval-tasks",
            str(tmp_path / "tasks"),
            "--params",
            str(REPO / "params.yaml"),
        ],
    )
    assert written.exit_code == 0, written.output
    assert f"--tasks kun_demo --num_fewshot {SHOTS}" in written.output  # the command to run is printed
    lm_eval = run_lm_eval(default_model_dir, tmp_path / "tasks", tmp_path / "out", tmp_path / "hf")

    benchmark = load_benchmark(DEMO, None, "dev")
    llm = LLM(
        TransformersBackend(default_model_dir, device="cpu", batch_size=8), RecordCache(tmp_path / "c.sqlite")
    )
    predictions = predict_multiple_choice(llm, benchmark, SHOTS)
    kun = accuracy_report(predictions, benchmark.subjects)
    by_key = {(row["subject"], row["id"]): row for row in predictions}

    compared = 0
    for subject in benchmark.subjects:
        shots = benchmark.dev[subject][:SHOTS]
        samples = lm_eval["samples"][f"kun_demo_{subject}"]
        assert len(samples) == len(benchmark.questions[subject])
        for sample, question in zip(sorted(samples, key=lambda s: s["doc_id"]), benchmark.questions[subject]):
            arguments = [sample["arguments"][f"gen_args_{i}"] for i in range(4)]
            assert {a["arg_0"] for a in arguments} == {
                build_prompt(question, shots, benchmark.display_name(subject))
            }  # same bytes
            assert [a["arg_1"] for a in arguments] == list(LETTERS)  # the bare letter, no space before it
            theirs = [float(response[0]) for response in sample["filtered_resps"]]
            ours = by_key[(subject, question.id)]["logprobs"]
            assert ours == pytest.approx(theirs, abs=1e-3), (
                subject,
                question.id,
            )  # measured: at most 4e-5 (padding)
            assert bool(sample["acc"]) == by_key[(subject, question.id)]["correct"], (
                subject,
                question.id,
                ours,
                theirs,
            )
            compared += 1
        assert lm_eval["results"][f"kun_demo_{subject}"]["acc,none"] == pytest.approx(
            kun["subjects"][subject]["accuracy"], abs=1e-4
        )
    assert compared == benchmark.num_questions == 45
    assert lm_eval["results"]["kun_demo"]["acc,none"] == pytest.approx(
        kun["accuracy"], abs=1e-4
    )  # the unweighted mean over subjects
