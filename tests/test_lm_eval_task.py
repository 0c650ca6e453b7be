"""`kun evaluate --lm-eval-tasks`: lm-evaluation-harness tasks in kun's prompt format (the slow
test runs lm_eval itself on them; these check the files without it)."""

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from kun.cli.commands import main
from kun.evaluation.benchmarks import LETTERS, load_benchmark
from kun.evaluation.choice import build_prompt
from kun.evaluation.lm_eval_task import task_name, write_lm_eval_task

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data/eval/demo"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def assemble(config: dict, shots: list[dict], doc: dict) -> str:
    """The context lm-eval builds for a multiple-choice doc: description, then each shot's text,
    target delimiter, answer choice and few-shot delimiter, then the doc's text."""
    choice = lambda row: config["doc_to_choice"][LETTERS.index(row["answer"])]  # noqa: E731
    examples = "".join(
        shot["text"] + config["target_delimiter"] + choice(shot) + config["fewshot_delimiter"]
        for shot in shots
    )
    return config["description"] + examples + doc["text"]


def test_demo_task_holds_kuns_prompts_and_an_unweighted_group(tmp_path):
    benchmark = load_benchmark(DEMO, None, "dev")
    folder = write_lm_eval_task(benchmark, tmp_path)
    assert folder == tmp_path.resolve() / "kun_demo"
    group = yaml.safe_load((folder / "kun_demo.yaml").read_text(encoding="utf-8"))
    assert group["group"] == "kun_demo" and group["task"] == [f"kun_demo_{s}" for s in benchmark.subjects]
    assert group["aggregate_metric_list"] == [
        {"metric": "acc", "aggregation": "mean", "weight_by_size": False}
    ]
    for subject in benchmark.subjects:
        config = yaml.safe_load((folder / f"kun_demo_{subject}.yaml").read_text(encoding="utf-8"))
        assert (
            config["output_type"] == "multiple_choice"
            and config["test_split"] == "val"
            and config["fewshot_split"] == "dev"
        )
        assert config["target_delimiter"] == "" and config["fewshot_delimiter"] == "\n\n"
        files = config["dataset_kwargs"]["data_files"]
        assert all(Path(path).is_absolute() for path in files.values())
        docs, dev = read_jsonl(Path(files["val"])), read_jsonl(Path(files["dev"]))
        assert [doc["id"] for doc in docs] == [q.id for q in benchmark.questions[subject]]
        for k in (0, 1, 5):
            for doc, question in zip(docs, benchmark.questions[subject]):
                assert assemble(config, dev[:k], doc) == build_prompt(
                    question, benchmark.dev[subject][:k], benchmark.display_name(subject)
                )
        target = config["doc_to_target"]
        assert target == "{{['A', 'B', 'C', 'D'].index(answer)}}" and {doc["answer"] for doc in docs} <= set(
            LETTERS
        )


def test_task_names_are_safe_for_lm_eval(tmp_path):
    folder = tmp_path / "my bench-2"
    folder.mkdir()
    for path in DEMO.glob("chinese_literature_*.csv"):
        (folder / path.name).write_bytes(path.read_bytes())
    assert task_name(load_benchmark(folder, None, "dev")) == "kun_my_bench_2"


def test_cli_writes_decontaminated_tasks_and_prints_the_commands(tmp_path):
    benchmark = load_benchmark(DEMO, None, "dev")
    planted = benchmark.questions["chinese_literature"][3]
    train = tmp_path / "train.jsonl"
    train.write_text(
        json.dumps(
            {"instruction": planted.question + "\n" + "\n".join(planted.options), "output": "答案"},
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        main,
        [
            "evaluate",
            "models/final",
            "--benchmark",
            str(DEMO),
            "--shots",
            "0",
            "--shots",
            "5",
            "--train-data",
            str(train),
            "--lm-eval-tasks",
            str(tmp_path / "tasks"),
            "--params",
            str(REPO / "params.yaml"),
        ],
    )
    assert result.exit_code == 0, result.output
    commands = [line for line in result.output.splitlines() if line.startswith("lm_eval ")]
    assert [c.split("--num_fewshot ")[1] for c in commands] == ["0", "5"]
    assert all(
        "pretrained=models/final" in c and f"--include_path {(tmp_path / 'tasks').resolve()}" in c
        for c in commands
    )
    ids = [row["id"] for row in read_jsonl(tmp_path / "tasks/kun_demo/data/chinese_literature.val.jsonl")]
    assert planted.id not in ids and len(ids) == len(benchmark.questions["chinese_literature"]) - 1
