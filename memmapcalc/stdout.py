"""Standard output for a report: written in pieces, flushed at the end, and a reader that
went away (``| head``) told apart from a real write error."""

from __future__ import annotations

import errno
import io
import sys
from typing import Any

from memmapcalc.errors import OutputError


class StdoutClosed(Exception):
    """The reader of standard output went away (``| head``): exit 141, quietly.

    Not an ``OSError``: click turns an ``EPIPE`` ``OSError`` into exit status 1."""


#: Text goes to stdout in pieces no larger than the stream's buffer: CPython drops the rest
#: of one large write silently when the pipe's reader leaves after a partial write, so a
#: ``| head`` would go unnoticed (exit 0 instead of 141).
_PIECE = io.DEFAULT_BUFFER_SIZE


class StdoutWriter:
    """Standard output for a report: written in buffer-sized pieces and flushed at the end,
    so that a reader leaving early is always noticed.

    A closed pipe raises :class:`StdoutClosed` (exit 141); any other failure (``ENOSPC``
    on ``> /dev/full``, stdout closed with ``>&-``) an :class:`OutputError` naming stdout.
    """

    def write(self, text: str) -> int:
        stream = self._stream()
        for start in range(0, len(text), _PIECE):
            self._guard(stream.write, text[start:start + _PIECE])
        return len(text)

    def flush(self) -> None:
        self._guard(self._stream().flush)

    @staticmethod
    def _stream() -> Any:
        if sys.stdout is None:  # started with `>&-`
            raise OutputError("cannot write the report to stdout: standard output is closed")
        return sys.stdout

    @staticmethod
    def _guard(action: Any, *args: Any) -> None:
        try:
            action(*args)
        except OSError as error:
            raise stdout_error(error) from None
        except ValueError as error:  # a closed file object
            raise OutputError(f"cannot write the report to stdout: {error}") from None


def stdout_error(error: OSError) -> Exception:
    """What a failed write to stdout means: the reader left (141), or a real error (2)."""
    if error.errno in (errno.EPIPE, errno.ESHUTDOWN):
        return StdoutClosed()
    return OutputError(f"cannot write the report to stdout: {error.strerror or error}")


def flush_stdout() -> None:
    """Flush standard output at the end of a run (see :class:`StdoutWriter`)."""
    if sys.stdout is not None:
        StdoutWriter().flush()
