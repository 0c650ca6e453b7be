"""Files shipped inside an installed package, found without importing it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from kun.core.errors import KunError


def package_directories(module: str, missing: str) -> list[Path]:
    """The directories of the installed package `module` (a namespace package may have several);
    KunError(`missing`) when it is not installed. Nothing is imported: some packages (a model
    inside a wheel) are data only."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise KunError(missing)
    return [Path(location) for location in spec.submodule_search_locations]
