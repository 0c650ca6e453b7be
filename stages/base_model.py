"""DVC stage `base_model`: params.yaml `model` -> models/base/ (safetensors + tokenizer)."""

import sys

from kun.errors import exit_on_user_error
from kun.models import ModelParams, materialize
from kun.params import load_params, section

if __name__ == "__main__":
    with exit_on_user_error():
        params = section(ModelParams, load_params(), "model")
        path = materialize(params.base, "models/base", params.trust_remote_code, params.revision)
        print(f"base model {params.base} -> {path}", file=sys.stderr)
