"""A tiny randomly initialised chat model built in the test (no download): a byte-level BPE
tokenizer trained on a few Chinese lines, a ChatML template, and a 2-layer Llama."""

from __future__ import annotations

from pathlib import Path

CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

CORPUS = [
    "学而时习之，不亦说乎？有朋自远方来，不亦乐乎？",
    "床前明月光，疑是地上霜。举头望明月，低头思故乡。",
    "请解释一下光合作用的过程。指令：回答：好 差 Score: 1 2 3 4 5",
    "长城是中国古代的军事防御工程。黄河是中国第二长河。",
]


def build_tiny_model(path: Path, seed: int = 0, chat_template: bool = True) -> Path:
    """The tiny model in `path`; `chat_template=False` saves a base model's tokenizer, without one."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(
        CORPUS * 20,
        vocab_size=400,
        min_frequency=1,
        special_tokens=["<|im_start|>", "<|im_end|>", "<pad>"],
        show_progress=False,
    )
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe._tokenizer, bos_token="<|im_start|>", eos_token="<|im_end|>", pad_token="<pad>"
    )
    tokenizer.chat_template = CHATML if chat_template else None
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config)
    with torch.no_grad():
        # Tied embeddings: a zero row gives a zero logit, so greedy decoding rarely picks the
        # special tokens and the random model writes (meaningless) text instead of stopping at once.
        model.model.embed_tokens.weight[
            [tokenizer.bos_token_id, tokenizer.eos_token_id, tokenizer.pad_token_id]
        ] = 0.0
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
