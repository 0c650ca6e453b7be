"""Serve a model directory with llama.cpp's OpenAI-compatible server (llama-cpp-python[server]).

The directory is written as an F32 GGUF file by llama.cpp's own converter (convert_hf_to_gguf.py
from the llama.cpp sources `make llamacpp` unpacks), so the server holds exactly the local
weights: no quantised kernels, and an F32 key-value cache (`type_k`/`type_v` 0: the default F16
cache can flip near-tied greedy choices). `last_n_tokens_size` covers the whole context, so the
repetition penalty's window is the whole reply (llama-cpp-python penalises the reply's own tokens
only, transformers the prompt's too).
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path
from typing import Iterator

from transformers_serve import free_port, running_server

REPO = Path(__file__).resolve().parent.parent
SOURCES = REPO / ".venv" / "llamacpp-src"


def converter() -> Path:
    found = sorted(SOURCES.glob("llama_cpp_python-*/vendor/llama.cpp/convert_hf_to_gguf.py"))
    if not found:
        raise RuntimeError(f"no llama.cpp sources under {SOURCES}: run `make llamacpp` (make test does)")
    return found[-1]


def to_gguf(model_dir: Path, output: Path) -> Path:
    """`model_dir` as an F32 GGUF file."""
    script = converter()
    env = {"PYTHONPATH": str(script.parent / "gguf-py"), "PATH": str(Path(sys.executable).parent)}
    done = subprocess.run(
        [sys.executable, str(script), str(model_dir), "--outtype", "f32", "--outfile", str(output)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"convert_hf_to_gguf.py failed: {done.stderr[-2000:]}")
    return output


@contextlib.contextmanager
def llamacpp_serve(
    gguf: Path, log: Path | None = None, context: int = 4096, start_timeout_s: float = 180
) -> Iterator[str]:
    """Yield the /v1 base URL of a running llama-cpp-python server for `gguf`; stop it on exit."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(context),
        "--last_n_tokens_size",
        str(context),
        "--n_threads",
        "2",
        "--type_k",
        "0",
        "--type_v",
        "0",
    ]
    with running_server(
        command,
        f"http://127.0.0.1:{port}/v1/models",
        "llama_cpp.server (make llamacpp installs it)",
        log,
        start_timeout_s,
    ):
        yield f"http://127.0.0.1:{port}/v1"
