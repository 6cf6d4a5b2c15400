"""Write a report or config file so that readers never see half of it.

The text goes to a temporary file in the destination's directory, is flushed to disk,
then renamed over the destination (atomic on POSIX within one file system).  On any
error the temporary file is removed and the destination is left as it was.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

from memmapcalc.errors import MemmapcalcError


class OutputError(MemmapcalcError):
    """The destination cannot be written (exit status 2)."""


@contextlib.contextmanager
def atomic_writer(path: str, binary: bool = False) -> Iterator[Any]:
    """Yield a text (or binary) stream; on a clean exit its content replaces ``path`` in
    one step."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp_path = tempfile.mkstemp(prefix=".memmapcalc-", suffix=".tmp", dir=directory)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        stream_args: dict[str, Any] = ({"mode": "wb"} if binary else
                                       {"mode": "w", "encoding": "utf-8", "newline": "\n"})
        with os.fdopen(fd, **stream_args) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp_path, _mode_for(path))
        os.replace(tmp_path, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp_path)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
        raise


def _mode_for(path: str) -> int:
    """The replaced file's permissions, or what a plain ``open()`` would give a new file
    (mkstemp's temporary file is private, 0600)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(path: str, text: str) -> None:
    """Replace ``path`` with ``text`` in one step (see :func:`atomic_writer`)."""
    with atomic_writer(path) as stream:
        stream.write(text)


def write_bytes_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (an image, for example)."""
    with atomic_writer(path, binary=True) as stream:
        stream.write(data)


def emit(text: str, output: str | None) -> None:
    """Write a report to stdout (``None`` or ``-``) or atomically to the file ``output``."""
    if output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomically(output, text)

