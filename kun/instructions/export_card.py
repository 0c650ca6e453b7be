"""The card an export publishes: hub front matter, licenses, and how to reproduce the data.

distilabel pushes its pipeline config and a reproduce command with every dataset; kun's card
records, beside the dataset card the assemble stage wrote:
- the dataset's license (`export.license`, the hub's front-matter id) and the license of every
  source and model whose text is in the data (`export.source_licenses`), both required: a dataset
  published without them cannot be used by anyone careful;
- the git commit, the dataset file's md5 and the md5 dvc.lock records for it (the same number
  when the file is the committed output), params.yaml as it was, and the commands that rebuild
  the export from a fresh clone.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kun.core.errors import KunError


@dataclass
class ExportParams:
    # The dataset's license as a hub license id (mit, apache-2.0, cc-by-4.0, other): the card's front matter.
    license: str = ""
    # Every ingest source and every model whose text is in the data -> its license (e.g. MIT, Apache-2.0).
    source_licenses: dict[str, str] = field(default_factory=dict)

    def require_licenses(self, params_path: Path, sources: list[str]) -> None:
        """One error line unless both licenses are given and every ingest source has one."""
        if not isinstance(self.license, str) or not self.license.strip():
            raise KunError(
                f"{params_path}: export.license is empty; set the dataset's license (a hub id such as mit, "
                "apache-2.0 or cc-by-4.0) that the sources' and models' licenses allow"
            )
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9.+-]*", self.license):
            raise KunError(
                f"{params_path}: export.license {self.license!r} is not a license id; use a hub id such as mit, apache-2.0, other"
            )
        empty = [name for name, value in self.source_licenses.items() if not str(value or "").strip()]
        if not self.source_licenses or empty:
            raise KunError(
                f"{params_path}: export.source_licenses{'.' + empty[0] if empty else ''} is empty; list the license of each "
                "ingest source and of each model whose text is in the data (e.g. lunyu: MIT, SmolLM2-135M-Instruct: Apache-2.0)"
            )
        missing = [name for name in sources if name not in self.source_licenses]
        if missing:
            raise KunError(
                f"{params_path}: export.source_licenses has no entry for ingest source {missing[0]!r}; add its license"
            )


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def file_md5(path: Path) -> str:
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def locked_md5(lock_path: Path, relative: str) -> tuple[str, str] | None:
    """(stage, md5) that dvc.lock records for the output at `relative`, or None."""
    if not lock_path.is_file():
        return None
    lock = yaml.safe_load(lock_path.read_text(encoding="utf-8")) or {}
    for stage, entry in (lock.get("stages") or {}).items():
        for out in (entry or {}).get("outs") or []:
            if out.get("path") == relative:
                return stage, out.get("md5", "")
    return None


@dataclass
class Provenance:
    """Where the exported data came from: the repository, the dataset file and the export command."""

    root: Path
    params_path: Path
    dataset: Path
    command: list[str]

    def collect(self) -> dict[str, Any]:
        root = self.root.resolve()
        dataset = self.dataset.resolve()
        relative = str(dataset.relative_to(root)) if dataset.is_relative_to(root) else str(self.dataset)
        locked = locked_md5(root / "dvc.lock", relative)
        return {
            "commit": _git(root, "rev-parse", "HEAD"),
            "uncommitted_changes": bool(_git(root, "status", "--porcelain", "--untracked-files=no")),
            "remote": _git(root, "remote", "get-url", "origin"),
            "dataset": relative,
            "dataset_md5": file_md5(dataset) if dataset.is_file() else None,
            "dvc_lock_stage": locked[0] if locked else None,
            "dvc_lock_md5": locked[1] if locked else None,
            "params": self.params_path.read_text(encoding="utf-8"),
        }


def license_lines(params: ExportParams) -> list[str]:
    return [
        "## Licenses",
        "",
        f"This dataset: `{params.license}`. What went into it:",
        "",
        "| source or model | license |",
        "|---|---|",
        *[f"| {name} | {value} |" for name, value in params.source_licenses.items()],
        "",
    ]


def reproduce_lines(facts: dict[str, Any], command: list[str]) -> list[str]:
    commit = facts["commit"] or "(not a git checkout)"
    same = facts["dvc_lock_md5"] is not None and facts["dvc_lock_md5"] == facts["dataset_md5"]
    if facts["dvc_lock_md5"] is None:
        locked = "dvc.lock does not list this file (it is not a pipeline output here)"
    else:
        locked = f"dvc.lock (stage `{facts['dvc_lock_stage']}`): md5 `{facts['dvc_lock_md5']}`" + (
            ", the same file" if same else ", NOT this file: the export was made from a changed dataset"
        )
    fetch = (
        f"dvc pull {facts['dataset']}   # the published file; or `dvc repro {facts['dvc_lock_stage']}` to rebuild it"
        if facts["dvc_lock_stage"]
        else f"# put the dataset at {facts['dataset']}"
    )
    return [
        "## Reproduce",
        "",
        f"- commit: `{commit}`" + (" (with uncommitted changes)" if facts["uncommitted_changes"] else ""),
        f"- dataset: `{facts['dataset']}`, md5 `{facts['dataset_md5']}`",
        f"- {locked}",
        "",
        "```sh",
        f"git clone {facts['remote'] or '<this repository>'} kun && cd kun",
        f"git checkout {facts['commit'] or '<commit>'}",
        "make setup",
        fetch,
        shlex.join(command),
        "```",
        "",
        "params.yaml:",
        "",
        "```yaml",
        facts["params"].rstrip("\n"),
        "```",
        "",
    ]
