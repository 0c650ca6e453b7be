"""Prompt templates: jinja files in this folder, rendered with StrictUndefined.

One template per task, role and language: `<task>.<role>.<lang>.j2` (role: system or user).
A researcher edits a prompt without touching code. `prompt_version` hashes the template files
(and any few-shot examples) so every output row records which prompt produced it. Every variable
but the trusted settings in TRUSTED is untrusted text, rendered with the template's delimiters
broken wherever it contains them (kun.prompts.guard).
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.meta

from kun.core.errors import KunError
from kun.prompts.guard import neutralise, template_delimiters

PROMPT_DIR = Path(__file__).resolve().parent
TRUSTED = frozenset({"good", "bad", "subject"})  # settings from params, not data: rendered as they are


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(PROMPT_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
    )


def template_name(task: str, role: str, language: str = "zh") -> str:
    return f"{task}.{role}.{language}.j2"


def _source(name: str) -> str:
    environment = _environment()
    return environment.loader.get_source(environment, name)[0]


@lru_cache(maxsize=64)
def placeholders(name: str) -> frozenset[str]:
    """The variables a template file uses."""
    return frozenset(jinja2.meta.find_undeclared_variables(_environment().parse(_source(name))))


@lru_cache(maxsize=256)
def delimiters(name: str, trusted: tuple[tuple[str, str], ...]) -> tuple[str, ...]:
    """The delimiters a template puts around its untrusted variables, with the trusted ones filled in."""
    source = _source(name)
    for variable, value in trusted:
        source = re.sub(r"\{\{\s*" + re.escape(variable) + r"\s*\}\}", lambda _: value, source)
    return template_delimiters(source, placeholders(name) - TRUSTED)


def render(task: str, role: str, language: str = "zh", **variables: Any) -> str:
    """Render a template; every variable passed must appear in it (a template that lost its
    `{{ instruction }}` would silently send the model a prompt without the instruction).
    Untrusted variables have the template's delimiters broken (kun.prompts.guard)."""
    name = template_name(task, role, language)
    try:
        unused = sorted(set(variables) - placeholders(name))
        if unused:
            raise KunError(
                f"{PROMPT_DIR / name}: the template has no placeholder {', '.join('{{ ' + v + ' }}' for v in unused)}; add it where the text belongs"
            )
        guarded = delimiters(name, tuple(sorted((k, str(v)) for k, v in variables.items() if k in TRUSTED)))
        safe = {
            key: value if key in TRUSTED else neutralise(value, guarded) for key, value in variables.items()
        }
        return _environment().get_template(name).render(**safe).strip()
    except jinja2.TemplateNotFound:
        raise KunError(
            f"{PROMPT_DIR / name}: prompt template not found; add it or fix the task/language"
        ) from None
    except jinja2.UndefinedError as error:
        raise KunError(
            f"{PROMPT_DIR / name}: {error.message}; pass that variable or remove it from the template"
        ) from None


def prompt_version(task: str, language: str = "zh", extra: Any = None) -> str:
    """12-hex hash of the task's template files plus `extra` (e.g. few-shot examples)."""
    digest = hashlib.sha256()
    for path in sorted(PROMPT_DIR.glob(f"{task}.*.{language}.j2")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    if extra is not None:
        digest.update(json.dumps(extra, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()[:12]
