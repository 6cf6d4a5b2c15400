"""Write a report or config file so that readers never see half of it.

The text goes to a temporary file in the destination's directory, is flushed to disk,
then renamed over the destination (atomic on POSIX within one file system).  On any
error the temporary file is removed and the destination is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import TextIO

from memmapcalc.errors import MemmapcalcError


class OutputError(MemmapcalcError):
    """The destination cannot be written (exit status 2)."""


@contextlib.contextmanager
def atomic_writer(path: str) -> Iterator[TextIO]:
    """Yield a text stream; on a clean exit its content replaces ``path`` in one step."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp_path = tempfile.mkstemp(prefix=".memmapcalc-", suffix=".tmp", dir=directory)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(tmp_path, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp_path)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
        raise


def write_atomically(path: str, text: str) -> None:
    """Replace ``path`` with ``text`` in one step (see :func:`atomic_writer`)."""
    with atomic_writer(path) as stream:
        stream.write(text)
