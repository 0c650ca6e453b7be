import polars as pl

from kun.corpus import filters
from kun.corpus.ingest import IngestParams, SourceParams, segment_filters


def test_apply_filters_counts_each_reason_and_keeps_rejected_rows():
    frame = pl.DataFrame({"id": ["a", "b", "c", "d"], "text": ["短", "这是一段足够长的中文文本。", "english only text here", "长长长长长长长长长长长长"]})
    result = filters.apply_filters(frame, "text", [filters.min_chars(5), filters.min_cjk_ratio(0.5), filters.max_top_char_ratio(0.5)])
    assert result.kept.get_column("id").to_list() == ["b"]
    assert result.dropped == {"too_short": 1, "low_cjk_ratio": 1, "repeated_chars": 1}
    assert sorted(result.rejected.get_column("reason").to_list()) == ["low_cjk_ratio", "repeated_chars", "too_short"]


def test_first_failing_filter_names_the_reason():
    frame = pl.DataFrame({"text": ["ab"]})
    result = filters.apply_filters(frame, "text", [filters.min_chars(5), filters.min_cjk_ratio(0.5)])
    assert result.dropped == {"too_short": 1}


def test_repetition_measures():
    assert filters.repeated_line_ratio("甲\n甲\n甲\n乙") == 0.5
    assert filters.repeated_line_ratio("一行") == 0.0
    assert filters.top_char_ratio("哈哈哈哈呵") == 0.8
    assert filters.repeated_ngram_ratio("天" * 30, n=10) > 0.9
    assert filters.repeated_ngram_ratio("床前明月光，疑是地上霜。举头望明月，低头思故乡。", n=10) == 0.0


def test_keyword_filters():
    check = filters.contains_any(["文章", "链接"], "refers_to_unseen")
    assert check("请总结这篇文章") == "refers_to_unseen"
    assert check("请解释相对论") is None
    assert filters.contains_any([], "x")("任何") is None
    assert filters.starts_with_any(["作为"], "as_an_ai")("  作为一个人工智能") == "as_an_ai"


def test_ingest_filter_chain_counts():
    params = IngestParams(sources=[SourceParams(name="s", path="x")], min_chars=10, max_repeated_line_ratio=0.3)
    frame = pl.DataFrame(
        {
            "text": [
                "学而时习之，不亦说乎？有朋自远方来，不亦乐乎？",
                "太短了",
                "This paragraph is written in English only, no Chinese.",
                "重复的一行文字\n重复的一行文字\n重复的一行文字\n另一行文字内容",
            ]
        }
    )
    result = filters.apply_filters(frame, "text", segment_filters(params))
    assert result.kept.height == 1
    assert result.dropped == {"low_cjk_ratio": 1, "repeated_lines": 1, "too_short": 1}
