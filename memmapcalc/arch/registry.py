"""The architectures: their names, base page sizes, profiles and report words.

A table keyed by the config's (and the contract's) ``arch`` value.  At import time this
imports :mod:`memmapcalc.records.words` and :mod:`memmapcalc.units` only; a profile module
is imported when :func:`profile_for` first asks for it, so a renderer that asks for words
does not load the model."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from memmapcalc.records.words import BOOT_WORDS, IPL_WORDS, ReportWords
from memmapcalc.units import KiB

#: The config's ``arch`` values; the first is the default (also of a result without one).
ARCHES = ("s390x", "x86_64", "arm64", "ppc64le")
#: Base page sizes each architecture can be built with; the first is the default.
PAGE_SIZES = {"s390x": (4 * KiB,), "x86_64": (4 * KiB,), "arm64": (4 * KiB, 16 * KiB, 64 * KiB),
              "ppc64le": (64 * KiB, 4 * KiB)}

_WORDS: dict[str, ReportWords] = {"s390x": IPL_WORDS}


def vocabulary(arch: str | None) -> ReportWords:
    """The words for a result of ``arch``: ``None`` (no ``arch`` key) is the default
    architecture's; an architecture without words of its own gets the boot words."""
    return _WORDS.get(ARCHES[0] if arch is None else arch, BOOT_WORDS)


#: Profiles whose hot-pluggable memory is firmware standby memory with kernel-era behaviours
#: to compare (sclp: boot-add, memmap-on-memory, deferred); ``plan`` compares them side by
#: side and ``frontier`` draws them.  The others get check's verdict and fixes.
_STANDBY_BEHAVIOURS = frozenset({"s390x"})


def has_standby_behaviours(arch: str | None) -> bool:
    """Whether ``plan``'s behaviour columns and ``frontier`` apply to ``arch`` (None: s390x,
    the config's default)."""
    return (arch or ARCHES[0]) in _STANDBY_BEHAVIOURS


def default_page_size(arch: str) -> int:
    return PAGE_SIZES[arch][0]


#: The module of each architecture's profiles and how its ``PROFILES`` table is keyed:
#: by nothing (one profile), by page size, or by (page size, radix MMU).
_PROFILES: dict[str, tuple[str, str]] = {
    "x86_64": ("memmapcalc.arch.x86_64", "one"),
    "arm64": ("memmapcalc.arch.arm64", "page"),
    "ppc64le": ("memmapcalc.arch.ppc64le", "page_mmu"),
}


def profile_for(arch: str, page_size: int | None = None, radix: bool = True) -> Any:
    """The profile of ``arch`` with ``page_size`` (default: the architecture's usual one)."""
    if arch not in _PROFILES:
        raise ValueError(f"no profile for arch {arch!r}")
    name, keyed = _PROFILES[arch]
    module = import_module(name)
    if keyed == "one":
        return module.PROFILE
    page = page_size or default_page_size(arch)
    return module.PROFILES[page] if keyed == "page" else module.PROFILES[(page, radix)]
