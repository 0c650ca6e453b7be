"""Personal data in raw text: find it, then replace it with a typed placeholder or drop the text.

Five kinds, each found by its written form and then checked where the number carries a check:
- `EMAIL`: an address with a dotted domain and a letter TLD;
- `PHONE`: a mainland mobile number (1[3-9] and ten more digits, optionally +86/0086, grouped
  3-4-4 or not) or a landline with its area code (010, 02x, 0xxx) and a separator or brackets;
- `ID`: an 18-digit resident ID whose birth date is a date and whose last character is the ISO
  7064 MOD 11-2 check digit (python-stdnum's `cn.ric`): an 18-digit order number is not an ID;
- `CARD`: 13-19 digits starting with 3-6 (the card networks' prefixes), whole or in groups of
  four, that pass the Luhn check (python-stdnum's `luhn`) and are not after an order-number word;
- `IP`: an IPv4 address (four octets of at most 255, not part of a version number) or an IPv6
  address (checked by Python's `ipaddress`).
Full-width digits, letters and separators (１３８－…, ＠, （０１０）) count as their ASCII forms: the
text is matched through a same-length folding, so the placeholder replaces the characters as
written. Numbers run into other digits or letters are never matched (a phone number inside a
longer number is not a phone number). Used by ingest (`ingest.pii`).
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from stdnum import luhn
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

KINDS = ("EMAIL", "PHONE", "ID", "CARD", "IP")
PiiMode = Literal["redact", "drop", "off"]
# when two finds overlap: an 18-digit number that is a valid ID wins over the card it may also be
_PRIORITY = {"EMAIL": 0, "IP": 1, "ID": 2, "CARD": 3, "PHONE": 4}

# One character for one: full-width ASCII, the ideographic space and dashes. The full-width colon
# stays: it is Chinese punctuation ("IP：2001:db8::1"), and as ":" it would join the address.
_FOLD = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F) if code != 0xFF1A}
_FOLD.update({0x3000: ord(" "), 0x00A0: ord(" ")})
_FOLD.update({code: ord("-") for code in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212, 0xFE63)})


def fold(text: str) -> str:
    """`text` with full-width ASCII forms, odd spaces and dashes as ASCII: same length, same offsets."""
    return text.translate(_FOLD)


_NUMBER_START = r"(?<![0-9A-Za-z+.\-])"  # not inside a longer number, word or decimal
_NUMBER_END = r"(?![0-9A-Za-z]|\.\d)"
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9](?:[A-Za-z0-9._%+\-]*[A-Za-z0-9_])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
)
_MOBILE = re.compile(
    _NUMBER_START
    + r"(?:(?:\(\+?86\)|(?:\+|00)86)[ \-]?|86[ \-])?1[3-9]\d(?:(?:[ \-]?\d{4}){2}|\.\d{4}\.\d{4})"  # 3-4-4
    + _NUMBER_END
)
_AREA = r"(?:10|2\d|[3-9]\d{2})"  # area codes without their leading 0: 10 Beijing, 2x, then 3 digits
_LOCAL = r"[2-8]\d{2,3}[ \-]?\d{4}"  # 7 or 8 digits; local numbers never start with 0 or 1
_LANDLINE = re.compile(
    _NUMBER_START
    + r"(?:"
    + rf"(?:(?:\+|00)86[ \-]?)?\(0?{_AREA}\)[ \-]?"  # (010) 8888 6666, +86 (10) ...
    + rf"|0{_AREA}[ \-]"  # 010-62751234: a separator, so a run of digits is never a landline
    + rf"|(?:\+|00)?86[ \-]{_AREA}[ \-]"  # 86-10-65281234
    + rf"){_LOCAL}"
    + _NUMBER_END
)
_ID = re.compile(
    _NUMBER_START + r"[1-9]\d{5} ?(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]) ?\d{3}[0-9Xx]"
    r"(?![0-9A-Za-z]|\.\d)"
)
_CARD = re.compile(
    _NUMBER_START + r"(?:[3-6]\d{12,18}|[3-6]\d{3}(?:[ \-]\d{4}){2,3}(?:[ \-]\d{1,4})?)" + _NUMBER_END
)
# A long number right after one of these words is a reference number, whatever its checksum says.
_NOT_A_CARD_BEFORE = re.compile(
    r"(订单|单号|编号|流水|序列|运单|快递|发票|代码|学号|工号|条码|ISBN|No\.?)\s*[:：]?\s*$"
)
# Four dotted numbers right after one of these words are a version, not an address.
_VERSION_BEFORE = re.compile(r"(版本号?|[Vv]ersion|(?<![A-Za-z])[Vv](?:er\.?)?|[Bb]uild)\s*[:：]?\s*$")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_IPV4 = re.compile(rf"(?<![0-9A-Za-z.]){_OCTET}(?:\.{_OCTET}){{3}}(?![0-9A-Za-z]|\.\d)")
# hex groups, or an IPv4 address as the last part (::ffff:192.0.2.1)
_IPV6 = re.compile(
    r"(?<![0-9A-Za-z:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4})(?![0-9A-Za-z:]|\.\d)"
)


@dataclass(frozen=True)
class Find:
    kind: str
    start: int
    end: int


def _digits(text: str) -> str:
    return re.sub(r"[ \-]", "", text)


def _valid_id(text: str) -> bool:
    number = _digits(text).upper()
    try:
        ric.get_birth_date(number)  # a real calendar date (the pattern only bounds month and day)
    except ValidationError:
        return False
    return ric.calc_check_digit(number) == number[17]  # computed from the first 17


def _after(pattern: re.Pattern, folded: str, start: int) -> bool:
    """Whether the dozen characters before `start` end with `pattern` (a word that says what a number is)."""
    return pattern.search(folded[max(0, start - 12) : start]) is not None


def _valid_card(folded: str, start: int, end: int) -> bool:
    number = _digits(folded[start:end])
    if not 13 <= len(number) <= 19 or not luhn.is_valid(number):
        return False
    return not _after(_NOT_A_CARD_BEFORE, folded, start)


def _valid_ipv6(text: str) -> bool:
    if not any(character.isdigit() for character in text) or ("::" not in text and text.count(":") != 7):
        return False  # "a:b::c:d" parses, but hex letters alone are not an address in prose
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def find_pii(text: str) -> list[Find]:
    """Every piece of personal data in `text`, in order, none overlapping."""
    folded = fold(text)
    found: list[Find] = []
    for kind, pattern in (
        ("EMAIL", _EMAIL),
        ("PHONE", _MOBILE),
        ("PHONE", _LANDLINE),
        ("ID", _ID),
        ("CARD", _CARD),
        ("IP", _IPV4),
        ("IP", _IPV6),
    ):
        for match in pattern.finditer(folded):
            start, end = match.span()
            if kind == "ID" and not _valid_id(match.group()):
                continue
            if kind == "CARD" and not _valid_card(folded, start, end):
                continue
            if kind == "IP" and ":" in match.group() and not _valid_ipv6(match.group()):
                continue
            if kind == "IP" and ":" not in match.group() and _after(_VERSION_BEFORE, folded, start):
                continue
            found.append(Find(kind, start, end))
    found.sort(key=lambda item: (item.start, -(item.end - item.start), _PRIORITY[item.kind]))
    kept: list[Find] = []
    for item in found:
        if kept and item.start < kept[-1].end:
            if _PRIORITY[item.kind] < _PRIORITY[kept[-1].kind] and item.end >= kept[-1].end:
                kept[-1] = item  # a valid ID over the card-shaped number it also is
            continue
        kept.append(item)
    return kept


def redact(text: str, found: list[Find]) -> str:
    """`text` with each find replaced by its placeholder (`<EMAIL>`, `<PHONE>`, ...)."""
    parts, position = [], 0
    for item in found:
        parts += [text[position : item.start], f"<{item.kind}>"]
        position = item.end
    return "".join(parts) + text[position:]


def count_kinds(found: list[Find]) -> Counter:
    return Counter(item.kind for item in found)
