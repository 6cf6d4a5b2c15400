"""Errors that end in exit status 2: input the tool could not understand.

Every error names where it happened (file, and field or line/column where the
format gives them), what was wrong and what is accepted.  The CLI prints
``str(error)`` as one line; nothing here prints or exits.
"""

from __future__ import annotations


class MemmapcalcError(Exception):
    """Base class of every error memmapcalc reports itself (exit status 2)."""


class InputError(MemmapcalcError):
    """A config or import input that cannot be read, parsed or validated.

    ``source`` is the file name as the user gave it (``<stdin>`` or the
    ``--stdin-filename``), ``location`` a dotted field path (``memory.online``)
    or ``line L, column C``.
    """

    def __init__(self, source: str, message: str, location: str | None = None) -> None:
        self.source = source
        self.location = location
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = f"{self.source}: {self.location}" if self.location else self.source
        return f"{where}: {_single_line(self.message)}"


class OutputError(MemmapcalcError):
    """The destination of a report cannot be written (``memmapcalc.atomic``, stdout)."""


class UsageError(MemmapcalcError):
    """A command-line value that is not acceptable (bad ``--set``, bad range ...)."""


def _single_line(text: str) -> str:
    """Fold a message onto one line so each diagnostic stays grep-able."""
    return " ".join(text.split())
