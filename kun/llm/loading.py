"""`load_llm`, the one way stages get a cached LLM: the model path checked, the engine (local or
Ray) and the backend (kun.llm.backends) chosen.
"""

from __future__ import annotations

from pathlib import Path

from kun.core.errors import ParamsError
from kun.llm.backends import LazyBackend, make_backend
from kun.llm.cached import LLM
from kun.llm.params import LLMParams


def load_llm(params: LLMParams, model_path: str | Path, key: str = "model", chat: bool = True) -> LLM:
    """The cached LLM for a stage; `key` names the params entry that chose `model_path`, for errors.

    With `chat`, a local model must have a chat template (checked now, from the tokenizer alone,
    rather than after other work has run)."""
    if params.backend != "openai":
        path = Path(model_path)
        if not path.exists():
            raise ParamsError(
                key,
                f"{model_path}: model not found; build it first (the step that writes it), or set {key} to a model directory",
            )
        if not (path / "config.json").exists():
            raise ParamsError(
                key,
                f"{model_path}: not a model directory (no config.json); set {key} to a directory written by save_pretrained",
            )
    if params.engine == "ray":
        from kun.llm.ray_backend import RayBackend

        return LLM(
            RayBackend(params, model_path), chunk_size=params.chunk_size, commit_every_s=params.commit_every_s
        )
    backend = (
        make_backend(params, model_path) if params.backend == "openai" else LazyBackend(params, model_path)
    )
    if chat and params.backend != "openai" and not getattr(backend.tokenizer, "chat_template", None):
        raise ParamsError(
            key,
            f"{model_path}: the tokenizer has no chat template (chat_template.jinja or "
            "tokenizer_config.json); use a model directory written by base_model or a training stage (they add "
            "one: model.chat_template), or a chat model",
        )
    return LLM(backend, chunk_size=params.chunk_size, commit_every_s=params.commit_every_s)
