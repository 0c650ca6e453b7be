"""Content hashes: the one place kun turns text into a stable id.

blake2b of the UTF-8 bytes, so the same text has the same id on every machine and in every
run (Python's hash() is salted per process). Segment ids, candidate ids, pair keys and the
exact-duplicate keys of dedup all come from here.
"""

from __future__ import annotations

import hashlib


def content_digest(text: str, size: int = 8) -> bytes:
    """`size` bytes of blake2b over the text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=size).digest()


def content_id(text: str, size: int = 8) -> str:
    """Stable hex id of a text (2 * size hex digits; 16 by default)."""
    return content_digest(text, size).hex()
