"""The one output writer: stdout, a stream, or a regular file replaced in one step.

Every report, config, schema and plot goes through :func:`open_output`.  What happens
depends on what is at the path (never on its name), so nothing that is not a report of
ours is ever replaced by one:

* ``None`` or ``-``: standard output (:class:`memmapcalc.stdout.StdoutWriter`).
* No file there, or a regular file with one link: the text goes to a temporary file
  ``.memmapcalc-*.tmp`` in the destination's directory, is flushed to disk, then renamed
  over the destination (atomic on POSIX within one file system).  On any error, Ctrl-C,
  SIGTERM or SIGHUP the temporary file is removed and the destination left as it was
  (``memmapcalc.interrupts`` keeps the list a signal's clean-up removes).
* A symbolic link is followed, never replaced: the rules apply to its target (a link to a
  report is replaced at the target; ``/dev/stdout`` and other ``/dev/fd``/``/proc/*/fd``
  names are written through as streams, whatever the descriptor is).
* A regular file with more than one hard link is written **in place**, through its
  inode: a rename would give this name a new inode and silently cut it off from the other
  names, which would keep the old report.  The new content is still written to a
  temporary file first and copied over only once complete, so an error or Ctrl-C while
  it is produced leaves the old content whole; only the final copy is not atomic.
* A character device (``/dev/null``, a terminal), a FIFO: opened and written as a stream
  (no temporary file, no rename, no truncation, never created).  Opening a FIFO waits
  for its reader, as a shell's ``>`` does.
* A directory, a block device or a socket: an :class:`OutputError` (exit status 2);
  a report is never written over a disk.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Iterator
from typing import Any

from memmapcalc.errors import OutputError
from memmapcalc.interrupts import TEMPORARIES, new_temporary, raise_if_signalled
from memmapcalc.stdout import StdoutWriter

#: Names that stand for an open descriptor of this process: always written as streams.
_DESCRIPTOR = re.compile(r"^/(dev/fd|proc/[^/]+/fd)/\d+$|^/dev/(stdout|stderr)$")


@contextlib.contextmanager
def open_output(path: str | None, binary: bool = False) -> Iterator[Any]:
    """Yield a text (or binary) stream for the destination ``path``; see the module's
    docstring for what happens to what is there."""
    if path in (None, "-"):
        if binary:
            raise OutputError("cannot write binary output to stdout; name a file")
        writer = StdoutWriter()
        yield writer
        writer.flush()
        return
    assert path is not None
    how, target = destination(path)
    if how == "stream":
        with _stream(path, binary, alias=target == "descriptor") as stream:
            yield stream
        return
    with _replacing(path, target, binary, in_place=how == "in place") as stream:
        yield stream


def destination(path: str) -> tuple[str, str]:
    """How ``path`` is written (``replace``, ``in place``, ``stream``) and the file that
    is replaced (the end of a symbolic link chain; for a stream, ``descriptor`` when the
    name stands for an open descriptor such as /dev/stdout).  Raises :class:`OutputError` for a
    destination that must not be written."""
    if any(_DESCRIPTOR.match(name) for name in _link_chain(path)):
        return "stream", "descriptor"
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "replace", os.path.realpath(path)  # a new file (at a dangling link's target)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    mode = info.st_mode
    if stat.S_ISREG(mode):
        return ("in place" if info.st_nlink > 1 else "replace"), os.path.realpath(path)
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return "stream", os.path.realpath(path)
    from memmapcalc.inputfile import kind_of

    raise OutputError(f"cannot write {path}: it is {kind_of(mode)}; -o takes a regular file "
                      f"(replaced in one step), a FIFO or a character device such as "
                      f"/dev/stdout, or '-' for stdout")


def _link_chain(path: str) -> list[str]:
    """``path`` and every name its symbolic links lead to (at most 40, as the kernel)."""
    names = [os.path.abspath(path)]
    for _ in range(40):
        try:
            link = os.readlink(names[-1])
        except OSError:
            break
        names.append(os.path.normpath(os.path.join(os.path.dirname(names[-1]), link)))
    return names


@contextlib.contextmanager
def _stream(path: str, binary: bool, alias: bool) -> Iterator[Any]:
    """A device or FIFO: open it for writing as it is (never created, never truncated).
    ``alias``: ``path`` names an open descriptor (/dev/stdout), whatever it is."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
        if stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            if not alias:  # it was a device or FIFO a moment ago: never write into a file
                raise OutputError(f"cannot write {path}: it changed while being opened")
            fd = os.open(path, flags | os.O_APPEND)  # /dev/stdout is `> file`: add to it
        stream = (os.fdopen(fd, "wb") if binary else
                  os.fdopen(fd, "w", encoding="utf-8", newline="\n"))
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        with stream:
            yield stream
            stream.flush()
    except OSError as error:
        if error.errno == errno.EPIPE:
            raise OutputError(f"cannot write {path}: its reader went away") from None
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None


@contextlib.contextmanager
def _replacing(path: str, target: str, binary: bool, in_place: bool) -> Iterator[Any]:
    """Write to a temporary file next to ``target``; on success rename it over ``target``
    (or, ``in_place``, copy it into ``target``'s inode)."""
    try:
        fd, tmp_path = new_temporary(os.path.dirname(target))
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
    try:
        stream_args: dict[str, Any] = ({"mode": "wb"} if binary else
                                       {"mode": "w", "encoding": "utf-8", "newline": "\n"})
        with os.fdopen(fd, **stream_args) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if in_place:
            _copy_into(tmp_path, target)
            os.unlink(tmp_path)
        else:
            os.chmod(tmp_path, _mode_for(target))
            _still_replaceable(path, target)
            raise_if_signalled()
            os.replace(tmp_path, target)
        TEMPORARIES.discard(tmp_path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp_path)
        TEMPORARIES.discard(tmp_path)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write {path}: {error.strerror or error}") from None
        raise


def _still_replaceable(path: str, target: str) -> None:
    """Look again just before the rename: what is at ``target`` may have changed while the
    report was produced (a device node put there must not be replaced by a file)."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISREG(mode):
        from memmapcalc.inputfile import kind_of

        raise OutputError(f"cannot write {path}: {target} became {kind_of(mode)} while the "
                          f"report was produced; nothing was written")


def _copy_into(source: str, target: str) -> None:
    """Overwrite ``target``'s content with ``source``'s, keeping its inode (hard links)."""
    with open(source, "rb") as reader, open(target, "r+b") as writer:
        writer.truncate(0)
        while chunk := reader.read(1 << 20):
            writer.write(chunk)
        writer.flush()
        os.fsync(writer.fileno())


def _mode_for(path: str) -> int:
    """The replaced file's permissions, or what a plain ``open()`` would give a new file
    (mkstemp's temporary file is private, 0600)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


#: The former name of :func:`open_output` (it now also writes streams and stdout).
atomic_writer = open_output


def write_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path`` (see :func:`open_output`)."""
    with open_output(path) as stream:
        stream.write(text)


def write_bytes_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` (an image, for example; see :func:`open_output`)."""
    with open_output(path, binary=True) as stream:
        stream.write(data)


def emit(text: str, output: str | None) -> None:
    """Write a report to stdout (``None`` or ``-``) or to ``output`` (see :func:`open_output`)."""
    with open_output(output) as stream:
        stream.write(text)
