"""A progress bar for long builds: tqdm on stderr, only for a person watching.

The bar is shown only when stderr is a terminal and ``--quiet`` was not given;
piped or redirected output (CI logs, ``2> build.log``) stays free of it.
"""
from __future__ import annotations

import sys


def wanted(quiet: bool, stream=None) -> bool:
    """Whether to draw a bar: not quiet and the stream (default: stderr) is a terminal."""
    stream = sys.stderr if stream is None else stream
    if quiet:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):   # no isatty, or a closed stream
        return False


class Progress:
    """``update(n)`` on a tqdm bar when enabled; a no-op object otherwise. Use as a context manager."""

    def __init__(self, total: int | None, enabled: bool, desc: str = "kg build", unit: str = "article",
                 stream=None):
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=unit, file=stream or sys.stderr,
                             dynamic_ncols=True, leave=False, mininterval=0.25)

    @property
    def active(self) -> bool:
        return self._bar is not None

    def update(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
