"""Explained quantities: every number the model derives carries how it was derived.

The functions that compute a value build its :class:`Explained` in the same breath, so
the explanation (``check --explain``) cannot drift from the arithmetic: there is no
separate table of prose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

from memmapcalc.units import format_size

T = TypeVar("T", int, bool, str)


class Explained(NamedTuple, Generic[T]):
    """A derived value with its formula (machine's numbers substituted), kernel source and
    the kernel versions for which that rule holds.

    The formula is given as text or as a function that writes it: the searches evaluate
    the model hundreds of times per machine and only the final result is ever explained,
    so formatting is deferred until someone reads it.  (A NamedTuple because the
    model builds a few dozen per evaluation and tuples are the cheapest immutable record.)
    """

    value: T
    formula_text: str | Callable[[], str]
    source: str
    versions: str = "all"

    @property
    def formula(self) -> str:
        text = self.formula_text
        return text if isinstance(text, str) else text()

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "formula": self.formula, "source": self.source,
                "versions": self.versions}


def mib(nbytes: int) -> str:
    """Compact exact size for formulas: ``4 MiB``; a size that is not whole KiB in bytes."""
    text = format_size(nbytes)
    return f"{text} B" if text[-1:].isdigit() and nbytes else (
        text if text[-1:].isdigit() else f"{text[:-1]} {text[-1]}iB")


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """``number`` with its noun in the right number: ``1 segment table``, ``2 segment
    tables`` (``plural`` when it is not the noun + ``s``)."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


#: The source of a size the config gives (``kernel.image``, ``boot.userspace`` ...).
GIVEN = "given"


def given(field: str, value: int) -> str:
    """A size the config gives: ``kernel.image = 64 MiB``."""
    return f"{field} = {mib(value)}"
