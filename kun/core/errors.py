"""User-facing errors: one clear line naming the file or key and the fix.

Anything a user can cause (a bad file, a bad param, a missing model) raises `KunError`;
the CLI and the stage entry points print it as a single line and exit non-zero, with no
traceback. Bugs still raise ordinary exceptions.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator


class KunError(Exception):
    """An error the user can fix; its message is printed as one line."""


class ParamsError(KunError):
    """A params value the user can fix, named by its key (`dedup.threshold: 0 must be in (0, 1]`).
    The library does not know which file the value came from; the front door that read it (the
    params mapping `load_params` returned, `kun --params`, a stage's --params) adds the file's name."""

    def __init__(self, key: str, message: str, source: str | None = None) -> None:
        self.key, self.message, self.source = key, message, source
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.source}: {self.key}: {self.message}" if self.source else f"{self.key}: {self.message}"

    def naming(self, source: str | None) -> "ParamsError":
        """The same error naming `source` (unless it names a file already)."""
        return self if self.source or not source else ParamsError(self.key, self.message, source)


# Secrets (API keys) this process holds: every message kun prints passes through `redact`.
_SECRETS: set[str] = set()


def register_secret(value: str | None) -> None:
    """Blank `value` out of every message printed from now on (errors, warnings, clipped replies)."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


def redact(text: str) -> str:
    """`text` with every registered secret replaced by ***; apply before cutting a message short,
    so no part of a key survives a cut."""
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def warn(message: str) -> None:
    """One `warning: ...` line on stderr, secrets blanked."""
    print(f"warning: {redact(message)}", file=sys.stderr)


@contextmanager
def exit_on_user_error() -> Iterator[None]:
    """Turn a KunError into `error: ...` on stderr and exit status 1 (used by stages/)."""
    try:
        yield
    except KunError as error:
        print(f"error: {redact(str(error))}", file=sys.stderr)
        raise SystemExit(1) from None
