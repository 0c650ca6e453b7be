"""dvc.yaml lists every kun module and prompt template a stage's script can reach, so editing
one reruns the stages that use it (and a stale output is impossible).

Each stage's import closure is derived with `ast` from its script, following `kun` imports at
any depth, lazy imports inside functions included. Templates: a stage that reaches
kun/prompts must list every template whose task name its modules spell as a string (plain, or
the constant head of an f-string such as f"polish_{template}").
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
# Modules that cannot change a stage's outputs: error wording and progress bars. Package markers
# that hold nothing but a docstring (kun/__init__.py, kun/core/__init__.py, ...) are exempt too.
EXEMPT = {"kun/core/errors.py", "kun/core/progress.py"}


def _is_empty_marker(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return path.name == "__init__.py" and all(
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body
    )


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    if parts[0] != "kun":
        return None
    base = ROOT.joinpath(*parts)
    if base.with_suffix(".py").exists():
        return base.with_suffix(".py")
    if (base / "__init__.py").exists():
        return base / "__init__.py"
    return None


@cache
def _imported_names(path: Path) -> frozenset[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(names)


def import_closure(script: Path) -> set[Path]:
    seen: set[Path] = set()
    todo = [script]
    while todo:
        for name in _imported_names(todo.pop()):
            parts = name.split(".")
            for end in range(1, len(parts) + 1):
                found = _module_file(".".join(parts[:end]))
                if found is not None and found not in seen:
                    seen.add(found)
                    todo.append(found)
    return seen


@cache
def _strings(path: Path) -> frozenset[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
        elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
            found.add(str(node.values[0].value) + "*")  # an f-string's constant head
    return frozenset(found)


def _renders_prompts(path: Path) -> bool:
    """A module that imports kun.prompts (the only way to render a template) or is it."""
    return path == ROOT / "kun/prompts/__init__.py" or any(
        name == "kun.prompts" or name.startswith("kun.prompts.") for name in _imported_names(path)
    )


def templates_reached(modules: set[Path]) -> set[str]:
    """Templates whose task name a module that renders prompts spells; the standard chat
    templates (kun/prompts/chat) wherever kun.core.chat_templates is reached."""
    if ROOT / "kun/prompts/__init__.py" not in modules and ROOT / "kun/core/chat_templates.py" not in modules:
        return set()
    strings = set().union(set(), *(_strings(path) for path in modules if _renders_prompts(path)))
    reached = {"kun/prompts/chat"} if ROOT / "kun/core/chat_templates.py" in modules else set()
    for template in (ROOT / "kun/prompts").glob("*.j2"):
        task = template.name.split(".")[0]
        if task in strings or any(
            s.endswith("*") and task.startswith(s[:-1]) and len(s) > 1 for s in strings
        ):
            reached.add(str(template.relative_to(ROOT)))
    return reached


def _stages():
    for name, stage in yaml.safe_load((ROOT / "dvc.yaml").read_text(encoding="utf-8"))["stages"].items():
        body = stage.get("do", stage)
        yield name, ROOT / body["cmd"].split()[1], [str(dep) for dep in body.get("deps", [])]


@pytest.mark.parametrize("name, script, deps", list(_stages()), ids=[name for name, _, _ in _stages()])
def test_every_module_and_template_a_stage_reaches_is_a_dependency(name, script, deps):
    def covered(path: str) -> bool:
        return any(path == dep or path.startswith(dep.rstrip("/") + "/") for dep in deps)

    modules = import_closure(script)
    needed = {str(path.relative_to(ROOT)) for path in modules if not _is_empty_marker(path)} - EXEMPT
    missing = sorted(path for path in needed | templates_reached(modules) if not covered(path))
    assert str(script.relative_to(ROOT)) in deps
    assert not missing, f"dvc.yaml stage {name} does not list {missing}"
    extra = sorted(
        dep for dep in deps if dep.startswith("kun/") and dep not in needed | templates_reached(modules)
    )
    assert not extra, (
        f"dvc.yaml stage {name} lists {extra}, which its script never imports or renders: a change there would rerun it for nothing"
    )


def test_the_closure_follows_lazy_imports():
    closure = {str(path.relative_to(ROOT)) for path in import_closure(ROOT / "stages/train.py")}
    assert (
        "kun/training/loop.py" in closure
        and "kun/instructions/chat_format.py" in closure
        and "kun/core/models.py" in closure
    )
    assert not any(path.startswith("kun/llm/") for path in closure)  # training does not load the LLM layer
    # kun.llm.backends imports each backend inside the function that picks it
    closure = {str(path.relative_to(ROOT)) for path in import_closure(ROOT / "stages/score.py")}
    assert {
        "kun/llm/transformers_backend.py",
        "kun/llm/vllm_backend.py",
        "kun/llm/openai_backend.py",
    } <= closure
