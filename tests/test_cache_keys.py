"""Every setting that can change a reply is in the LLM cache key, and `kun cache` reports and prunes.

Each case changes one thing (llm.dtype, llm.max_input_tokens, the chat template, the tokenizer
files, the generation config) and checks that a request answered before is now a cache miss
that reaches the model, while an unchanged rerun is all hits.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import time

import pytest
from click.testing import CliRunner

from kun.cli.commands import main
from kun.llm import LLMParams, load_llm
from kun.llm.base import SamplingParams
from kun.llm.cache import RecordCache

PROMPTS = [[{"role": "user", "content": "床前明月光"}], [{"role": "user", "content": "学而时习之"}]]
SAMPLING = SamplingParams(max_new_tokens=3)


def calls(params: LLMParams, model_dir) -> int:
    llm = load_llm(params, model_dir)
    llm.generate(PROMPTS, SAMPLING)
    return llm.stats["backend_calls"]


def _edit_chat_template(model):
    config = json.loads((model / "tokenizer_config.json").read_text())
    template = model / "chat_template.jinja"
    if template.exists():
        template.write_text(template.read_text().replace("<|im_start|>assistant", "<|im_start|>assistant "))
    else:
        config["chat_template"] = config["chat_template"].replace(
            "<|im_start|>assistant", "<|im_start|>assistant "
        )
        (model / "tokenizer_config.json").write_text(json.dumps(config))


def _edit_tokenizer(model):
    data = json.loads((model / "tokenizer.json").read_text())
    data["added_tokens"] = [
        dict(token, normalized=not token.get("normalized", False)) if token["content"] == "<pad>" else token
        for token in data["added_tokens"]
    ]
    (model / "tokenizer.json").write_text(json.dumps(data))


def _edit_generation_config(model):
    path = model / "generation_config.json"
    config = json.loads(path.read_text()) if path.exists() else {}
    config["eos_token_id"] = (
        [config.get("eos_token_id", 1), 2]
        if not isinstance(config.get("eos_token_id"), list)
        else config["eos_token_id"] + [2]
    )
    path.write_text(json.dumps(config))


@pytest.mark.parametrize(
    "change",
    [
        ("dtype", lambda params, model: (dataclasses.replace(params, dtype="float16"), model)),
        (
            "max_input_tokens",
            lambda params, model: (dataclasses.replace(params, max_input_tokens=1024), model),
        ),
        ("chat_template", lambda params, model: (params, _edit_chat_template(model) or model)),
        ("tokenizer", lambda params, model: (params, _edit_tokenizer(model) or model)),
        ("generation_config", lambda params, model: (params, _edit_generation_config(model) or model)),
    ],
    ids=lambda change: change[0],
)
def test_a_setting_that_changes_replies_misses_the_cache(change, tiny_model_dir, tmp_path):
    model = tmp_path / "model"
    shutil.copytree(tiny_model_dir, model)
    params = LLMParams(device="cpu", dtype="float32")
    assert calls(params, model) == 2
    assert calls(params, model) == 0  # unchanged: every request from the cache
    changed_params, changed_model = change[1](params, model)
    assert calls(changed_params, changed_model) == 2, f"changing {change[0]} replayed the old answers"


def test_settings_that_cannot_change_replies_keep_the_cache(tiny_model_dir):
    from kun.llm.transformers_backend import TransformersBackend

    resolved = TransformersBackend.resolve("cpu", "auto")[1]  # float32
    params = LLMParams(device="cpu", dtype=resolved)
    assert calls(params, tiny_model_dir) == 2
    assert calls(dataclasses.replace(params, batch_size=1, chunk_size=1, num_threads=1), tiny_model_dir) == 0
    assert (
        calls(dataclasses.replace(params, dtype="auto"), tiny_model_dir) == 0
    )  # auto is what it resolves to


def test_cache_info_and_prune(tmp_path):
    path = tmp_path / "llm.sqlite"
    cache = RecordCache(path)
    cache.put_many([("a", "x"), ("b", "y")], "generation")
    cache.put_many([("c", 1.0)], "perplexity")
    with cache._connection:  # age one record by hand
        cache._connection.execute("UPDATE records SET used = ? WHERE key = 'a'", [time.time() - 40 * 86400])
    cache.close()
    runner = CliRunner()
    info = json.loads(runner.invoke(main, ["cache", "info", "--cache", str(path)]).output)
    assert info["records"] == 3 and info["kinds"]["generation"]["records"] == 2 and info["bytes"] > 0
    result = runner.invoke(main, ["cache", "prune", "--unused-for", "30d", "--cache", str(path)])
    assert result.exit_code == 0 and "deleted 1 records" in result.output
    assert RecordCache(path).get_many(["a", "b", "c"]) == {"b": "y", "c": 1.0}
    result = runner.invoke(main, ["cache", "prune", "--all", "--kind", "perplexity", "--cache", str(path)])
    assert "deleted 1 records" in result.output and len(RecordCache(path)) == 1
    assert (
        runner.invoke(main, ["cache", "prune", "--cache", str(path)]).exit_code == 1
    )  # needs --unused-for or --all
    assert (
        "30d, 12h"
        in runner.invoke(main, ["cache", "prune", "--unused-for", "soon", "--cache", str(path)]).output
    )


def test_an_old_cache_file_is_upgraded_in_place(tmp_path):
    import sqlite3

    path = tmp_path / "llm.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE records (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    connection.execute("INSERT INTO records VALUES ('k', '\"v\"')")
    connection.commit()
    connection.close()
    cache = RecordCache(path)
    assert cache.get_many(["k"]) == {"k": "v"}
    assert cache.info()["kinds"]["unknown"]["records"] == 1


def test_top_k_and_min_p_key_sampled_requests_only():
    from kun.llm.base import SamplingParams

    assert SamplingParams(top_k=20).key() == SamplingParams().key()  # greedy: the same reply whatever top_k
    assert SamplingParams(temperature=0.5, top_k=20).key() != SamplingParams(temperature=0.5).key()
    assert SamplingParams(temperature=0.5, min_p=0.1).key() != SamplingParams(temperature=0.5).key()
