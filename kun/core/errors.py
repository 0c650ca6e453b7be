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


@contextmanager
def exit_on_user_error() -> Iterator[None]:
    """Turn a KunError into `error: ...` on stderr and exit status 1 (used by stages/)."""
    try:
        yield
    except KunError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1) from None
