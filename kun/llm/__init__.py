"""LLM access for every stage: the `llm` params, backend choice and the cached wrapper `LLM`.

- kun.llm.params: LLMParams (the `llm` section) and stage_params;
- kun.llm.backends: make_backend and LazyBackend (local models load lazily);
- kun.llm.loading: load_llm, the one way stages get a cached LLM;
- kun.llm.cached: LLM, the per-record cache in front of any backend;
- kun.llm.base / cache: the backend protocol and the cache store;
- backends: transformers_backend, vllm_backend, openai_backend, ray_backend (imported on use).
"""

from kun.llm.backends import make_backend
from kun.llm.cached import LLM
from kun.llm.loading import load_llm
from kun.llm.params import LLMParams, stage_params

__all__ = ["LLM", "LLMParams", "load_llm", "make_backend", "stage_params"]
