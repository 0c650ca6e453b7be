"""Rewrite the kun/ deps of every dvc.yaml stage to exactly what its script reaches (`make deps`).

The closure is test_dvc_deps.py's (imports at any depth, lazy ones included, and the prompt
templates the modules name), so after this the test passes. Only a stage's `- kun/...` deps
change (written after its script and requirements.lock); every other dep stays.
"""

from __future__ import annotations

from test_dvc_deps import EXEMPT, ROOT, _is_empty_marker, import_closure, templates_reached


def stage_deps(script: str) -> list[str]:
    modules = import_closure(ROOT / script)
    needed = {str(path.relative_to(ROOT)) for path in modules if not _is_empty_marker(path)} - EXEMPT
    return sorted(needed | templates_reached(modules))


def rewrite(text: str) -> str:
    lines, result, index = text.splitlines(keepends=True), [], 0
    while index < len(lines):
        line = lines[index]
        result.append(line)
        index += 1
        words = line.split()
        if "python" not in words[:2] or not words[words.index("python") + 1].startswith("stages/"):
            continue  # not the line of a stage's command that names its script
        script = words[words.index("python") + 1]
        while not lines[index].strip().startswith("- stages/"):
            result.append(lines[index])
            index += 1
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip())]
        block = []  # the rest of the deps list: every `- ...` line at this indent
        while index < len(lines) and lines[index].startswith(indent + "- "):
            block.append(lines[index])
            index += 1
        kept = [dep for dep in block if not dep.strip().startswith("- kun/")]
        head = [dep for dep in kept if dep.strip().startswith(("- stages/", "- requirements.lock"))]
        result.extend(
            head
            + [f"{indent}- {dep}\n" for dep in stage_deps(script)]
            + [dep for dep in kept if dep not in head]
        )
    return "".join(result)


if __name__ == "__main__":
    path = ROOT / "dvc.yaml"
    path.write_text(rewrite(path.read_text(encoding="utf-8")), encoding="utf-8")
