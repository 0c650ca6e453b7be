"""Run the real DVC pipeline in a throwaway copy of the repository."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
_SKIP = {
    ".git",
    ".venv",
    ".kun_cache",
    ".pytest_cache",
    "__pycache__",
    "data",
    "models",
    "metrics",
    "dvclive",
    ".dvc",
    "dvc.lock",
}


def make_repo_copy(target: Path) -> Path:
    """Copy the code, dvc.yaml and params into `target`, init git and DVC there; no data, no cache."""
    target.mkdir(parents=True, exist_ok=True)
    for item in REPO_ROOT.iterdir():
        if item.name in _SKIP or item.name.endswith(".egg-info"):
            continue
        destination = target / item.name
        if item.is_dir():
            shutil.copytree(item, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(item, destination)
    for folder in ("data/raw", "data/seed", "data/eval", "models", "metrics"):
        source = REPO_ROOT / folder
        if source.exists() and folder != "data/raw":
            shutil.copytree(source, target / folder, ignore=shutil.ignore_patterns("*.parquet"))
        (target / folder).mkdir(parents=True, exist_ok=True)
    run(["git", "init", "-q"], target)
    run([sys.executable, "-m", "dvc", "init", "-q"], target)
    if (REPO_ROOT / ".dvc" / "plots").is_dir():  # the project's plot templates
        shutil.copytree(REPO_ROOT / ".dvc" / "plots", target / ".dvc" / "plots")
    run([sys.executable, "-m", "dvc", "config", "core.analytics", "false"], target)
    return target


def dvc_env() -> dict[str, str]:
    env = dict(os.environ)
    # Stages run `python stages/...`: that must be this interpreter.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("GIT_AUTHOR_NAME", "kun-test")
    env.setdefault("GIT_AUTHOR_EMAIL", "kun-test@example.invalid")
    env.setdefault("GIT_COMMITTER_NAME", "kun-test")
    env.setdefault("GIT_COMMITTER_EMAIL", "kun-test@example.invalid")
    env["DVC_NO_ANALYTICS"] = "1"
    env["KUN_NO_PROGRESS"] = "1"
    return env


def run(command: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=dvc_env(), capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    return result


def dvc(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run([sys.executable, "-m", "dvc", *args], cwd, check)


def ran_stages(result: subprocess.CompletedProcess, gate: bool = False) -> set[str]:
    """Names of the stages DVC ran (from its "Running stage 'x':" lines). The check_params gate,
    which reruns on any params change and never changes its output, is left out unless `gate`."""
    out = result.stdout + result.stderr
    ran = {line.split("'")[1] for line in out.splitlines() if line.startswith("Running stage '")}
    return ran if gate else ran - {"check_params"}


def update_params(repo: Path, updates: dict) -> None:
    path = repo / "params.yaml"
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    for dotted, value in updates.items():
        node = params
        *parents, last = dotted.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = value
    path.write_text(yaml.safe_dump(params, allow_unicode=True, sort_keys=False), encoding="utf-8")


def drop_stage(repo: Path, name: str) -> None:
    """Use-your-own-data setup: remove a stage (e.g. the demo corpus download) from dvc.yaml."""
    path = repo / "dvc.yaml"
    pipeline = yaml.safe_load(path.read_text(encoding="utf-8"))
    del pipeline["stages"][name]
    path.write_text(yaml.safe_dump(pipeline, allow_unicode=True, sort_keys=False), encoding="utf-8")


def commit(repo: Path, message: str) -> None:
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-qm", message], repo)


def params_coverage(repo: Path, trace_dir: Path) -> dict[str, dict[str, list[str]]]:
    """What each stage's `params:` list (as dvc.lock records it) misses or lists in vain, against
    the params its command read (kun.core.params' KUN_PARAMS_TRACE records). {} when exact.

    A read key is covered by a listed key equal to it or above it (`iterate` covers
    `iterate.rounds.1.previous`); a listed key is used when some read key is it or lies under it.
    A stage that lists the whole file (check_params) is exact by definition.
    """
    lock = yaml.safe_load((repo / "dvc.lock").read_text(encoding="utf-8"))["stages"]
    reads: dict[str, set[str]] = {}
    for path in trace_dir.glob("*.json"):
        record = json.loads(path.read_text(encoding="utf-8"))
        reads.setdefault(" ".join(["python", *record["argv"]]), set()).update(record["reads"])
    problems: dict[str, dict[str, list[str]]] = {}
    for name, stage in lock.items():
        listed = stage.get("params", {}).get("params.yaml")
        if listed is None or name == "check_params":
            continue
        listed_keys, read = set(listed), reads.get(stage["cmd"], set())
        missing = sorted(
            key
            for key in read
            if not any(key == entry or key.startswith(entry + ".") for entry in listed_keys)
        )
        unused = sorted(
            entry
            for entry in listed_keys
            if not any(key == entry or key.startswith(entry + ".") for key in read)
        )
        if missing or unused:
            problems[name] = {"read but not listed": missing, "listed but not read": unused}
    return problems


CORPUS_FIXTURES = REPO_ROOT / "tests" / "fixtures" / "corpus"
DOCS_SOURCE = {
    "name": "docs",
    "path": "data/raw/fixture/docs.jsonl",
    "format": "jsonl",
    "text_field": "content",
    "id_field": "id",
}


def use_fixture_corpus(repo: Path, sources: list[dict] | None = None, **params) -> None:
    """The fixture corpus (tests/fixtures/corpus) as data/raw/fixture instead of the demo corpus,
    whose fetch stage is dropped; ingest reads `sources` (default: its docs.jsonl), with min_chars
    20 and any further `params` (dotted keys)."""
    drop_stage(repo, "fetch_corpus")
    shutil.copytree(CORPUS_FIXTURES, repo / "data" / "raw" / "fixture")
    update_params(repo, {"ingest.sources": sources or [DOCS_SOURCE], "ingest.min_chars": 20, **params})
