from kun.core.hashing import content_id
from kun.corpus.text import cjk_ratio, normalize_text, segment_text, split_sentences


def test_nfkc_folds_fullwidth_latin_and_digits_but_keeps_chinese_punctuation():
    raw = "ＡＢＣ１２３，你好！（测试）：是吗？"
    assert normalize_text(raw) == "ABC123，你好！（测试）：是吗？"


def test_nfkc_without_keeping_punctuation_folds_it():
    assert normalize_text("你好，世界！", keep_cjk_punctuation=False) == "你好,世界!"


def test_controls_zero_width_and_whitespace():
    raw = "第一段\u200b内容\x07。\r\n\r\n\r\n第二段\t\t 有  空格。\u3000\n"
    assert normalize_text(raw) == "第一段内容。\n\n第二段有空格。"


def test_space_between_cjk_characters_is_removed_but_kept_between_words():
    assert normalize_text("中 文 文本 和 English words") == "中文文本和 English words"


def test_split_sentences_keeps_closing_quotes_with_their_sentence():
    text = "子曰：“学而时习之，不亦说乎？”有朋自远方来。Is it fine? 是的！"
    assert split_sentences(text) == [
        "子曰：“学而时习之，不亦说乎？”",
        "有朋自远方来。",
        "Is it fine?",
        " 是的！",
    ]


def test_segments_pack_whole_paragraphs_up_to_max_chars():
    paragraphs = ["甲" * 40 + "。", "乙" * 40 + "。", "丙" * 40 + "。"]
    segments, dropped = segment_text("\n".join(paragraphs), max_chars=90)
    assert dropped == 0 and segments == [paragraphs[0] + "\n" + paragraphs[1], paragraphs[2]]
    assert all(len(segment) <= 90 for segment in segments)


def test_long_paragraph_is_cut_at_sentence_ends_never_mid_sentence():
    sentences = [f"第{i}句话说的是一件事情，内容比较完整。" for i in range(30)]
    segments, _ = segment_text("".join(sentences), max_chars=100)
    assert all(len(segment) <= 100 for segment in segments)
    assert all(segment.endswith("。") for segment in segments)
    assert "".join(segments) == "".join(sentences)


def test_a_sentence_longer_than_max_chars_is_dropped_whole_and_counted_never_cut():
    long = "字" * 250 + "。"
    segments, dropped = segment_text("前一句。" + long + "后一句。", max_chars=100)
    assert segments == ["前一句。后一句。"] and dropped == 1
    assert segment_text("字" * 250, max_chars=100) == ([], 1)


def test_blank_line_blocks_as_paragraphs():
    text = "第一行\n第二行\n\n第三行"
    assert segment_text(text, max_chars=8, paragraph_per_line=False) == (["第一行\n第二行", "第三行"], 0)


def test_content_id_is_stable_and_sensitive():
    assert content_id("春眠不觉晓") == content_id("春眠不觉晓")
    assert content_id("春眠不觉晓") != content_id("春眠不觉晓。")
    assert len(content_id("x")) == 16


def test_cjk_ratio():
    assert cjk_ratio("中文abc") == 0.4
    assert cjk_ratio("") == 0.0
