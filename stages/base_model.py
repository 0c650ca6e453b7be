"""DVC stages `base_model` and `base_model_other@NAME`: params.yaml `model` -> models/base/ or
models/NAME/ (safetensors + tokenizer).

python stages/base_model.py         materialises model.base into models/base
python stages/base_model.py NAME    materialises model.other_bases.NAME into models/NAME
"""

import sys

from kun.core.errors import KunError, exit_on_user_error
from kun.core.models import ModelParams, materialize
from kun.core.params import load_params, section

if __name__ == "__main__":
    with exit_on_user_error():
        params = section(ModelParams, load_params(), "model")
        name = sys.argv[1] if len(sys.argv) > 1 else "base"
        if name != "base" and name not in params.other_bases:
            raise KunError(f"params.yaml: model.other_bases.{name}: not defined; add it or drop the stage")
        spec = params.base if name == "base" else params.other_bases[name]
        path = materialize(spec, f"models/{name}", params.trust_remote_code, params.revision)
        print(f"base model {spec} -> {path}", file=sys.stderr)
