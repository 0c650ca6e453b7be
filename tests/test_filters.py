import polars as pl

from kun.corpus import filters
from kun.corpus.ingest import IngestParams, SourceParams, segment_rules
from kun.instructions.gates import phrase_check
from kun.rules import apply_rules
from kun.rules.stats import repeated_line_ratio, repeated_ngram_ratio, top_char_ratio


def test_apply_rules_counts_each_reason_and_keeps_rejected_rows():
    frame = pl.DataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "text": [
                "短",
                "这是一段足够长的中文文本。",
                "english only text here",
                "长长长长长长长长长长长长",
            ],
        }
    )
    result = apply_rules(
        frame, [filters.min_chars(5), filters.min_cjk_ratio(0.5), filters.max_top_char_ratio(0.5)]
    )
    assert result.kept.get_column("id").to_list() == ["b"]
    assert result.counts == {"too_short": 1, "low_cjk_ratio": 1, "repeated_chars": 1}
    assert sorted(result.rejected.get_column("reason").to_list()) == [
        "low_cjk_ratio",
        "repeated_chars",
        "too_short",
    ]


def test_first_failing_rule_names_the_reason_and_every_rule_is_counted():
    frame = pl.DataFrame({"text": ["ab"]})
    result = apply_rules(frame, [filters.min_chars(5), filters.min_cjk_ratio(0.5)])
    assert result.counts == {"low_cjk_ratio": 0, "too_short": 1}


def test_repetition_measures():
    assert repeated_line_ratio("甲\n甲\n甲\n乙") == 0.5
    assert repeated_line_ratio("一行") == 0.0
    assert top_char_ratio("哈哈哈哈呵") == 0.8
    assert repeated_ngram_ratio("天" * 30, n=10) > 0.9
    assert repeated_ngram_ratio("床前明月光，疑是地上霜。举头望明月，低头思故乡。", n=10) == 0.0


def test_keyword_checks():
    check = phrase_check(["文章", "链接"])
    assert check("请总结这篇文章") and not check("请解释相对论")
    assert phrase_check([]) is None


def test_ingest_rule_chain_counts():
    params = IngestParams(
        sources=[SourceParams(name="s", path="x")], min_chars=10, max_repeated_line_ratio=0.3
    )
    frame = pl.DataFrame(
        {
            "text": [
                "学而时习之，不亦说乎？有朋自远方来，不亦乐乎？",
                "太短了",
                "This paragraph is written in English only, no Chinese.",
                "重复的一行文字\n重复的一行文字\n重复的一行文字\n另一行文字内容",
            ],
            "n_tokens": [20, 3, 12, 30],
        }
    )
    result = apply_rules(
        frame,
        segment_rules(
            IngestParams(sources=params.sources, min_chars=10, max_repeated_line_ratio=0.3, max_tokens=25),
            count_tokens=True,
        ),
    )
    assert result.kept.height == 1
    assert result.counts == {
        "low_cjk_ratio": 1,
        "repeated_chars": 0,
        "repeated_lines": 0,
        "repeated_ngrams": 0,
        "too_long": 1,
        "too_short": 1,
    }
