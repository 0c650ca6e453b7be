"""Report (not a test): kun modules over 350 lines and functions over 80, largest first.

A signal for splitting a module by job; `ruff format` keeps lines short, so the report counts
formatted lines. Run `make sizes`.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULE_LINES, FUNCTION_LINES = 350, 80


def main() -> None:
    modules, functions = [], []
    for path in sorted((ROOT / "kun").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        name = str(path.relative_to(ROOT))
        modules.append((len(source.splitlines()), name))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions.append((node.end_lineno - node.lineno + 1, f"{name}:{node.lineno} {node.name}"))
    big_modules = sorted((item for item in modules if item[0] > MODULE_LINES), reverse=True)
    big_functions = sorted((item for item in functions if item[0] > FUNCTION_LINES), reverse=True)
    print(
        f"{len(modules)} modules, {sum(lines for lines, _ in modules)} lines; over {MODULE_LINES} lines: {len(big_modules)}"
    )
    for lines, name in big_modules:
        print(f"  {lines:5d}  {name}")
    print(f"{len(functions)} functions; over {FUNCTION_LINES} lines: {len(big_functions)}")
    for lines, name in big_functions:
        print(f"  {lines:5d}  {name}")


if __name__ == "__main__":
    main()
