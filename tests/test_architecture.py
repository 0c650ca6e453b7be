"""The layering of docs/architecture.md, enforced with `ast` (lazy imports inside functions count).

- the shared core (kun/core, kun/prompts) imports nothing else of kun;
- kun/llm imports only the core;
- a phase (corpus -> dedup -> instructions -> training -> evaluation) imports the core, llm and
  earlier phases, never a later one;
- nothing in kun/ imports stages/ (the DVC glue);
- no import loop, lazy imports inside functions included.
Module and function sizes are a report (`make sizes`), not a test: `ruff format` keeps lines short.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KUN = ROOT / "kun"
PHASES = ["corpus", "dedup", "instructions", "training", "evaluation"]
CORE = {"core", "prompts", "rules"}


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
        if name.split(".")[0] == "stages"
        or (name.split(".")[0] == "kun" and layer_of(name) not in allowed(importer))
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


def _import_graph() -> dict[str, set[str]]:
    """kun module -> the kun modules it imports, lazy imports inside functions included.
    `from kun.llm import tokens` is an edge to kun.llm.tokens, `from kun.llm import LLM` one to
    the package's __init__ (the implicit run of a package's __init__ is not counted)."""
    modules = {module_name(path) for path in MODULES}

    def resolve(name: str) -> str | None:
        for candidate in (name, f"{name}.__init__"):
            if candidate in modules:
                return candidate
        return None

    graph = {}
    for path in MODULES:
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets.update(resolve(alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets.update(
                    resolve(f"{node.module}.{alias.name}") or resolve(node.module) for alias in node.names
                )
        graph[module_name(path)] = targets - {None, module_name(path)}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index, low, stack, on_stack, cycles, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_loop():
    assert import_cycles(_import_graph()) == []


def test_the_loop_finder_finds_a_loop():
    assert import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []
