"""A JSON Schema of a params file, from the params dataclasses (pydantic writes each section's
schema), so editors complete and check params.yaml (`kun check-params --schema FILE`).

Every section and nested object refuses unknown keys (`additionalProperties: false`), as the
loader does; each key's description is its comment in the params file the schema is written
from. Ranges declared on a field (kun.core.params: Share, NonNegativeInt, Field(ge=…)) are in it
as minimum/maximum; checks across keys (min below max, bands * rows <= num_perm) stay in each
section's `validate`, so `kun check-params` remains the full check.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def _closed(node: Any) -> None:
    """Set additionalProperties: false on every object with named properties."""
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            node.setdefault("additionalProperties", False)
        for value in node.values():
            _closed(value)
    elif isinstance(node, list):
        for value in node:
            _closed(value)


def key_comments(params_text: str) -> dict[str, dict[str, str]]:
    """{section: {key: the comment after it}} from a params file's `  key: value  # comment` lines."""
    comments: dict[str, dict[str, str]] = {}
    current = None
    for line in params_text.splitlines():
        if line and not line.startswith((" ", "#")):
            current = line.split(":")[0]
            comments.setdefault(current, {})
            continue
        match = re.match(r"^  (\w+):[^#]*#\s*(.+)$", line)
        if current and match:
            comments[current][match.group(1)] = match.group(2).strip()
    return comments


def params_schema(sections: dict[str, type], params_file: str | Path | None = None) -> dict[str, Any]:
    """The JSON Schema of a params file with these sections (section name -> dataclass)."""
    comments = key_comments(Path(params_file).read_text(encoding="utf-8")) if params_file else {}
    properties, definitions = {}, {}
    for name, cls in sections.items():
        schema = TypeAdapter(cls).json_schema(ref_template="#/$defs/{model}")
        definitions.update(schema.pop("$defs", {}))
        for key, description in comments.get(name, {}).items():
            if key in schema.get("properties", {}):
                schema["properties"][key]["description"] = description
        schema["title"] = name
        properties[name] = schema
    schema = {
        "$schema": SCHEMA_URI,
        "title": "kun params",
        "description": "params.yaml of the kun pipeline: one section per stage (kun check-params validates it)",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        **({"$defs": definitions} if definitions else {}),
    }
    _closed(schema)
    return schema
