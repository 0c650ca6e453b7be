"""Text normalisation and segmentation for Chinese (and mixed) documents.

`normalize_text` applies Unicode NFKC, removes control and zero-width characters and
collapses whitespace while keeping paragraph breaks. By default the full-width CJK punctuation
that NFKC would fold to ASCII (，！？：；（）) is kept, because Chinese training text should keep it.

`segment_text` cuts a document into self-contained segments (the default profile; the paper's
authors kept whole texts, see `ingest.segment`): whole paragraphs are packed greedily up to
`max_chars`; a paragraph that is too long is cut at sentence ends (。！？；…); a sentence longer
than `max_chars` is dropped whole and counted, never cut.
"""

from __future__ import annotations

import re
import unicodedata

from kun.rules.stats import cjk_ratio, split_sentences

__all__ = ["cjk_ratio", "normalize_text", "segment_text", "split_sentences"]

# Full-width punctuation that NFKC maps to ASCII; kept as is when keep_cjk_punctuation=True.
_KEPT_PUNCTUATION = "，！？：；（）［］｛｝～"
_KEPT_SPLIT = re.compile(f"([{re.escape(_KEPT_PUNCTUATION)}])")
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_INLINE_SPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# A space between two CJK characters is an artefact (line wrapping, OCR), never meaningful.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_SPACE_BETWEEN_CJK = re.compile(
    f"(?<=[{_CJK}，。！？：；、“”‘’（）《》]) (?=[{_CJK}，。！？：；、“”‘’（）《》])"
)


def _nfkc(text: str, keep_cjk_punctuation: bool) -> str:
    if not keep_cjk_punctuation:
        return unicodedata.normalize("NFKC", text)
    parts = _KEPT_SPLIT.split(text)
    return "".join(
        part if index % 2 else unicodedata.normalize("NFKC", part) for index, part in enumerate(parts)
    )


def _drop_controls(text: str) -> str:
    # Category Cc holds \t \n \r too: keep newlines, turn tabs and other breaks into spaces.
    out = []
    for char in text:
        if char == "\n":
            out.append(char)
        elif char in "\t\r\f\v\u2028\u2029\x85":
            out.append("\n" if char in "\r\u2028\u2029\x85" else " ")
        elif unicodedata.category(char) in ("Cc", "Cs", "Co"):
            continue
        else:
            out.append(char)
    return "".join(out)


def normalize_text(text: str, keep_cjk_punctuation: bool = True) -> str:
    """NFKC, no control or zero-width characters, single spaces, paragraphs separated by one blank line."""
    text = text.replace("\r\n", "\n").translate(_ZERO_WIDTH)
    text = _drop_controls(_nfkc(text, keep_cjk_punctuation))
    text = _INLINE_SPACE.sub(" ", text)
    text = _SPACE_BETWEEN_CJK.sub("", text)
    lines = [line.strip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def segment_text(text: str, max_chars: int, paragraph_per_line: bool = True) -> tuple[list[str], int]:
    """Cut a normalised document into segments of at most `max_chars` characters; returns
    (segments, sentences dropped).

    Paragraphs are lines (or blank-line blocks when `paragraph_per_line` is False). Consecutive
    paragraphs are joined with a newline until the next would overflow `max_chars`; a longer
    paragraph is cut between its sentences. A cut never falls inside a sentence: a sentence
    longer than `max_chars` is dropped whole and counted.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    blocks = text.split("\n") if paragraph_per_line else text.split("\n\n")
    units: list[str] = []
    dropped = 0
    for block in (b.strip() for b in blocks):
        if not block:
            continue
        if len(block) <= max_chars:
            units.append(block)
            continue
        # Too long: pack its sentences, marking that they continue the same paragraph.
        current = ""
        for sentence in split_sentences(block):
            if len(sentence) > max_chars:
                dropped += 1
                continue
            if current and len(current) + len(sentence) > max_chars:
                units.append(current)
                current = ""
            current += sentence
        if current:
            units.append(current)
    segments: list[str] = []
    current = ""
    for unit in units:
        if current and len(current) + 1 + len(unit) > max_chars:
            segments.append(current)
            current = ""
        current = f"{current}\n{unit}" if current else unit
    if current:
        segments.append(current)
    return segments, dropped
