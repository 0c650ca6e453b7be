"""The commands the docs show in blocks marked ```sh tested run as shown.

In such a block, lines after `$ ` are commands and the lines under one are its expected output
(a line ending in `...` matches any line that starts with what comes before it); in a block
without `$`, every `kun` and `dvc` line is a command (other tools' lines are left to their own
tests). Each block runs in a fresh folder holding tests/fixtures/docs/*, params.yaml,
data/eval/demo and a tiny random model as models/base.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def documented_blocks() -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """(page:line, [(command, expected output lines)]) for every ```sh tested block."""
    blocks = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"^```sh tested\n(.*?)^```", text, re.S | re.M):
            lines = match.group(1).splitlines()
            steps: list[tuple[str, list[str]]] = []
            if any(line.startswith("$ ") for line in lines):
                for line in lines:
                    if line.startswith("$ "):
                        steps.append((line[2:], []))
                    elif steps and line.strip():
                        steps[-1][1].append(line)
            else:
                steps = [(line, []) for line in lines if line.split()[:1] in (["kun"], ["dvc"])]
            where = f"{page.relative_to(ROOT)}:{text[: match.start()].count(chr(10)) + 1}"
            blocks.append((where, steps))
    return blocks


def _matches(expected: str, output: list[str]) -> bool:
    if expected.endswith("..."):
        return any(line.startswith(expected[:-3].rstrip()) for line in output)
    return expected in output


@pytest.mark.parametrize("where, steps", documented_blocks(), ids=[where for where, _ in documented_blocks()])
def test_a_documented_command_runs_as_shown(where, steps, tmp_path, tiny_model_dir):
    shutil.copytree(ROOT / "tests/fixtures/docs", tmp_path, dirs_exist_ok=True)
    shutil.copy(ROOT / "params.yaml", tmp_path / "params.yaml")
    shutil.copytree(ROOT / "data/eval/demo", tmp_path / "data/eval/demo")
    (tmp_path / "models").mkdir()
    (tmp_path / "models/base").symlink_to(tiny_model_dir, target_is_directory=True)
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "KUN_NO_PROGRESS": "1"}
    assert steps, f"{where}: a tested block with no command"
    for command, expected in steps:
        result = subprocess.run(shlex.split(command), cwd=tmp_path, env=env, capture_output=True, text=True)
        output = (result.stdout + result.stderr).splitlines()
        assert result.returncode == 0, f"{where}: `{command}` failed:\n{result.stdout}\n{result.stderr}"
        missing = [line for line in expected if not _matches(line, output)]
        assert not missing, f"{where}: `{command}` did not print {missing}; it printed:\n" + "\n".join(output)


def test_the_pages_have_documented_blocks():
    assert len(documented_blocks()) >= 3
