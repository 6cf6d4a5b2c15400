"""Signals that end a run, and the temporary files they must not leave behind.

Ctrl-C (SIGINT), SIGTERM and SIGHUP unwind the run like an exception does; the CLI's
handlers (``memmapcalc.cli``) record each in :data:`SIGNALS_SEEN` and raise
``KeyboardInterrupt`` or :class:`Terminated`.  The output writer (``memmapcalc.atomic``)
creates its temporary files through :func:`new_temporary`, so that a signal arriving at any
moment still finds them in :data:`TEMPORARIES` for :func:`remove_temporaries`.
"""

from __future__ import annotations

import contextlib
import os


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (removing temporary files), exit 128 + signo."""

    def __init__(self, signo: int) -> None:
        super().__init__(signo)
        self.signo = signo


#: Signals that arrived in this run (recorded by the CLI's handlers as well as raised): an
#: exception raised by a signal handler can be swallowed where Python cannot propagate it
#: (an import's lock callback), so the commit point and the end of the run look here too.
SIGNALS_SEEN: list[int] = []


def raise_if_signalled() -> None:
    """Unwind now if a signal arrived whose exception was lost: nothing is committed after
    an interruption (the old report stays) and the run ends with 128 + the signal."""
    import signal

    if not SIGNALS_SEEN:
        return
    if SIGNALS_SEEN[0] == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(SIGNALS_SEEN[0])


#: Temporary files of this process still on disk; removed by :func:`remove_temporaries`
#: when a signal ends the run before the ``finally`` clauses could.
TEMPORARIES: set[str] = set()


def remove_temporaries() -> None:
    """Remove every temporary file this process created and has not renamed yet."""
    for path in list(TEMPORARIES):
        with contextlib.suppress(OSError):
            os.unlink(path)
        TEMPORARIES.discard(path)


def new_temporary(directory: str) -> tuple[int, str]:
    """A new temporary file in ``directory``, registered in :data:`TEMPORARIES` before any
    signal can end the run: a signal that arrived just after the file was created, before
    it was registered, would leave it behind (the interrupting signals are held back for
    those few steps, where the platform can)."""
    import signal
    import tempfile  # (not at start-up: --help and completion never write a file)

    held = {signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", signal.SIGTERM)}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, OSError, ValueError):
        previous = None
    except BaseException:  # a signal that arrived just before is raised here, after the
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)  # block: do not leave it blocked
        raise
    try:
        fd, tmp_path = tempfile.mkstemp(prefix=".memmapcalc-", suffix=".tmp", dir=directory)
        TEMPORARIES.add(tmp_path)
    finally:
        if previous is not None:  # a signal held back is delivered here, once registered
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
    return fd, tmp_path
