"""Fine-tuning on the tiny random Llama: label masks, truncation, learning, saving, resuming, errors."""

from __future__ import annotations

import csv
import json

import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM, AutoTokenizer

from kun.core.errors import KunError
from kun.core.params import from_mapping
from kun.training.checkpoints import default_checkpoint_dir
from kun.training.examples import IGNORE_INDEX, build_examples, epoch_order, pack_examples
from kun.training.loop import train
from kun.training.model import load_model, save_model
from kun.training.params import TrainParams

PAIRS = [
    {"instruction": "什么是光合作用？", "output": "光合作用把光能转化为化学能。"},
    {"instruction": "写一句关于春天的诗。", "output": "春眠不觉晓，处处闻啼鸟。"},
    {"instruction": "解释温故而知新。", "output": "温习学过的知识，获得新的理解。"},
    {"instruction": "长城有多长？", "output": "长城是中国古代的军事防御工程。"},
    {"instruction": "黄河是什么？", "output": "黄河是中国第二长河。"},
    {"instruction": "背一句论语。", "output": "学而时习之，不亦说乎？"},
    {"instruction": "写一句思乡的诗。", "output": "举头望明月，低头思故乡。"},
    {"instruction": "什么是朋友？", "output": "有朋自远方来，不亦乐乎？"},
]

# peft still calls transformers' deprecated `is_gradient_checkpointing`; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:`is_gradient_checkpointing` is deprecated:FutureWarning")

FAST = dict(
    lora_r=8,
    lora_dropout=0.0,
    warmup_ratio=0.0,
    batch_size=4,
    gradient_accumulation_steps=1,
    max_seq_len=128,
    save_steps=0,
    logging_steps=1,
)


@pytest.fixture(scope="module")
def tokenizer(tiny_model_dir):
    return AutoTokenizer.from_pretrained(tiny_model_dir)


def prompt_ids(tokenizer, text):
    prompt = tokenizer.apply_chat_template(
        [{"role": "user", "content": text}], tokenize=False, add_generation_prompt=True
    )
    return tokenizer(prompt, add_special_tokens=False)["input_ids"]


def text_ids(tokenizer, text):
    return tokenizer(text, add_special_tokens=False)["input_ids"]


# -- data ---------------------------------------------------------------------------------------


def test_labels_cover_only_the_response_and_eos(tokenizer):
    pair = PAIRS[0]
    row = build_examples([pair], tokenizer, 1024).rows[0]
    prompt = prompt_ids(tokenizer, pair["instruction"])
    target = text_ids(tokenizer, pair["output"]) + [tokenizer.eos_token_id]
    assert row["input_ids"] == prompt + target
    assert row["labels"] == [IGNORE_INDEX] * len(prompt) + target
    labelled = [token for token in row["labels"] if token != IGNORE_INDEX]
    assert tokenizer.decode(labelled) == pair["output"] + "<|im_end|>"


def test_reverse_swaps_user_and_assistant_turns(tokenizer):
    pair = PAIRS[0]
    row = build_examples([pair], tokenizer, 1024, reverse=True).rows[0]
    prompt = prompt_ids(tokenizer, pair["output"])  # the user turn is the response text
    assert row["input_ids"][: len(prompt)] == prompt
    assert row["labels"][: len(prompt)] == [IGNORE_INDEX] * len(prompt)
    assert (
        tokenizer.decode([t for t in row["labels"] if t != IGNORE_INDEX])
        == pair["instruction"] + "<|im_end|>"
    )


def test_truncation_cuts_the_prompt_from_the_left_and_keeps_the_response(tokenizer):
    long_instruction = "床前明月光，疑是地上霜。" * 40
    examples = build_examples([{"instruction": long_instruction, "output": "好"}], tokenizer, 48)
    row = examples.rows[0]
    target = text_ids(tokenizer, "好") + [tokenizer.eos_token_id]
    assert len(row["input_ids"]) == 48 and examples.truncated == 1
    assert row["labels"][-len(target) :] == target  # the whole response and its eos survive
    assert (
        row["input_ids"][: -len(target)] == prompt_ids(tokenizer, long_instruction)[-(48 - len(target)) :]
    )  # prompt end kept

    long_output = "学而时习之，不亦说乎？" * 40
    row = build_examples([{"instruction": long_instruction, "output": long_output}], tokenizer, 48).rows[0]
    labelled = [t for t in row["labels"] if t != IGNORE_INDEX]
    assert len(row["input_ids"]) == 48 and len(labelled) == 24  # the response keeps half the window
    assert labelled == text_ids(tokenizer, long_output)[:24]
    assert row["input_ids"][:24] == prompt_ids(tokenizer, long_instruction)[-24:]


def test_blank_pairs_are_dropped_and_counted(tokenizer):
    pairs = [
        PAIRS[0],
        {"instruction": "问题", "output": "  "},
        {"instruction": "", "output": "答"},
        {"output": "答"},
        PAIRS[1],
    ]
    examples = build_examples(pairs, tokenizer, 64)
    assert len(examples.rows) == 2
    assert examples.dropped == {"empty_output": 1, "empty_instruction": 2}


def test_packing_keeps_each_examples_label_mask(tokenizer):
    rows = build_examples(PAIRS, tokenizer, 128).rows
    blocks = pack_examples(rows, 128, seed=0)
    assert len(blocks) < len(rows) and all(len(b["input_ids"]) <= 128 for b in blocks)
    assert sorted(t for b in blocks for t in b["labels"]) == sorted(t for r in rows for t in r["labels"])
    assert sum(len(b["input_ids"]) for b in blocks) == sum(len(r["input_ids"]) for r in rows)


def test_same_seed_gives_the_same_data_order():
    assert epoch_order(50, 42, 0) == epoch_order(50, 42, 0)
    assert sorted(epoch_order(50, 42, 0)) == list(range(50))
    assert epoch_order(50, 42, 0) != epoch_order(50, 43, 0)
    assert epoch_order(50, 42, 0) != epoch_order(50, 42, 1)


# -- training -----------------------------------------------------------------------------------


def mean(values):
    return sum(values) / len(values)


def run(tiny_model_dir, out, params, **kwargs):
    records = []
    summary = train(tiny_model_dir, PAIRS * 4, out, params, log=records.append, **kwargs)
    return summary, records


def test_lora_learns_and_changes_every_adapter_weight(tiny_model_dir, tmp_path):
    params = TrainParams(method="lora", learning_rate=1e-2, max_steps=30, **FAST)
    initial = {
        name: p.detach().clone()
        for name, p in load_model(tiny_model_dir, params).named_parameters()
        if p.requires_grad
    }
    summary, records = run(tiny_model_dir, tmp_path / "out", params, metrics_dir=tmp_path / "metrics")

    losses = [r["loss"] for r in records]
    assert [r["step"] for r in records] == list(range(1, 31))
    # Less than full fine-tuning can: the tiny model's frozen tied head (weights ~0.02) caps how
    # far adapters on the layers below can move the logits. 5.97 -> 5.68 here.
    assert mean(losses[-3:]) < mean(losses[:3]) - 0.15
    assert summary["steps"] == 30 and summary["final_loss"] == losses[-1]
    assert 0 < summary["trainable_parameters"] < summary["total_parameters"]
    assert summary["examples"] == 32 and summary["dropped_examples"] == 0 and summary["tokens_per_second"] > 0
    assert (
        summary["environment"]["torch"]
        and summary["environment"]["threads"] >= 1
        and summary["environment"]["cpu_capability"]
    )
    adapter_config = json.loads((tmp_path / "out" / "adapter" / "adapter_config.json").read_text())
    assert adapter_config["target_modules"] == sorted(adapter_config["target_modules"])

    adapter = load_file(tmp_path / "out" / "adapter" / "adapter_model.safetensors")
    assert len(adapter) == len(initial) > 0
    for name, before in initial.items():
        saved = adapter[name.replace(".default", "")]
        assert not torch.equal(saved, before), f"{name} did not change"
    AutoModelForCausalLM.from_pretrained(tmp_path / "out")  # merged weights load without peft
    assert not default_checkpoint_dir(tmp_path / "out").exists()

    with open(tmp_path / "metrics" / "plots" / "metrics" / "loss.tsv") as handle:
        assert [int(row["step"]) for row in csv.DictReader(handle, delimiter="\t")] == list(range(1, 31))
    metrics = json.loads((tmp_path / "metrics" / "metrics.json").read_text())
    assert metrics["steps"] == 30 and metrics["final_loss"] == pytest.approx(losses[-1])


def test_full_fine_tuning_learns_and_changes_every_weight(tiny_model_dir, tmp_path):
    params = TrainParams(method="full", learning_rate=5e-3, max_steps=30, **FAST)
    summary, records = run(tiny_model_dir, tmp_path / "out", params)
    losses = [r["loss"] for r in records]
    assert mean(losses[-3:]) < 0.7 * mean(losses[:3])
    assert summary["trainable_parameters"] == summary["total_parameters"]
    before = AutoModelForCausalLM.from_pretrained(tiny_model_dir).state_dict()
    after = AutoModelForCausalLM.from_pretrained(tmp_path / "out").state_dict()
    assert not (tmp_path / "out" / "adapter").exists()
    for name, tensor in before.items():
        assert not torch.equal(after[name], tensor), f"{name} did not change"


def test_lora_adapter_reloads_and_merges_to_the_same_logits(tiny_model_dir, tmp_path, tokenizer):
    from peft import PeftModel

    params = TrainParams(method="lora", lora_r=4)
    model = load_model(tiny_model_dir, params).eval()
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "lora_B" in name:  # B starts at zero: make the adapter do something
                parameter.copy_(torch.randn_like(parameter) * 0.5)
    inputs = torch.tensor([build_examples(PAIRS[:1], tokenizer, 128).rows[0]["input_ids"]])
    with torch.no_grad():
        expected = model(inputs).logits
    save_model(model, tokenizer, tmp_path / "out", merge=True)

    reloaded = PeftModel.from_pretrained(
        AutoModelForCausalLM.from_pretrained(tiny_model_dir), tmp_path / "out" / "adapter"
    ).eval()
    merged = AutoModelForCausalLM.from_pretrained(tmp_path / "out").eval()
    with torch.no_grad():
        assert torch.allclose(reloaded(inputs).logits, expected, atol=1e-4)
        assert torch.allclose(merged(inputs).logits, expected, atol=1e-4)
        assert torch.allclose(reloaded.merge_and_unload()(inputs).logits, expected, atol=1e-4)
        assert not torch.allclose(
            AutoModelForCausalLM.from_pretrained(tiny_model_dir)(inputs).logits, expected, atol=1e-2
        )
    assert AutoTokenizer.from_pretrained(tmp_path / "out").chat_template == tokenizer.chat_template


class Crash(Exception):
    pass


def test_crash_leaves_no_output_and_resume_continues_the_step_count(tiny_model_dir, tmp_path):
    # 8 pairs, batch 2: 4 steps per epoch, so the run crosses an epoch and resumes mid-epoch.
    params = TrainParams(
        method="lora",
        learning_rate=1e-2,
        lora_r=4,
        lora_dropout=0.1,
        max_steps=6,
        save_steps=3,
        batch_size=2,
        gradient_accumulation_steps=1,
        max_seq_len=128,
        warmup_ratio=0.0,
    )
    out, metrics = tmp_path / "out", tmp_path / "metrics"

    def crash_at_4(record):
        if record["step"] == 4:
            raise Crash

    with pytest.raises(Crash):
        train(tiny_model_dir, PAIRS, out, params, metrics_dir=metrics, log=crash_at_4)
    assert not out.exists()  # atomic: no half-written model
    assert [p.name for p in default_checkpoint_dir(out).iterdir()] == ["step-00000003"]

    resumed = []
    summary = train(tiny_model_dir, PAIRS, out, params, metrics_dir=metrics, log=resumed.append)
    assert [r["step"] for r in resumed] == [4, 5, 6]
    assert summary["steps"] == 6 and summary["resumed_from_step"] == 3
    assert (out / "config.json").exists() and (out / "adapter" / "adapter_config.json").exists()
    assert not default_checkpoint_dir(out).exists()
    with open(metrics / "plots" / "metrics" / "loss.tsv") as handle:
        assert [int(row["step"]) for row in csv.DictReader(handle, delimiter="\t")] == [1, 2, 3, 4, 5, 6]

    # The resumed run ends exactly where an uninterrupted one does (data order, dropout, optimizer).
    straight = []
    train(tiny_model_dir, PAIRS, tmp_path / "straight", params, log=straight.append)
    assert [r["loss"] for r in straight[3:]] == pytest.approx([r["loss"] for r in resumed], abs=1e-6)
    a, b = (
        load_file(out / "adapter" / "adapter_model.safetensors"),
        load_file(tmp_path / "straight" / "adapter" / "adapter_model.safetensors"),
    )
    assert all(torch.allclose(a[name], b[name], atol=1e-6) for name in a)


def test_changed_params_do_not_resume_a_stale_checkpoint(tiny_model_dir, tmp_path):
    params = TrainParams(
        method="lora",
        learning_rate=1e-2,
        lora_r=4,
        max_steps=4,
        save_steps=2,
        batch_size=2,
        gradient_accumulation_steps=1,
        max_seq_len=128,
    )

    def crash_at_3(record):
        if record["step"] == 3:
            raise Crash

    with pytest.raises(Crash):
        train(tiny_model_dir, PAIRS, tmp_path / "out", params, log=crash_at_3)
    other = TrainParams(**{**params.__dict__, "learning_rate": 5e-3})
    steps = []
    summary = train(tiny_model_dir, PAIRS, tmp_path / "out", other, log=lambda r: steps.append(r["step"]))
    assert steps == [1, 2, 3, 4] and summary["resumed_from_step"] == 0


def test_same_seed_gives_the_same_losses(tiny_model_dir, tmp_path):
    params = TrainParams(method="lora", learning_rate=1e-2, max_steps=4, **{**FAST, "lora_dropout": 0.1})
    _, first = run(tiny_model_dir, tmp_path / "a", params)
    _, second = run(tiny_model_dir, tmp_path / "b", params)
    assert [r["loss"] for r in first] == [r["loss"] for r in second]


def test_epochs_and_accumulation_set_the_step_count(tiny_model_dir, tmp_path):
    # 32 rows, batch 4, accumulation 3: 8 micro-batches = 3 optimizer steps per epoch.
    params = TrainParams(method="lora", epochs=2.0, **{**FAST, "gradient_accumulation_steps": 3})
    summary, records = run(tiny_model_dir, tmp_path / "out", params)
    assert summary["steps"] == 6 and summary["epochs"] == 2.0
    assert [r["step"] for r in records] == [1, 2, 3, 4, 5, 6]


# -- errors -------------------------------------------------------------------------------------


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(KunError, match="model directory not found"):
        train(tmp_path / "nope", PAIRS, tmp_path / "out", TrainParams())
    (tmp_path / "empty").mkdir()
    with pytest.raises(KunError, match="no config.json"):
        train(tmp_path / "empty", PAIRS, tmp_path / "out", TrainParams())


def test_zero_rows_names_the_drops(tiny_model_dir, tmp_path):
    with pytest.raises(
        KunError,
        match=r"zero rows after filtering \(2 pairs in, 2 dropped: empty_instruction: 1, empty_output: 1\)",
    ):
        train(
            tiny_model_dir,
            [{"instruction": "", "output": "答"}, {"instruction": "问", "output": ""}],
            tmp_path / "out",
            TrainParams(),
        )
    assert not (tmp_path / "out").exists()


def test_unknown_target_module_lists_the_linear_layers(tiny_model_dir, tmp_path):
    params = TrainParams(method="lora", target_modules=["q_proj", "query_key_value"], max_steps=1)
    with pytest.raises(
        KunError,
        match="query_key_value not in the model; its linear layers are down_proj, gate_proj, k_proj, o_proj, q_proj, up_proj, v_proj",
    ):
        train(tiny_model_dir, PAIRS, tmp_path / "out", params)


def test_max_seq_len_beyond_the_model_is_a_clear_error(tiny_model_dir, tmp_path):
    with pytest.raises(KunError, match="max_seq_len: 5000 is more than .* max_position_embeddings 4096"):
        train(tiny_model_dir, PAIRS, tmp_path / "out", TrainParams(max_seq_len=5000))


def test_params_are_validated():
    with pytest.raises(KunError, match="train.lora_dropout"):
        from_mapping(TrainParams, {"lora_dropout": 1.5}, "train")
    with pytest.raises(KunError, match="train.method: 'qlora' is not allowed"):
        from_mapping(TrainParams, {"method": "qlora"}, "train")
    assert from_mapping(
        TrainParams, {"target_modules": ["q_proj"], "learning_rate": 2e-4}, "train"
    ).target_modules == ["q_proj"]


def test_packing_gradient_checkpointing_and_bfloat16_train(tiny_model_dir, tmp_path):
    # bfloat16 after float32 runs in this process also checks that accelerate's singletons reset.
    params = TrainParams(
        method="lora",
        learning_rate=1e-2,
        max_steps=3,
        packing=True,
        gradient_checkpointing=True,
        dtype="bfloat16",
        **{**FAST, "batch_size": 2},
    )
    summary, records = run(tiny_model_dir, tmp_path / "out", params)
    assert summary["sequences"] < summary["examples"] == 32
    assert len(records) == 3 and all(torch.isfinite(torch.tensor(r["loss"])) for r in records)
    assert (tmp_path / "out" / "config.json").exists()


DDP_SCRIPT = """
import json, os, sys
from kun.training.loop import train
from kun.training.params import TrainParams
pairs, model, out = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
params = TrainParams(method="lora", learning_rate=1e-2, lora_r=4, max_steps=4, save_steps=2, batch_size=2, gradient_accumulation_steps=2, max_seq_len=128)
summary = train(model, pairs, out + "/model", params, metrics_dir=out + "/metrics")
with open(f"{out}/summary-{os.environ['RANK']}.json", "w") as handle:
    json.dump(summary, handle)
"""


@pytest.mark.integration  # two processes through `accelerate launch`
def test_two_processes_share_the_data_and_write_once(tiny_model_dir, tmp_path, repo_root):
    """What `accelerate launch --num_processes 2` runs: torchrun processes on CPU (gloo)."""
    import os
    import subprocess
    import sys

    script = tmp_path / "ddp.py"
    script.write_text(DDP_SCRIPT)
    env = {**os.environ, "ACCELERATE_USE_CPU": "true", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(repo_root)}
    command = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--standalone",
        "--nproc_per_node",
        "2",
        str(script),
        json.dumps(PAIRS),
        str(tiny_model_dir),
        str(tmp_path),
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr[-3000:]
    summaries = [json.loads((tmp_path / f"summary-{rank}.json").read_text()) for rank in (0, 1)]
    # 8 rows over 2 processes x batch 2 x accumulation 2: one optimizer step is a whole epoch.
    assert [s["epochs"] for s in summaries] == [4.0, 4.0] and summaries[0]["final_loss"] == summaries[1][
        "final_loss"
    ]
    assert (tmp_path / "model" / "config.json").exists() and not default_checkpoint_dir(
        tmp_path / "model"
    ).exists()
    with open(tmp_path / "metrics" / "plots" / "metrics" / "loss.tsv") as handle:
        assert [int(row["step"]) for row in csv.DictReader(handle, delimiter="\t")] == [1, 2, 3, 4]


def test_dvclive_logging_works_in_a_fresh_git_repo_without_commits(tmp_path, monkeypatch):
    import subprocess
    import sys

    from kun.training.loop import _open_live

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([sys.executable, "-m", "dvc", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)
    live = _open_live("metrics/train/x", [])
    live.log_metric("loss", 1.5)
    live.next_step()
    live.end()
    assert (tmp_path / "metrics/train/x/plots/metrics/loss.tsv").read_text().splitlines()[1].endswith("1.5")
