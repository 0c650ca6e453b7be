"""An lm-evaluation-harness task for a benchmark folder, in kun's own multiple-choice prompt format.

Reads a loaded Benchmark (C-Eval or CMMLU layout, after decontamination when asked) and writes
into `<out>/kun_<name>/`:

    kun_<name>.yaml                the group: `acc` as the unweighted mean over subjects, which is
                                   kun's `accuracy` (C-Eval's average); lm-eval's own ceval/cmmlu
                                   groups weight by size, kun's `micro_accuracy`
    kun_<name>_<subject>.yaml      one task per subject
    data/<subject>.<split>.jsonl   the scored questions, and the few-shot split beside them

Each data row carries `text`, the question exactly as kun formats it (question, the options A-D,
then `答案：`), so lm-eval sees the same bytes as `kun evaluate`: the subject header as the
task's description, shots from the dev split in file order (`first_n`), the bare answer letter
as the continuation (`target_delimiter: ""`; lm-eval's own C-Eval tasks put a space before it),
`\\n\\n` between examples. Run it with

    lm_eval --model hf --model_args pretrained=MODEL --include_path OUT --tasks kun_<name> --num_fewshot K

Data paths in the YAML are absolute (lm-eval resolves relative ones against its working
directory): write the task where it will be run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from kun.core.metrics import atomic_write_bytes
from kun.evaluation.benchmarks import LETTERS, Benchmark, Question
from kun.evaluation.choice import format_question, header


def task_name(benchmark: Benchmark) -> str:
    """`kun_<benchmark folder name>`, with characters lm-eval task names do not allow replaced."""
    return "kun_" + re.sub(r"[^A-Za-z0-9_]+", "_", benchmark.name).strip("_")


def _rows(questions: list[Question]) -> bytes:
    rows = [
        {
            "id": q.id,
            "question": q.question,
            **dict(zip(LETTERS, q.options)),
            "answer": q.answer,
            "text": format_question(q, with_answer=False),
        }
        for q in questions
    ]
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


class _Dumper(yaml.SafeDumper):
    """Strings with line breaks as one double-quoted line (`"...\\n\\n"`), readable in the YAML."""


_Dumper.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style='"' if "\n" in text else None
    ),
)


def _yaml(payload: dict) -> bytes:
    return yaml.dump(payload, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000).encode("utf-8")


def subject_task(benchmark: Benchmark, subject: str, data: Path, language: str = "zh") -> dict:
    """The lm-eval task config of one subject, reading `data/<subject>.<split>.jsonl`."""
    files = {
        benchmark.split: str(data / f"{subject}.{benchmark.split}.jsonl"),
        "dev": str(data / f"{subject}.dev.jsonl"),
    }
    return {
        "task": f"{task_name(benchmark)}_{subject}",
        "dataset_path": "json",
        "dataset_kwargs": {"data_files": files},
        "test_split": benchmark.split,
        "fewshot_split": "dev",
        "fewshot_config": {"sampler": "first_n"},
        "output_type": "multiple_choice",
        "description": header(benchmark.display_name(subject), language),
        "doc_to_text": "{{text}}",
        "doc_to_choice": list(LETTERS),
        "doc_to_target": "{{" + repr(list(LETTERS)) + ".index(answer)}}",
        "target_delimiter": "",
        "fewshot_delimiter": "\n\n",
        "metric_list": [{"metric": "acc", "aggregation": "mean", "higher_is_better": True}],
        "metadata": {"version": 1.0, "written_by": "kun evaluate --lm-eval-tasks"},
    }


def write_lm_eval_task(benchmark: Benchmark, out_dir: str | Path, language: str = "zh") -> Path:
    """Write the group, one task per subject and their data; return the task folder."""
    folder = Path(out_dir).resolve() / task_name(benchmark)
    data = folder / "data"
    data.mkdir(parents=True, exist_ok=True)
    tasks = []
    for subject in benchmark.subjects:
        atomic_write_bytes(data / f"{subject}.{benchmark.split}.jsonl", _rows(benchmark.questions[subject]))
        atomic_write_bytes(data / f"{subject}.dev.jsonl", _rows(benchmark.dev.get(subject, [])))
        config = subject_task(benchmark, subject, data, language)
        atomic_write_bytes(folder / f"{config['task']}.yaml", _yaml(config))
        tasks.append(config["task"])
    group = {
        "group": task_name(benchmark),
        "task": tasks,
        "aggregate_metric_list": [{"metric": "acc", "aggregation": "mean", "weight_by_size": False}],
        "metadata": {"version": 1.0},
    }
    atomic_write_bytes(folder / f"{task_name(benchmark)}.yaml", _yaml(group))
    return folder
