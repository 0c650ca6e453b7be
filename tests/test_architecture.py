"""The layering of docs/architecture.md, enforced with `ast` (lazy imports inside functions count).

- the shared core (kun/core, kun/prompts) imports nothing else of kun;
- kun/llm imports only the core;
- a phase (corpus -> dedup -> instructions -> training -> evaluation) imports the core, llm and
  earlier phases, never a later one;
- nothing in kun/ imports stages/ (the DVC glue);
- no module over 350 lines, no function over 80.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KUN = ROOT / "kun"
PHASES = ["corpus", "dedup", "instructions", "training", "evaluation"]
CORE = {"core", "prompts", "rules"}
MAX_MODULE_LINES = 350
MAX_FUNCTION_LINES = 80


def layer_of(module: str) -> str:
    """`kun.instructions.label` -> `instructions`; top-level modules are the app layer."""
    parts = module.split(".")
    if parts[0] != "kun" or len(parts) == 1:
        return "app"
    return parts[1] if parts[1] in CORE | {"llm", "cli", *PHASES} else "app"


def allowed(importer: str) -> set[str]:
    if importer in CORE:
        return set(CORE)
    if importer == "llm":
        return CORE | {"llm"}
    if importer in PHASES:
        return CORE | {"llm"} | set(PHASES[: PHASES.index(importer) + 1])
    return CORE | {"llm", "cli", "app", *PHASES}


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module == "kun":  # from kun import prompts
            found += [(node.lineno, f"kun.{alias.name}") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
    return found


MODULES = sorted(KUN.rglob("*.py"))


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_module_imports_a_later_layer(path):
    importer = layer_of(module_name(path))
    bad = [
        f"{path.relative_to(ROOT)}:{line} imports {name} ({layer_of(name)}), which the {importer} layer may not use"
        for line, name in imports(path)
        if name.split(".")[0] == "stages" or (name.split(".")[0] == "kun" and layer_of(name) not in allowed(importer))
    ]
    assert not bad, "\n".join(bad)


def test_the_rule_catches_a_backwards_import(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def f():\n    from kun.training.loop import train\n    import stages.train\n")
    names = [name for _, name in imports(sneaky)]
    assert "kun.training.loop" in names and "stages.train" in names
    assert layer_of("kun.training.loop") not in allowed("instructions")
    assert layer_of("kun.instructions.label") not in allowed("core")
    assert layer_of("kun.corpus.text") in allowed("instructions")


def test_every_package_is_a_known_layer():
    packages = {path.parent.name for path in KUN.glob("*/__init__.py")}
    assert packages <= CORE | {"llm", "cli", *PHASES}, packages - (CORE | {"llm", "cli", *PHASES})
    assert {path.stem for path in KUN.glob("*.py")} == {"__init__"}, "modules belong in a layer's folder"


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(ROOT)))
def test_modules_and_functions_stay_small(path):
    source = path.read_text(encoding="utf-8")
    lines = len(source.splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)}: {lines} lines; split it by job (at most {MAX_MODULE_LINES})"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines, line {node.lineno})"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{path.relative_to(ROOT)}: functions over {MAX_FUNCTION_LINES} lines: {', '.join(long)}"
