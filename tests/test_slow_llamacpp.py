"""label -> score (logprob and sampled verdicts) -> polish -> perplexity against a real llama.cpp
server (llama-cpp-python[server], `make llamacpp`) serving the default model's own weights (an
F32 GGUF written by llama.cpp's converter), compared with the local transformers backend (slow).

What must hold: no candidate unscorable that the local backend scores, verdict probabilities
within 0.05 for at least 90% of candidates, greedy replies equal (up to the token where
max_new_tokens cuts a character that llama.cpp completes) but for at most one, perplexities
within 2%. The one reply allowed to differ: after the server has generated replies, a request
that reuses part of a cached prompt can come out slightly different from the same request on a
fresh server (measured in docs/servers.md). The stages run
with repetition_penalty 1.0: llama-cpp-python's sampler penalises the reply's own tokens only,
transformers and vLLM the prompt's too, so with a penalty the replies differ from the first token
(README, "Serving the models"). Plain-text perplexity of a model whose tokenizer adds no BOS is
refused (llama-cpp-python echoes such a prompt one position off), so the texts measured here
start with the BOS token.
"""

from pathlib import Path

import polars as pl
import pytest
from llamacpp_serve import llamacpp_serve, to_gguf
from test_generation_stages import segments_frame

from kun.core.errors import KunError
from kun.instructions.label import LabelParams, label
from kun.instructions.polish import PolishParams, polish
from kun.instructions.score import ScoreParams, score
from kun.instructions.seed import read_seed
from kun.llm import LLM
from kun.llm.backends import make_backend
from kun.llm.cache import RecordCache
from kun.llm.params import LLMParams

REPO = Path(__file__).resolve().parent.parent
LABEL = LabelParams(
    mode="prompt", temperature=0.0, repetition_penalty=1.0, max_new_tokens=24, truncated="keep"
)
SAMPLED = ScoreParams(verdict="sampled", temperature=0.0, repetition_penalty=1.0, max_new_tokens=8)
POLISH = PolishParams(temperature=0.0, repetition_penalty=1.0, max_new_tokens=24)


def chain(llm: LLM) -> dict:
    candidates, _, _ = label(segments_frame().head(2), LABEL, llm, read_seed(REPO / "data/seed/seed.jsonl"))
    by_logprob, _ = score(candidates, ScoreParams(verdict="logprob"), llm)
    sampled, _ = score(candidates, SAMPLED, llm)
    polished, _ = polish(sampled.with_columns(pl.lit(1.0).alias("score")), POLISH, llm)
    return {
        "instruction": candidates.get_column("instruction").to_list(),
        "verdict": by_logprob.get_column("score").to_list(),
        "sampled": sampled.get_column("score_raw").to_list(),
        "output": polished.get_column("output").to_list(),
    }


def same_greedy_reply(local: str, served: str) -> bool:
    """Equal, or one a prefix of the other at the max_new_tokens cut (a character split over byte
    tokens: transformers drops its cut bytes, llama.cpp finishes the character)."""
    return local == served or (
        local
        and served
        and (served.startswith(local) or local.startswith(served))
        and abs(len(local) - len(served)) <= 2
    )


@pytest.mark.slow
def test_a_llamacpp_server_gives_the_local_backends_verdicts_replies_and_perplexities(
    default_model_dir, tmp_path
):
    from transformers import AutoTokenizer

    local = LLM(
        make_backend(LLMParams(device="cpu", batch_size=8), default_model_dir),
        RecordCache(tmp_path / "local.sqlite"),
    )
    expected = chain(local)
    tokenizer = AutoTokenizer.from_pretrained(default_model_dir)
    texts = [tokenizer.bos_token + text for text in segments_frame().head(2).get_column("text").to_list()]
    gguf = to_gguf(default_model_dir, tmp_path / "model-f32.gguf")
    with llamacpp_serve(gguf, log=tmp_path / "llamacpp.log") as base_url:
        params = LLMParams(
            backend="openai",
            base_url=base_url,
            served_model="model",
            api_key_env=None,
            server="llamacpp",
            tokenizer=str(default_model_dir),
            max_concurrency=1,
            timeout_s=600,
        )
        served = LLM(make_backend(params, default_model_dir), RecordCache(tmp_path / "served.sqlite"))
        got = chain(served)
        perplexities = served.perplexity(texts)
        with pytest.raises(KunError, match="one position off"):
            served.perplexity(["学而时习之，不亦说乎？"])  # no BOS: refused before any request
    local_perplexities = local.perplexity(texts)
    print(
        f"\nverdicts local {expected['verdict']} served {got['verdict']}; perplexities local {local_perplexities} served {perplexities}"
    )
    assert served.stats["backend_calls"] > 0 and served.stats["uncounted_requests"] == 0
    pairs = [
        (a, b)
        for column in ("instruction", "sampled", "output")
        for a, b in zip(expected[column], got[column])
    ]
    equal = sum(same_greedy_reply(a, b) for a, b in pairs)
    print(
        f"greedy replies equal: {equal}/{len(pairs)}; differing: {[(a, b) for a, b in pairs if not same_greedy_reply(a, b)]}"
    )
    # A reply can diverge once the server reuses a prompt prefix cached by an earlier request (the
    # same request on a fresh server gives the local reply): at most one in six here (docs/servers.md).
    assert equal >= len(pairs) - 1, pairs
    local_verdicts, served_verdicts = expected["verdict"], got["verdict"]
    assert not any(
        b is None and a is not None for a, b in zip(local_verdicts, served_verdicts)
    )  # nothing unscorable that the local backend scores
    close = sum(abs(a - b) <= 0.05 for a, b in zip(local_verdicts, served_verdicts))
    assert close >= 0.9 * len(local_verdicts), (local_verdicts, served_verdicts)
    assert perplexities == pytest.approx(local_perplexities, rel=0.02)
