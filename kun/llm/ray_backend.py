"""The ray engine for LLM batch work (`llm.engine: ray`): model replicas as Ray Data actors.

The driver keeps the record cache (kun.llm.LLM); only cache misses travel. They go out in the
same chunks the local engine uses (`llm.chunk_size`), one chunk per Ray Data row, to
`llm.replicas` actors, each holding one copy of the model through the usual backend
(transformers, vllm or openai) with `llm.cpus_per_replica` / `llm.gpus_per_replica` reserved.
Each replica computes a chunk exactly as the local engine would, so results are identical;
finished chunks stream back in completion order and are committed to the cache at once, so a
crash loses only the chunks in flight.

vLLM on a multi-GPU node: set `gpus_per_replica` to `tensor_parallel_size`, and `replicas` to the
number of such groups in the cluster. Model paths must be valid on every node (a shared
filesystem or the same checkout); hub ids are resolved by each replica.
"""

from __future__ import annotations

import json
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from kun.llm.base import Prompt, SamplingParams


class _Replica:
    """One model copy inside a Ray actor; called with a batch of serialized chunks."""

    def __init__(self, params: dict[str, Any], model_path: str) -> None:
        from kun.llm.backends import make_backend
        from kun.llm.params import LLMParams

        self.backend = make_backend(LLMParams(**params), model_path)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        results = []
        for payload in batch["payload"]:
            request = json.loads(payload)
            if request["method"] == "generate":
                sampling = request["sampling"]
                values = self.backend.generate(
                    request["requests"], SamplingParams(**{**sampling, "stop": tuple(sampling["stop"])})
                )
            elif request["method"] == "logprobs":
                values = self.backend.logprobs(
                    [(prompt, continuation) for prompt, continuation in request["requests"]]
                )
            else:
                values = getattr(self.backend, request["method"])(request["requests"])
            results.append(json.dumps(values, ensure_ascii=False))
        return {"chunk": batch["chunk"], "values": np.array(results, dtype=object)}


class RayBackend:
    """The Backend protocol, with chunks fanned out to replicas (see the module docstring)."""

    name = "ray"

    def __init__(self, params: Any, model_path: str | Path) -> None:
        from kun.core.engine import init_ray

        init_ray()
        local = Path(model_path)
        # Replicas run in other processes (and other nodes) with their own working directory.
        self.model_path = str(local.resolve()) if local.exists() else str(model_path)
        self.params = replace(params, engine="local")
        self.tokenizer = None
        if params.backend == "openai":
            from kun.llm.backends import make_backend

            self._fingerprint = make_backend(self.params, model_path).fingerprint()
        else:
            from transformers import AutoTokenizer

            from kun.llm.backends import local_fingerprint

            # Replicas with a GPU resolve `auto` to cuda even when this driver has none.
            on_replica = (
                replace(self.params, device="cuda")
                if params.gpus_per_replica > 0 and params.device == "auto"
                else self.params
            )
            self._fingerprint = local_fingerprint(on_replica, self.model_path)
            self.tokenizer = AutoTokenizer.from_pretrained(
                self.model_path, trust_remote_code=params.trust_remote_code
            )

    def fingerprint(self) -> str:
        return self._fingerprint

    def map_chunks(
        self, method: str, chunks: list[list[Any]], args: tuple
    ) -> Iterator[tuple[int, list[Any]]]:
        """(chunk number, results) for every chunk, in the order replicas finish them."""
        import ray.data
        from ray.data import ActorPoolStrategy

        if not chunks:
            return
        extra = {"sampling": asdict(args[0])} if method == "generate" else {}
        rows = [
            {
                "chunk": number,
                "payload": json.dumps({"method": method, "requests": chunk, **extra}, ensure_ascii=False),
            }
            for number, chunk in enumerate(chunks)
        ]
        dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            _Replica,
            batch_size=1,
            batch_format="numpy",
            compute=ActorPoolStrategy(size=self.params.replicas),
            num_cpus=self.params.cpus_per_replica,
            num_gpus=self.params.gpus_per_replica or None,
            fn_constructor_kwargs={"params": asdict(self.params), "model_path": self.model_path},
        )
        for row in dataset.iter_rows():
            yield int(row["chunk"]), json.loads(row["values"])

    def generate(self, prompts: list[Prompt], sampling: SamplingParams) -> list[str]:
        return dict(self.map_chunks("generate", [prompts], (sampling,)))[0]

    def logprobs(self, pairs: list[tuple[Prompt, str]]) -> list[float]:
        return dict(self.map_chunks("logprobs", [list(pairs)], ()))[0]

    def perplexity(self, texts: list[str]) -> list[float]:
        return dict(self.map_chunks("perplexity", [list(texts)], ()))[0]
