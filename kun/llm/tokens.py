"""The token ids every backend sends for a prompt, so local, offline-vLLM and served models see
the same tokens.

- a conversation is rendered with the tokenizer's chat template, the assistant turn opened, and
  tokenized without adding special tokens again (the template writes its own BOS: a second one
  would change every reply of a Llama-style model);
- a plain-string prompt (multiple choice) is tokenized as it is, without special tokens;
- a prompt longer than `max_input_tokens` keeps its end (the instruction and the open turn);
- a continuation is tokenized on its own, so its tokens are the same after any prompt;
- a text whose perplexity is measured gets the tokenizer's special tokens (BOS), as in training,
  and keeps its first `max_input_tokens` tokens; its perplexity counts every token after the text's
  first one (`perplexity_start`), with or without a BOS before it, so every tokenizer and every
  server (llama.cpp never echoes the token after BOS) counts the same tokens.
"""

from __future__ import annotations

from typing import Any

from kun.core.errors import KunError
from kun.llm.base import Prompt


def render(tokenizer: Any, prompt: Prompt, where: str = "the model") -> str:
    """The prompt as the model reads it: a plain string as is, a conversation through the chat template."""
    if isinstance(prompt, str):
        return prompt
    if not getattr(tokenizer, "chat_template", None):
        raise KunError(
            f"{where}: the tokenizer has no chat template; use a model directory written by base_model or a training "
            "stage (they add one: model.chat_template), or a chat model"
        )
    return tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True)


def context_ids(tokenizer: Any, prompt: Prompt, max_input_tokens: int, where: str = "the model") -> list[int]:
    """The prompt's token ids, its end kept when it is longer than `max_input_tokens`."""
    ids = tokenizer(render(tokenizer, prompt, where), add_special_tokens=False)["input_ids"]
    return ids[-max_input_tokens:]


def continuation_ids(tokenizer: Any, continuation: str) -> list[int]:
    ids = tokenizer(continuation, add_special_tokens=False)["input_ids"]
    if not ids:
        raise KunError(f"empty continuation for log-probabilities: {continuation!r}")
    return ids


def text_ids(tokenizer: Any, text: str, max_input_tokens: int) -> list[int]:
    """A text whose perplexity is measured: with the tokenizer's special tokens, its start kept."""
    return tokenizer(text, add_special_tokens=True)["input_ids"][:max_input_tokens]


def perplexity_start(tokenizer: Any, ids: list[int]) -> int:
    """Index of the first token whose log-probability a perplexity counts: the text's second
    token (1, or 2 after a BOS the tokenizer put first)."""
    bos = getattr(tokenizer, "bos_token_id", None)
    return 2 if bos is not None and len(ids) > 1 and ids[0] == bos else 1
