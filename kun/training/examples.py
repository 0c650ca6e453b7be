"""Training examples: (instruction, output) pairs tokenized as one-turn chats, packed and batched.

The loss is on response tokens only: prompt tokens are labelled IGNORE_INDEX (-100). The row
order of every epoch and the packing order are drawn from the seed alone, so a resumed run
replays exactly the order an uninterrupted run would have used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from kun.core.errors import KunError

IGNORE_INDEX = -100  # label of tokens that carry no loss (prompt and padding)


@dataclass
class Examples:
    rows: list[
        dict[str, list[int]]
    ]  # input_ids and labels of equal length; labels are IGNORE_INDEX on the prompt
    dropped: dict[str, int] = field(default_factory=dict)  # reason -> pairs dropped
    truncated: int = 0  # rows cut to max_seq_len


def _truncate(prompt: list[int], target: list[int], max_seq_len: int) -> tuple[list[int], list[int]]:
    """Fit prompt + target into max_seq_len.

    The response keeps up to half the window; the prompt is cut from the left (its end, the
    instruction's last words and the open assistant turn, survives, as at inference in
    kun.llm); then the response is cut from the right (losing its eos) to fill what is left.
    """
    if len(prompt) + len(target) <= max_seq_len:
        return prompt, target
    prompt_budget = max_seq_len - min(len(target), max(1, max_seq_len // 2))
    prompt = prompt[len(prompt) - prompt_budget :] if len(prompt) > prompt_budget else prompt
    return prompt, target[: max_seq_len - len(prompt)]


def build_examples(
    pairs: Iterable[Mapping[str, Any]], tokenizer: Any, max_seq_len: int, reverse: bool = False
) -> Examples:
    """Tokenize pairs as one-turn chats with the tokenizer's chat template.

    prompt = chat template of [user] with the generation prompt; full = prompt + target + eos,
    with labels IGNORE_INDEX on every prompt token so the loss is on the response only. Forwards
    the user turn is the instruction and the target the output; with `reverse` (the backward
    label model) the user turn is the output and the target the instruction. Prompt and target
    are tokenized separately, exactly as the model sees them when it generates after the prompt.
    Pairs with a missing or blank side are dropped and counted per reason.
    """
    if not getattr(tokenizer, "chat_template", None):
        raise KunError(
            f"{getattr(tokenizer, 'name_or_path', 'tokenizer')}: the tokenizer has no chat template; set model.chat_template "
            "(auto gives a base model ChatML)"
        )
    eos = tokenizer.eos_token_id
    if eos is None:
        raise KunError(
            f"{getattr(tokenizer, 'name_or_path', 'tokenizer')}: the tokenizer has no eos token; the model could not learn to stop"
        )
    dropped: Counter[str] = Counter()
    users, targets = [], []
    for pair in pairs:
        instruction, output = pair.get("instruction"), pair.get("output")
        if not isinstance(instruction, str) or not instruction.strip():
            dropped["empty_instruction"] += 1
            continue
        if not isinstance(output, str) or not output.strip():
            dropped["empty_output"] += 1
            continue
        users.append(output if reverse else instruction)
        targets.append(instruction if reverse else output)
    if not users:
        return Examples([], dict(dropped))
    prompts = [
        tokenizer.apply_chat_template(
            [{"role": "user", "content": text}], tokenize=False, add_generation_prompt=True
        )
        for text in users
    ]
    prompt_ids = tokenizer(prompts, add_special_tokens=False)["input_ids"]
    target_ids = tokenizer(targets, add_special_tokens=False)["input_ids"]
    rows, truncated = [], 0
    for prompt, target in zip(prompt_ids, target_ids):
        full_length = len(prompt) + len(target) + 1
        prompt, target = _truncate(list(prompt), list(target) + [eos], max_seq_len)
        truncated += len(prompt) + len(target) < full_length
        if not target:
            dropped["no_response_tokens"] += 1
            continue
        rows.append({"input_ids": prompt + target, "labels": [IGNORE_INDEX] * len(prompt) + target})
    return Examples(rows, dict(dropped), truncated)


def _permutation(size: int, seed: int, salt: int) -> list[int]:
    import torch

    generator = torch.Generator().manual_seed((seed * 1_000_003 + salt) % (1 << 63))
    return torch.randperm(size, generator=generator).tolist()


def epoch_order(num_rows: int, seed: int, epoch: int) -> list[int]:
    """Row order of one epoch: a permutation drawn from (seed, epoch) only, so a resumed run
    replays exactly the order the interrupted run would have used."""
    return _permutation(num_rows, seed, epoch + 1)


def pack_examples(
    rows: list[dict[str, list[int]]], max_seq_len: int, seed: int
) -> list[dict[str, list[int]]]:
    """Concatenate whole examples (in a seeded order) into blocks of at most max_seq_len tokens.

    Each example keeps its own labels, so the loss is still on responses only. Attention is not
    masked between examples of one block and position ids run on across them: the usual cheap
    packing, a little cross-example leakage in exchange for far fewer pad tokens.
    """
    blocks: list[dict[str, list[int]]] = []
    current: dict[str, list[int]] = {"input_ids": [], "labels": []}
    for index in _permutation(len(rows), seed, 0):
        row = rows[index]
        if current["input_ids"] and len(current["input_ids"]) + len(row["input_ids"]) > max_seq_len:
            blocks.append(current)
            current = {"input_ids": [], "labels": []}
        current["input_ids"] += row["input_ids"]
        current["labels"] += row["labels"]
    if current["input_ids"]:
        blocks.append(current)
    return blocks


def collate(rows: list[dict[str, list[int]]], pad_token_id: int) -> dict[str, Any]:
    """Right-pad a micro-batch to its longest row."""
    import torch

    width = max(len(row["input_ids"]) for row in rows)
    input_ids = torch.full((len(rows), width), pad_token_id, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE_INDEX, dtype=torch.long)
    attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
    for index, row in enumerate(rows):
        length = len(row["input_ids"])
        input_ids[index, :length] = torch.tensor(row["input_ids"])
        labels[index, :length] = torch.tensor(row["labels"])
        attention_mask[index, :length] = 1
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}
