"""Paths live in dvc.yaml: a stage whose command takes its files as arguments names in its cmd
exactly the files its deps and outs list (the gate file and code deps aside), so a path cannot be
changed in one place and forgotten in another."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GATE = "data/interim/params_checked.json"  # every stage waits for check_params; no command reads it
# Inputs a command finds through its params rather than its arguments: the corpus files ingest.sources lists.
READ_THROUGH_PARAMS = {
    "ingest": {"data/raw"},
    "evaluate": {"data/eval"},
    # the pair classifier's labelled pairs (assemble.classifier_pairs, empty: the benchmark)
    "assemble": {"benchmarks/data/gates.jsonl"},
    "iterate": {"benchmarks/data/gates.jsonl"},
}
# Stages whose scripts still hold their paths (not yet run through their `kun` command).
PATHS_IN_SCRIPT: set[str] = set()


def _interpolate(value: str, variables: dict) -> str:
    def lookup(match: re.Match) -> str:
        node = variables
        for part in match.group(1).split("."):
            node = node[part]
        return str(node)

    return re.sub(r"\$\{([^}]+)\}", lookup, value)


def _stages():
    pipeline = yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))
    variables = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    for entry in pipeline.get("vars", []):
        variables.update(entry)
    for name, stage in pipeline["stages"].items():
        if "foreach" in stage:
            continue  # iterate@k, base_model_other@k: their paths follow the round's key
        deps = [_interpolate(str(dep), variables) for dep in stage.get("deps", [])]
        outs = [
            _interpolate(str(next(iter(out))) if isinstance(out, dict) else out, variables)
            for out in stage.get("outs", []) + stage.get("plots", []) + stage.get("metrics", [])
        ]
        yield name, _interpolate(stage["cmd"], variables).split(), deps, outs


def _is_file_argument(word: str) -> bool:
    return "/" in word or word in {"metrics", "data", "models"}


def _covers(argument: str, path: str) -> bool:
    return path == argument or path.startswith(argument.rstrip("/") + "/")


@pytest.mark.parametrize("name, words, deps, outs", list(_stages()), ids=[stage[0] for stage in _stages()])
def test_a_stage_names_its_files_once_in_cmd_deps_and_outs(name, words, deps, outs):
    script, arguments = words[1], [word for word in words[2:] if _is_file_argument(word)]
    if name in PATHS_IN_SCRIPT:
        assert not arguments, (
            f"{name} takes its paths on the command line now: remove it from PATHS_IN_SCRIPT"
        )
        return
    skipped = READ_THROUGH_PARAMS.get(name, set()) | ({GATE} if name != "check_params" else set())
    data = [
        path
        for path in deps + outs
        if not path.startswith(("kun/", "stages/", "requirements.lock")) and path not in skipped
    ]
    unlisted = [argument for argument in arguments if not any(_covers(argument, path) for path in data)]
    assert not unlisted, f"{name}: its cmd names {unlisted}, which are neither deps nor outs"
    models = {path for path in deps if path.startswith("models/") or Path(path).is_absolute()}
    absent = [
        path
        for path in data
        if path not in models and not any(_covers(argument, path) for argument in arguments)
    ]
    assert not absent, f"{name}: its deps/outs list {absent}, which its cmd does not pass (script {script})"


def test_the_check_fails_on_a_path_missing_from_the_cmd():
    words = "python stages/filter.py data/interim/scored.parquet data/interim/kept.parquet".split()
    with pytest.raises(AssertionError, match="filter_rejected"):
        test_a_stage_names_its_files_once_in_cmd_deps_and_outs(
            "filter",
            words,
            ["data/interim/scored.parquet"],
            ["data/interim/kept.parquet", "data/interim/filter_rejected.parquet"],
        )
