"""A kernel as the admin knows it: ``uname -r`` -> release, base, backports, and notes.

:func:`identify` reads the string (:mod:`memmapcalc.kernel.release`) and looks its
distribution up in :mod:`memmapcalc.kernel.distros`.  :func:`apply_backports` folds the
backports onto a behaviour object of the base (any dataclass with those field names, so
it does not depend on which table or class the model uses).  Pure: no I/O.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, TypeVar

from memmapcalc.kernel.distros import (
    BY_DISTRIBUTION,
    RELEASES,
    ROW_TITLES,
    S390_ROWS,
    Backport,
    DistroRelease,
    row_since,
)
from memmapcalc.kernel.release import KernelRelease, parse_release
from memmapcalc.kernel.version import KernelVersion

T = TypeVar("T")

#: The config keys that say a kernel backports a later behaviour, by row.
OVERRIDE_KEYS = {"standby": "kernel.standby",
                 "sclp_memmap_on_memory": "kernel.s390_memmap_on_memory"}


@dataclass(frozen=True, slots=True)
class KernelIdentity:
    release: KernelRelease
    #: the table row of the distribution release, if there is one.
    entry: DistroRelease | None
    #: the backports that apply to this very build (Ubuntu: by ABI number).
    backports: tuple[Backport, ...]
    #: every s390x row is known for this kernel: mainline, or checked in its source.
    known: bool
    notes: tuple[str, ...]

    @property
    def distribution(self) -> str | None:
        return self.release.distribution

    @property
    def base(self) -> KernelVersion:
        return self.release.base

    @property
    def backport_names(self) -> tuple[str, ...]:
        return tuple(b.feature.name for b in self.backports)


def identify(release: str) -> KernelIdentity:
    """Who ``release`` is; ``ValueError`` (one line) if it is not a kernel release."""
    parsed = parse_release(release)
    entry = BY_DISTRIBUTION.get(parsed.distribution or "")
    notes = list(parsed.notes)
    if entry is None:
        known = parsed.family == "mainline"
        if not known:
            notes.append(_unlisted(parsed))
        return KernelIdentity(parsed, None, (), known, tuple(notes))
    backports = tuple(b for b in entry.backports if _applies(b, parsed))
    notes.extend(f"{parsed.release.strip()} predates the {missed.feature.title} backport of "
                 f"{entry.name} (ABI {missed.from_abi} on): mainline {entry.base}'s behaviour"
                 for missed in entry.backports if missed not in backports)
    notes.extend(f"{entry.name}: {note}" for note in entry.notes)
    known = entry.status == "verified" and set(S390_ROWS) <= set(entry.checked)
    if not known:
        notes.append(_unchecked(entry))
    return KernelIdentity(parsed, entry, backports, known, tuple(notes))


def _applies(backport: Backport, release: KernelRelease) -> bool:
    if backport.from_abi is None:
        return True
    return release.abi is not None and release.abi >= backport.from_abi


def _unlisted(release: KernelRelease) -> str:
    who = release.distribution or release.family or "this kernel"
    return (f"{who}: the later kernel changes it backports are not known to memmapcalc; "
            f"mainline {release.base}'s behaviour is used{_how(S390_ROWS, release.base)}")


def _how(rows: tuple[str, ...] | list[str], base: KernelVersion) -> str:
    """How to say the kernel has more than its base, for the rows that have a config key."""
    keys = [OVERRIDE_KEYS[row] for row in rows if row in OVERRIDE_KEYS and row_since(row) > base]
    if not keys:
        return ""
    return f" (if it has more, say so with {' and '.join(keys)})"


def _unchecked(entry: DistroRelease) -> str:
    if not entry.checked:
        return (f"{entry.name}: the later kernel changes it backports were not checked in its "
                f"source; mainline {entry.base}'s behaviour is used{_how(S390_ROWS, entry.base)}")
    # Only later changes can be backported: rows the base already has are not listed.
    rest = [row for row in S390_ROWS
            if row not in entry.checked and row_since(row) > entry.base]
    checked = ", ".join(ROW_TITLES[row] for row in entry.checked)
    if not rest:
        return f"{entry.name}: checked in its source: {checked}"
    return (f"{entry.name}: checked in its source: {checked}; not checked, so as in mainline "
            f"{entry.base}: {', '.join(ROW_TITLES[row] for row in rest)}"
            f"{_how(rest, entry.base)}")


def apply_backports(behaviour: T, backports: tuple[Backport, ...]) -> T:
    """``behaviour`` (a dataclass instance) with every backport's fields set; fields the
    object does not have (another architecture's rows) are left out."""
    if not dataclasses.is_dataclass(behaviour) or isinstance(behaviour, type):
        raise TypeError(f"{type(behaviour).__name__} is not a dataclass instance")
    names = {f.name for f in dataclasses.fields(behaviour)}
    changes: dict[str, Any] = {}
    for backport in backports:
        changes.update((field, value) for field, value in backport.feature.sets if field in names)
    return dataclasses.replace(behaviour, **changes) if changes else behaviour


def applied(behaviour: object, backports: tuple[Backport, ...]) -> tuple[str, ...]:
    """Names of the backports that change a field ``behaviour`` has (for reports)."""
    names = {f.name for f in dataclasses.fields(behaviour)}  # type: ignore[arg-type]
    return tuple(b.feature.name for b in backports
                 if any(field in names for field, _ in b.feature.sets))


def markdown_table() -> str:
    """The README's "Distribution kernels" table, from the data (a test keeps them equal)."""
    lines = ["| release | `uname -r` | base | has (beyond its base) | checked | evidence |",
             "|---|---|---|---|---|---|"]
    lines.extend(f"| {entry.name} | `{entry.uname}` | {entry.base} | {_has(entry)} | "
                 f"{_status(entry)} | {entry.evidence.replace('|', '&#124;')} |"
                 for entry in RELEASES)
    return "\n".join(lines) + "\n"


def _has(entry: DistroRelease) -> str:
    parts = []
    for b in entry.backports:
        since = f" from ABI {b.from_abi}" if b.from_abi is not None else ""
        parts.append(f"{b.feature.title} ({b.feature.mainline}){since}")
    if parts:
        return "; ".join(parts)
    return "nothing" if entry.status == "verified" else "none known"


def _status(entry: DistroRelease) -> str:
    if entry.status == "verified":
        return "all s390x rows"
    if entry.status == "partial":
        return "only " + ", ".join(ROW_TITLES[row] for row in entry.checked)
    return "unknown"
