"""Open every input file one way: regular files read with a bound, anything else refused.

Configs named on the command line, configs found walking a directory, importer inputs
and the files ``probe`` reads under ``--sysroot`` all come through :func:`read_file`:

* The file is opened with ``O_NONBLOCK`` so that opening a FIFO (or a terminal, a tape,
  a serial line) never waits for a writer, then its type is taken from ``fstat`` of the
  open descriptor, not from a ``stat`` of the name before opening (a name can be swapped
  between the two).
* Only a regular file is read.  A directory, FIFO, socket, character or block device is
  refused with a one-line error naming the file and its kind: a CI gate that names a
  FIFO by mistake must get an answer, not hang.  Standard input (``-``), the documented
  stream, is read by :func:`read_stdin` with the same bound.
* A regular file larger than the bound is refused before it is read, with its real size
  (``os.fstat``); a file whose size the kernel does not report (``/proc``) or that grows
  while read is cut at the bound and refused as "more than" it.

Nothing here prints; every problem is an :class:`~memmapcalc.errors.InputError`.
"""

from __future__ import annotations

import os
import stat
import sys
from typing import IO

from memmapcalc.errors import InputError

#: Larger than any sane machine config, fleet file or importer input (the parser's limit).
MAX_BYTES = 16 * 1024 * 1024

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def kind_of(mode: int) -> str:
    """What a file of ``st_mode`` is, in words (``a FIFO (named pipe)``)."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((name for test, name in _KINDS if test(mode)), "a special file")


def _nonblocking(path: str, flags: int) -> int:
    """``open``'s opener: never wait for the other end of a FIFO or for a device."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))


def read_file(path: str, limit: int = MAX_BYTES, what: str = "a config",
              accepted: str = "memmapcalc reads configs from regular files "
                              "(or '-' for standard input)") -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    ``what`` names the input in the too-large message, ``accepted`` says what is read
    in the refusal of a special file (``is a FIFO (named pipe), not a regular file;
    <accepted>``).
    """
    try:
        # builtins.open (not os.open) so that tests can refuse a file the way a
        # non-root user would see it, even when the suite runs as root.
        with open(path, "rb", buffering=0, opener=_nonblocking) as stream:
            info = os.fstat(stream.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise InputError(path, f"is {kind_of(info.st_mode)}, not a regular file; "
                                 f"{accepted}")
            if info.st_size > limit:
                raise InputError(path, f"file is {info.st_size} bytes, larger than any sane "
                                 f"{what.removeprefix('a ').removeprefix('an ')} (limit "
                                 f"{limit} bytes)")
            os.set_blocking(stream.fileno(), True)
            data = _read_upto(stream, limit + 1, info.st_size)
    except OSError as error:
        kind = _special_kind(path)  # a socket cannot even be opened (ENXIO): say what it is
        if kind is not None:
            raise InputError(path, f"is {kind}, not a regular file; {accepted}") from None
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if len(data) > limit:
        raise InputError(path, f"file is more than {limit} bytes, larger than any sane "
                         f"{what.removeprefix('a ').removeprefix('an ')} (limit {limit} bytes)")
    return data


def _special_kind(path: str) -> str | None:
    """What ``path`` is when it exists and is neither a regular file nor a directory."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else kind_of(mode)


def _read_upto(stream: IO[bytes], most: int, size: int) -> bytes:
    """Up to ``most`` bytes.  A file of known size is read in one call of that size (plus
    one byte, to see growth): ``read(16 MiB)`` for every small config would allocate a
    16 MiB buffer each time (most of a fleet's read time)."""
    read = stream.read
    first = read(min(most, size + 1) if size > 0 else min(most, 65536))
    if not first:
        return b""
    chunks, total = [first], len(first)
    while total < most:
        chunk = read(min(most - total, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_stdin(source: str, limit: int = MAX_BYTES) -> bytes:
    """Standard input, at most ``limit`` bytes; closed stdin (``<&-``) is an error of
    ``source``, as any other unreadable input is."""
    stream = getattr(sys.stdin, "buffer", None) if sys.stdin is not None else None
    if stream is None:
        raise InputError(source, "standard input is closed; name a file, or give "
                         "'-' with the input piped in")
    try:
        data: bytes = stream.read(limit + 1)
    except (OSError, ValueError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise InputError(source, f"cannot read standard input: {reason}") from None
    if len(data) > limit:
        raise InputError(source, f"standard input is more than {limit} bytes, larger than any "
                         f"sane input (limit {limit} bytes)")
    return data
