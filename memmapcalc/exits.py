"""The documented exit statuses, and how a run ends quietly when its reader left.

Below the commands and the CLI, so that ``commands/*`` can name a status without
importing :mod:`memmapcalc.cli` (which imports the commands: a cycle).  Standard library
only.
"""

from __future__ import annotations

import os
import sys

EXIT_OK, EXIT_FAIL, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141
#: 128 + signal number: how a shell reports a process its signal ended.
EXIT_SIGNAL_BASE = 128


def quiet_broken_pipe() -> int:
    """The reader went away (``| head``): point stdout at /dev/null so the interpreter's
    final flush does not complain, and end quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_BROKEN_PIPE
