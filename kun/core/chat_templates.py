"""Chat templates for models whose tokenizer has none (base models such as Yi-6B or Llama-2).

`model.chat_template` holds one setting per role (label, chat, final):
- `auto`: the tokenizer's own template; a tokenizer without one gets ChatML (the format the Qwen
  and Yi chat models use);
- a named standard template (`chatml`), used even when the tokenizer has its own;
- a path to a Jinja file.
Training writes the template into the saved tokenizer, so every later stage reads it from the
model directory; the setting used is recorded in the training metrics.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from kun.core.errors import KunError

ROLES = ("label", "chat", "final")
NAMED_DIR = Path(__file__).resolve().parent.parent / "prompts" / "chat"
NAMED = tuple(sorted(path.stem for path in NAMED_DIR.glob("*.jinja")))


def check_setting(setting: str, key: str) -> None:
    """A params error naming `key` for a setting that is neither auto, a named template nor a file."""
    if setting == "auto" or setting in NAMED:
        return
    path = Path(setting)
    if not path.is_file():
        raise KunError(
            f"{key}: {setting!r} is not auto, a named template ({', '.join(NAMED)}) or a Jinja file; fix the setting"
        )


def template_text(setting: str, key: str) -> tuple[str, str]:
    """(what to record, the Jinja text) of a named template or a file."""
    check_setting(setting, key)
    if setting in NAMED:
        return setting, (NAMED_DIR / f"{setting}.jinja").read_text(encoding="utf-8")
    try:
        text = Path(setting).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise KunError(
            f"{key}: {setting}: cannot read the template ({error}); give a UTF-8 Jinja file"
        ) from None
    return f"file:{Path(setting).name}:{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}", text


def apply_chat_template(tokenizer: Any, setting: str, key: str) -> str:
    """Give `tokenizer` the template `setting` asks for; returns what was used (`own`, a name,
    `file:NAME:HASH`), for metrics and fingerprints."""
    if setting == "auto":
        if getattr(tokenizer, "chat_template", None):
            return "own"
        setting = "chatml"
    used, text = template_text(setting, key)
    tokenizer.chat_template = text
    return used


def has_own_template(model_dir: str | Path) -> bool:
    """Whether a saved tokenizer carries a chat template (read from its files, no loading)."""
    model_dir = Path(model_dir)
    if (model_dir / "chat_template.jinja").exists() or (model_dir / "chat_template.json").exists():
        return True
    config = model_dir / "tokenizer_config.json"
    try:
        return (
            bool(json.loads(config.read_text(encoding="utf-8")).get("chat_template"))
            if config.exists()
            else False
        )
    except (OSError, ValueError):
        return False
