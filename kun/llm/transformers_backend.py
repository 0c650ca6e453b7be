"""transformers backend: batched generation and log-probabilities with a local model.

Generation tokenizes every prompt, sorts them by length (so a batch wastes little padding),
left-pads batches of `batch_size` rows and calls `model.generate` under
`torch.inference_mode`. Sampling draws each row from its own generator, seeded from
`SamplingParams.seed` and the prompt (kun.llm.base.record_seed), so a record's sample does not
depend on the rows batched with it. A row that ends early is reported to `on_result` at that
step (a stopping criterion that stops nothing), the others when their batch ends.
Log-probabilities encode prompt and continuation separately (as lm-evaluation-harness does),
run one forward pass per batch and sum the continuation tokens' log-softmax. Perplexity encodes
each text as the tokenizer does by default (special tokens included), scores every token after
the first, and applies the output head in slices of the sequence so memory stays at batch x
slice x vocabulary. These forward-only passes batch at most `batch_size` rows and
`max_batch_tokens` padded tokens (compute-bound: long padded batches are slower on the CPU), and
report each batch's results to `on_result`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from kun.core.errors import KunError
from kun.llm import tokens
from kun.llm.base import (
    OnResult,
    Prompt,
    SamplingParams,
    finished,
    generation,
    record_seed,
    reply_fingerprint,
)
from kun.llm.prefix import (
    MIN_SHARED_PREFIX,
    batches_by_length,
    cache_argument,
    prefix_cache,
    repeated,
    shared_prefix_length,
    sorted_batches,
)


def column_major_linear_weights(model) -> int:
    """Store every linear weight transposed in memory (same shape and values).

    `F.linear` multiplies by `weight.t()`; when that view is contiguous, MKL's small-batch GEMM
    is 2-3x faster on the CPU than with the row-major weight (measured: 8x576 @ 576x1536 in
    126 us instead of 277 us). Inference only: the model is not trained afterwards.
    """
    import torch

    count = 0
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.Linear) and module.weight.is_contiguous():
                module.weight.data = module.weight.data.t().contiguous().t()
                count += 1
    return count


def left_padded(sequences: list[list[int]], pad_id: int) -> tuple[Any, Any]:
    """(input ids, attention mask) of token sequences padded on the left to the longest."""
    import torch

    width = max(len(ids) for ids in sequences)
    input_ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, ids in enumerate(sequences):
        input_ids[row, width - len(ids) :] = torch.tensor(ids)
        attention[row, width - len(ids) :] = 1
    return input_ids, attention


def row_sampler(
    seeds: list[int], temperature: float, top_k: int, top_p: float, device: str, min_p: float = 0.0
):
    """A logits processor that samples each row's next token with that row's own generator and
    leaves only that token possible, so greedy decoding takes it.

    transformers' `do_sample` draws a whole batch from one global random stream: a row's sample
    would then depend on the other rows of its batch. Temperature, top-k, top-p and min-p are
    applied as transformers applies them (after the repetition penalty, which generate runs first).
    """
    import torch
    from transformers import LogitsProcessor, LogitsProcessorList

    class RowSampler(LogitsProcessor):
        def __init__(self) -> None:
            self.generators = [torch.Generator(device=device).manual_seed(seed) for seed in seeds]

        def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
            scores = scores.float() / temperature
            if top_k and top_k < scores.shape[-1]:
                kth = torch.topk(scores, top_k, dim=-1).values[:, -1:]
                scores = scores.masked_fill(scores < kth, float("-inf"))
            if top_p < 1.0:
                ordered, positions = torch.sort(scores, descending=False)
                drop = ordered.softmax(dim=-1).cumsum(dim=-1) <= 1 - top_p
                drop[:, -1] = False  # keep at least the most likely token
                scores = scores.masked_fill(drop.scatter(1, positions, drop), float("-inf"))
            probabilities = scores.softmax(dim=-1)
            if min_p > 0.0:  # tokens under min_p times the most likely one's probability
                floor = min_p * probabilities.max(dim=-1, keepdim=True).values
                probabilities = probabilities.masked_fill(probabilities < floor, 0.0)
            chosen = torch.cat(
                [
                    torch.multinomial(probabilities[row], 1, generator=generator)
                    for row, generator in enumerate(self.generators)
                ]
            )
            only = torch.full_like(scores, float("-inf"))
            return only.scatter_(1, chosen[:, None], 0.0)

    return LogitsProcessorList([RowSampler()])


def ended_rows(width: int, end_ids: set[int], report: Callable[[int, list[int]], None]):
    """A stopping criterion that stops nothing: after each decoding step it calls
    `report(row, new tokens)` once for every row whose newest token is an end token, so a row
    that ends early is known before the batch's last step. What it reports is final: a row's
    reply is cut at its first end token, and later steps only pad it."""
    import torch
    from transformers import StoppingCriteria, StoppingCriteriaList

    ends = torch.tensor(sorted(end_ids), dtype=torch.long)

    class EndedRows(StoppingCriteria):
        def __init__(self) -> None:
            self.reported: set[int] = set()

        def __call__(self, input_ids: torch.LongTensor, scores: Any, **kwargs: Any) -> torch.BoolTensor:
            if input_ids.shape[1] > width:
                for row in torch.isin(input_ids[:, -1].cpu(), ends).nonzero().flatten().tolist():
                    if row not in self.reported:
                        self.reported.add(row)
                        report(row, input_ids[row, width:].tolist())
            return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)

    return StoppingCriteriaList([EndedRows()])


class TransformersBackend:
    name = "transformers"

    def __init__(
        self,
        model_path: str | Path,
        device: str = "auto",
        dtype: str = "auto",
        batch_size: int = 8,
        num_threads: int = 0,
        trust_remote_code: bool = False,
        max_input_tokens: int = 2048,
        max_batch_tokens: int = 0,
    ) -> None:
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        path = Path(model_path)
        if not (path / "config.json").exists():
            raise KunError(
                f"{path}: no model here (config.json missing); run `dvc repro base_model` or set llm.model to a model directory"
            )
        if num_threads:
            torch.set_num_threads(num_threads)
        device, dtype = self.resolve(device, dtype)
        torch_dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]
        self.path = path
        self.device = device
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens  # forward-only passes (logprobs, perplexity): tokens per batch, padding included; 0 = batch_size only
        self.max_input_tokens = max_input_tokens
        self.share_prefix = True  # compute a prefix shared by every prompt of a request once
        self.tokenizer = AutoTokenizer.from_pretrained(path, trust_remote_code=trust_remote_code)
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = AutoModelForCausalLM.from_pretrained(
            path, dtype=torch_dtype, trust_remote_code=trust_remote_code
        ).to(device)
        self.model.eval()
        if device == "cpu":
            column_major_linear_weights(self.model)
        self._fingerprint = self.fingerprint_of(model_path, device, dtype, max_input_tokens)
        # Tokens that end a generation: the model's eos ids and the tokenizer's.
        ends = self.model.generation_config.eos_token_id
        self._end_ids = set(ends if isinstance(ends, (list, tuple)) else [ends] if ends is not None else [])
        if self.tokenizer.eos_token_id is not None:
            self._end_ids.add(self.tokenizer.eos_token_id)

    @staticmethod
    def resolve(device: str, dtype: str) -> tuple[str, str]:
        """(device, dtype) with `auto` resolved: cuda when there is one; bf16 there, fp32 on the
        CPU. (On a CPU with AMX-BF16, `bfloat16` generates ~2x faster, but a row's logits then
        depend on its batch at the 1e-2 level instead of 1e-7: an opt-in, see the README.)"""
        import torch

        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if dtype == "auto":
            dtype = "bfloat16" if device.startswith("cuda") else "float32"
        return device, dtype

    @classmethod
    def fingerprint_of(
        cls, model_path: str | Path, device: str = "auto", dtype: str = "auto", max_input_tokens: int = 2048
    ) -> str:
        """The fingerprint without loading the model (lazy loading and the ray driver need it)."""
        device, dtype = cls.resolve(device, dtype)
        return reply_fingerprint(
            "transformers",
            model_path,
            device=device.split(":")[0],
            dtype=dtype,
            max_input_tokens=max_input_tokens,
        )

    def fingerprint(self) -> str:
        return self._fingerprint

    # -- prompts -------------------------------------------------------------------------------

    def _encode(self, prompt: Prompt) -> list[int]:
        return tokens.context_ids(self.tokenizer, prompt, self.max_input_tokens, str(self.path))

    # -- generation ----------------------------------------------------------------------------

    def generate(
        self, prompts: list[Prompt], sampling: SamplingParams, on_result: OnResult = None
    ) -> list[dict]:
        """Generations in length-sorted, left-padded batches; when every prompt starts with the
        same MIN_SHARED_PREFIX+ tokens, that prefix is computed once (kun.llm.prefix).
        `on_result(position, generation)` hears of each row as soon as it ends: a row that hits
        an end token before its batch's last step is reported then, the others when the batch ends."""
        import torch

        encoded = [self._encode(prompt) for prompt in prompts]
        outputs: list[dict] = [generation("")] * len(prompts)
        shared = shared_prefix_length(encoded) if self.share_prefix else 0
        cache = (
            prefix_cache(self.model, encoded[0][:shared], self.device)
            if shared >= MIN_SHARED_PREFIX
            else None
        )
        batches = (batches_by_length if cache is not None else sorted_batches)(
            [len(ids) for ids in encoded], self.batch_size
        )
        pad_id = self.tokenizer.pad_token_id
        for indices in batches:
            input_ids, attention = left_padded([encoded[index] for index in indices], pad_id)
            width = input_ids.shape[1]
            reported: set[int] = set()

            def report(
                row: int, new_tokens: list[int], indices: list[int] = indices, reported: set[int] = reported
            ) -> None:
                outputs[indices[row]] = self._finish(new_tokens, sampling)
                reported.add(row)
                if on_result is not None:
                    on_result(indices[row], outputs[indices[row]])

            kwargs = dict(
                max_new_tokens=sampling.max_new_tokens,
                pad_token_id=pad_id,
                repetition_penalty=sampling.repetition_penalty,
            )
            kwargs.update(do_sample=False, temperature=None, top_p=None, top_k=None)
            if on_result is not None and self._end_ids:
                kwargs["stopping_criteria"] = ended_rows(width, self._end_ids, report)
            if sampling.temperature > 0:
                seeds = [record_seed(sampling.seed, prompts[index]) for index in indices]
                kwargs["logits_processor"] = row_sampler(
                    seeds, sampling.temperature, sampling.top_k, sampling.top_p, self.device, sampling.min_p
                )
            if (
                cache is not None
            ):  # rows of one length: no padding; only the tokens after the prefix are computed
                kwargs[cache_argument(self.model)] = repeated(cache, len(indices))
            with torch.inference_mode():
                generated = self.model.generate(
                    input_ids=input_ids.to(self.device), attention_mask=attention.to(self.device), **kwargs
                )
            for row in range(len(indices)):
                if row not in reported:
                    report(row, generated[row, width:].tolist())
        return outputs

    def _finish(self, new_tokens: list[int], sampling: SamplingParams) -> dict:
        """The generation dict of one row's new tokens: cut at the first end token; `length`
        when the model never ended within max_new_tokens; no U+FFFD from a cut character."""
        tokens = next((position for position, token in enumerate(new_tokens) if token in self._end_ids), None)
        finish = (
            "stop"
            if tokens is not None
            else ("length" if len(new_tokens) >= sampling.max_new_tokens else "stop")
        )
        kept = new_tokens[:tokens] if tokens is not None else new_tokens
        return finished(
            self.tokenizer.decode(kept, skip_special_tokens=True), finish, len(kept), sampling.stop
        )

    # -- log-probabilities ---------------------------------------------------------------------

    def logprobs(self, pairs: list[tuple[Prompt, str]], on_result: OnResult = None) -> list[float]:
        """Summed log-probabilities of each continuation after its prompt (each batch's reported
        to `on_result(position, value)` when it is computed).

        Pairs that share a prompt and have single-token continuations (the option letters of a
        multiple-choice question) share one forward pass over the prompt. Batches are left-padded
        with explicit position ids, and only the last positions' logits are computed, so memory
        does not grow with vocabulary x length.
        """
        import torch

        # A unit is one forward pass: (tokens, [(pair index, target tokens)], shared prompt?).
        units: list[tuple[list[int], list[tuple[int, list[int]]], bool]] = []
        by_context: dict[tuple[int, ...], list[tuple[int, list[int]]]] = {}
        for index, (prompt, continuation) in enumerate(pairs):
            context = self._encode(prompt)
            target = tokens.continuation_ids(self.tokenizer, continuation)
            by_context.setdefault(tuple(context), []).append((index, target))
        for context, entries in by_context.items():
            if len(entries) > 1 and all(len(target) == 1 for _, target in entries):
                units.append((list(context), entries, True))
            else:
                units.extend((list(context) + target, [(index, target)], False) for index, target in entries)
        # A prefix every unit shares is computed once, as long as it ends before the first
        # position whose logits a unit needs.
        needs = [1 if shared else len(entries[0][1]) + 1 for _, entries, shared in units]
        prefix = (
            min(
                shared_prefix_length([tokens for tokens, _, _ in units]),
                min((len(tokens) - need for (tokens, _, _), need in zip(units, needs)), default=0),
            )
            if self.share_prefix
            else 0
        )
        cache = (
            prefix_cache(self.model, units[0][0][:prefix], self.device)
            if prefix >= MIN_SHARED_PREFIX
            else None
        )
        grouping = batches_by_length if cache is not None else sorted_batches
        batches = [
            [units[index] for index in batch]
            for batch in grouping(
                [len(tokens) for tokens, _, _ in units], self.batch_size, self.max_batch_tokens
            )
        ]
        results = [0.0] * len(pairs)
        pad_id = self.tokenizer.pad_token_id
        for batch in batches:
            keep = max(1 if shared else len(entries[0][1]) + 1 for _, entries, shared in batch)
            if cache is not None:  # rows of one length: no padding, only the tokens after the prefix
                input_ids = torch.tensor([tokens[prefix:] for tokens, _, _ in batch], device=self.device)
                with torch.inference_mode():
                    logits = self.model(
                        input_ids=input_ids,
                        logits_to_keep=keep,
                        **{cache_argument(self.model): repeated(cache, len(batch))},
                    ).logits.float()
            else:
                input_ids, attention = left_padded([tokens for tokens, _, _ in batch], pad_id)
                positions = (attention.cumsum(-1) - 1).clamp(min=0)
                with torch.inference_mode():
                    logits = self.model(
                        input_ids=input_ids.to(self.device),
                        attention_mask=attention.to(self.device),
                        position_ids=positions.to(self.device),
                        logits_to_keep=keep,
                    ).logits.float()
            log_probs = torch.log_softmax(logits, dim=-1)  # (batch, keep, vocab): the last `keep` positions
            for row, (_, entries, shared) in enumerate(batch):
                for index, target in entries:
                    if shared:  # the last position predicts the single continuation token
                        results[index] = float(log_probs[row, -1, target[0]])
                    else:  # positions -len(target)-1 .. -2 predict the target tokens
                        steps = torch.arange(keep - len(target) - 1, keep - 1)
                        results[index] = float(log_probs[row, steps, torch.tensor(target)].sum())
                    if on_result is not None:
                        on_result(index, results[index])
        return results

    # -- perplexity ----------------------------------------------------------------------------

    def perplexity(self, texts: list[str], on_result: OnResult = None) -> list[float]:
        """exp(mean negative log-likelihood) of each text's tokens after the first (first
        `max_input_tokens` tokens); nan for a text of fewer than two tokens. Each batch's
        perplexities go to `on_result(position, value)` when they are computed."""
        import math

        import torch

        encoded = [tokens.text_ids(self.tokenizer, text, self.max_input_tokens) for text in texts]
        starts = [tokens.perplexity_start(self.tokenizer, ids) for ids in encoded]
        results = [float("nan")] * len(texts)
        pad_id = self.tokenizer.pad_token_id
        decoder = self.model.get_decoder() if hasattr(self.model, "get_decoder") else None
        head = self.model.get_output_embeddings()
        for batch in sorted_batches([len(ids) for ids in encoded], self.batch_size, self.max_batch_tokens):
            indices = [index for index in batch if len(encoded[index]) > starts[index]]
            if not indices:
                continue
            width = max(len(encoded[index]) for index in indices)
            input_ids = torch.full((len(indices), width), pad_id, dtype=torch.long)
            attention = torch.zeros((len(indices), width), dtype=torch.long)
            for row, index in enumerate(indices):
                input_ids[row, : len(encoded[index])] = torch.tensor(encoded[index])
                attention[row, : len(encoded[index])] = 1
            input_ids, attention = input_ids.to(self.device), attention.to(self.device)
            targets = input_ids[:, 1:].masked_fill(attention[:, 1:] == 0, -100)
            for row, index in enumerate(indices):
                targets[
                    row, : starts[index] - 1
                ] = -100  # the text's first token is not counted, after a BOS either
            with torch.inference_mode():
                if decoder is not None and head is not None:
                    hidden = decoder(input_ids=input_ids, attention_mask=attention).last_hidden_state[:, :-1]
                    losses = []
                    for begin in range(0, hidden.shape[1], 256):  # the head over slices: bounded memory
                        logits = head(hidden[:, begin : begin + 256]).float()
                        losses.append(
                            torch.nn.functional.cross_entropy(
                                logits.transpose(1, 2), targets[:, begin : begin + 256], reduction="none"
                            )
                        )
                    loss = torch.cat(losses, dim=1)
                else:
                    logits = self.model(input_ids=input_ids, attention_mask=attention).logits[:, :-1].float()
                    loss = torch.nn.functional.cross_entropy(
                        logits.transpose(1, 2), targets, reduction="none"
                    )
            counted = (targets != -100).sum(dim=1)
            for row, index in enumerate(indices):
                results[index] = math.exp(float(loss[row].sum() / counted[row]))
                if on_result is not None:
                    on_result(index, results[index])
        return results
