"""The data-generation stages through real DVC with a tiny random model (fast), and the
`dvc exp run -S filter.min_score=...` behaviour: only filter and later stages rerun."""

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from dvc_helpers import commit, drop_stage, dvc, make_repo_copy, params_coverage, ran_stages, update_params
from eval_checks import check_eval_metrics
from lenient import LENIENT_RULES

from kun.evaluation.report import flatten

# a real DVC run, Ray cluster or S3 server: the integration tier (`make test` runs it after the fast one)
pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
GENERATION_STAGES = {
    "base_model",
    "perplexity",
    "train_label",
    "train_chat",
    "label",
    "score",
    "iterate@1",
    "filter",
    "polish",
    "assemble",
    "finetune",
    "evaluate",
    "report",
}
TINY_TRAINING = {"max_steps": 2, "batch_size": 2, "max_seq_len": 128, "save_steps": 0, "epochs": 1.0}


def test_generation_stages_and_threshold_experiment(tmp_path, tiny_model_dir, monkeypatch):
    repo = make_repo_copy(tmp_path / "repo")
    drop_stage(repo, "fetch_corpus")
    shutil.copytree(FIXTURES, repo / "data" / "raw" / "fixture")
    seed = [
        {
            "instruction": f"问题{i}：什么是光合作用？",
            "output": f"光合作用是植物利用光能制造有机物的过程，第{i}条。",
        }
        for i in range(4)
    ]
    (repo / "data/seed/seed.jsonl").write_text(
        "".join(json.dumps(s, ensure_ascii=False) + "\n" for s in seed), encoding="utf-8"
    )
    update_params(
        repo,
        {
            "ingest.sources": [
                {
                    "name": "docs",
                    "path": "data/raw/fixture/*.json*",
                    "format": "json",
                    "text_field": "paragraphs",
                    "title_field": "title",
                }
            ],
            "ingest.min_chars": 10,
            "model.base": str(tiny_model_dir),
            "llm.batch_size": 4,
            "label.max_new_tokens": 12,
            "label.truncated": "keep",  # a random model never ends: keep its cut replies to exercise the stages
            "label.num_candidates": 2,
            "polish.max_new_tokens": 12,
            "polish.temperature": 0.8,
            **LENIENT_RULES,
            "assemble.rate": True,  # the chat model rates the final pairs (and the stage reads `llm`)
            "finetune.mix_seed_ratio": 1.0,
            # One Humpback round: retrain the chat model on seed + curated pairs, re-score, filter those scores.
            "iterate.rounds": {
                "1": {"previous": "data/interim/scored.parquet", "previous_model": "models/chat"}
            },
            "iterate.min_score": 0.0,
            "polish.model": "models/chat_iter_1",
            "perplexity.max": 0,
            "evaluate.judge_limit": 2,
            "evaluate.num_shots": [0, 1],
            "evaluate.answer_max_new_tokens": 8,
            "evaluate.judge_max_new_tokens": 8,
            **{
                f"{stage}.{key}": value
                for stage in ("train_label", "train_chat", "finetune")
                for key, value in TINY_TRAINING.items()
            },
        },
    )
    # The filter reads the iterate round's scores: wiring set in dvc.yaml's vars, not in params.
    dvc_yaml = repo / "dvc.yaml"
    dvc_yaml.write_text(
        dvc_yaml.read_text(encoding="utf-8").replace(
            "  - scores: data/interim/scored.parquet", "  - scores: data/interim/scored_iter_1.parquet"
        ),
        encoding="utf-8",
    )
    # Only the JSON poems: a tiny corpus keeps the random model's work small.
    update_params(
        repo,
        {
            "ingest.sources": [
                {
                    "name": "poems",
                    "path": "data/raw/fixture/poems.json",
                    "format": "json",
                    "text_field": "paragraphs",
                    "title_field": "title",
                }
            ]
        },
    )
    commit(repo, "fixture pipeline")

    monkeypatch.setenv("KUN_PARAMS_TRACE", str(tmp_path / "params_read"))
    first = dvc(repo, "repro")
    monkeypatch.delenv("KUN_PARAMS_TRACE")
    assert ran_stages(first) == {"ingest", "dedup"} | GENERATION_STAGES
    # Each stage's `params:` list in dvc.yaml is exactly what its command read: a key read but
    # not listed would leave the stage stale when it changes; one listed in vain reruns it for nothing.
    assert params_coverage(repo, tmp_path / "params_read") == {}
    data = json.loads((repo / "metrics/data.json").read_text())
    funnel = data["funnel"]
    assert funnel["segments"] == 2 and funnel["candidates"] + sum(data["dropped"]["label"].values()) == 4
    final_rows = (
        pl.read_ndjson(repo / "data/processed/kun.jsonl")
        if (repo / "data/processed/kun.jsonl").stat().st_size
        else pl.DataFrame()
    )
    assert (
        funnel["final"] == final_rows.height and funnel["after_perplexity"] == funnel["unique_segments"] == 2
    )
    assert (repo / "data/processed/README.md").read_text().startswith("# kun")
    filter_metrics = json.loads((repo / "metrics/filter.json").read_text())
    assert (
        filter_metrics["kept"] + sum(filter_metrics["rejected"].values())
        == filter_metrics["candidates"]
        == funnel["candidates"]
    )
    label_metrics = json.loads((repo / "metrics/label.json").read_text())
    assert label_metrics["backend_calls"] == 4 and label_metrics["cache_misses"] == 4
    summary = flatten(json.loads((repo / "metrics/metrics.json").read_text()))
    # score.mean is null when the instruction rules left a random model nothing to score
    for key in (
        "data.final",
        "dedup.rate",
        "score.unparsable",
        "train_label.final_loss",
        "finetune.steps",
        "eval.demo.0-shot.final",
        "eval.demo.0-shot.base",
        "eval.judge.win_rate",
        "iterate.round_1.final_loss",
        "iterate.round_1.curated_pairs",
    ):
        assert key in summary, key
    check_eval_metrics(json.loads((repo / "metrics/eval.json").read_text()), summary)
    # `dvc metrics show` is one readable table: the summary is the only metrics file
    shown = json.loads(dvc(repo, "metrics", "show", "--json").stdout)
    files = [path for revision in shown.values() for path in revision["data"]]
    assert files == ["metrics/metrics.json"], files
    commit(repo, "first run")

    second = dvc(repo, "repro")
    assert ran_stages(second) == set()

    # A dedup rerun with the same survivors changes only its timing figures: the report and the
    # funnel follow, the models and the evaluation do not.
    assert ran_stages(dvc(repo, "repro", "--force", "--single-item", "dedup")) == {"dedup"}
    assert ran_stages(dvc(repo, "repro")) <= {"assemble", "report"}
    commit(repo, "dedup rerun")

    experiment = dvc(repo, "exp", "run", "-S", "filter.min_score=0.7")
    ran = ran_stages(experiment)
    assert "filter" in ran and ran <= {"filter", "polish", "assemble", "finetune", "evaluate", "report"}
    assert not ran & {
        "ingest",
        "dedup",
        "base_model",
        "train_label",
        "train_chat",
        "label",
        "score",
        "iterate@1",
    }
    iteration = json.loads((repo / "metrics/iterate/round_1.json").read_text())
    assert (
        iteration["curated_pairs"] == iteration["polished"] - sum(iteration["assemble_dropped"].values())
        and iteration["train"]["steps"] == 2
    )
    scored = pl.read_parquet(repo / "data/interim/scored_iter_1.parquet")
    kept = pl.read_parquet(repo / "data/interim/kept.parquet")
    # The other instruction gates are off here; a random model's bytes can still break a character.
    assert (
        kept.height
        == scored.filter((pl.col("score") >= 0.7) & ~pl.col("instruction").str.contains("\ufffd")).height
    )

    # Editing a kun module reruns exactly the stages whose import closure holds it.
    for module in ("kun/instructions/gates.py", "kun/instructions/chat_format.py"):
        original = (repo / module).read_text(encoding="utf-8")
        (repo / module).write_text(original + "\n# edited\n", encoding="utf-8")
        assert _changed_stages(repo) == _stages_reaching(repo, module), module
        (repo / module).write_text(original, encoding="utf-8")
    assert _changed_stages(repo) == set()

    # A perplexity threshold change reruns the gate from the cache: no model call, no model load.
    gated = dvc(repo, "exp", "run", "-S", "perplexity.max=1000000")
    assert "perplexity" in ran_stages(gated)
    perplexity = json.loads((repo / "metrics/perplexity.json").read_text())
    assert perplexity["backend_calls"] == 0 and perplexity["cache_hits"] == perplexity["segments"] == 2


def _stages_reaching(repo: Path, module: str) -> set[str]:
    """Stages of the repository copy whose script's import closure contains `module`."""
    import yaml
    from test_dvc_deps import ROOT, import_closure

    stages = set()
    for name, stage in yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8"))["stages"].items():
        body = stage.get("do", stage)
        if ROOT / module in import_closure(ROOT / body["cmd"].split()[1]):
            stages.add(name)
    return stages


def _changed_stages(repo: Path) -> set[str]:
    out = dvc(repo, "status").stdout
    return {
        line.rstrip(":").split("@")[0]
        for line in out.splitlines()
        if line and not line[0].isspace() and line.endswith(":")
    }
