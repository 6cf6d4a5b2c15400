"""Kernel version strings: ``"6.8"``, ``"6.8.12"``, ``"6.8.0-45-generic"``, ``"5.14.0-427.el9"``.

Only major.minor matters to the model (behaviour changes land in merge windows).  A
version outside the kernels memmapcalc knows is an error rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: ASCII only (``re.ASCII``, ``[0-9]``): ``\d`` would also match Arabic-Indic or full-width
#: digits, which ``int()`` then reads as if they were 0-9.
_VERSION_RE = re.compile(r"[ \t]*v?(?P<major>[0-9]{1,2})\.(?P<minor>[0-9]{1,3})(?:\.[0-9]+)?"
                         r"(?:[-+~_.][A-Za-z0-9_.+~-]*)?[ \t]*", re.ASCII)

#: Last minor release of each major series (3.19, 4.20, 5.19, 6.19); 7.x is the current series.
_LAST_MINOR = {3: 19, 4: 20, 5: 19, 6: 19, 7: 9}
ACCEPTED = ('a kernel release such as "6.8", "6.19", "6.8.0-45-generic" or "5.14.0-427.el9" '
            '(3.0 to 7.9)')


@dataclass(frozen=True, order=True, slots=True)
class KernelVersion:
    """A kernel release reduced to (major, minor)."""

    major: int
    minor: int

    @classmethod
    def parse(cls, text: str) -> KernelVersion:
        from memmapcalc.units import ascii_trouble

        trouble = ascii_trouble(text)
        if trouble is not None:
            shown = repr(text if len(text) <= 40 else text[:37] + "...")
            raise ValueError(f"{shown} contains {trouble}; write in plain ASCII {ACCEPTED}")
        match = _VERSION_RE.fullmatch(text)  # (``$`` alone would let a final newline through)
        if match is None:
            raise ValueError(f"{text!r} is not a kernel version; write {ACCEPTED}")
        version = cls(int(match["major"]), int(match["minor"]))
        last = _LAST_MINOR.get(version.major)
        if last is None or version.minor > last:
            raise ValueError(f"{text!r} is not a Linux release memmapcalc knows; write {ACCEPTED}")
        return version

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"


def v(text: str) -> KernelVersion:
    """Short constructor for tables and tests: ``v("6.9")``."""
    return KernelVersion.parse(text)
