"""Architecture profiles for x86_64, arm64 and ppc64le (s390x is :mod:`memmapcalc.core`).

``profile_for(arch, page_size, radix)`` returns the :class:`~memmapcalc.arch.profile.Profile`
of a machine; the modules per architecture hold the data and the few rules that differ.
"""

from __future__ import annotations

from memmapcalc.arch.profile import Profile
from memmapcalc.units import KiB

#: The config's ``arch`` values; the first is the default.
ARCHES = ("s390x", "x86_64", "arm64", "ppc64le")
#: Base page sizes each architecture can be built with; the first is the default.
PAGE_SIZES = {"s390x": (4 * KiB,), "x86_64": (4 * KiB,), "arm64": (4 * KiB, 16 * KiB, 64 * KiB),
              "ppc64le": (64 * KiB, 4 * KiB)}


def default_page_size(arch: str) -> int:
    return PAGE_SIZES[arch][0]


def profile_for(arch: str, page_size: int | None = None, radix: bool = True) -> Profile:
    """The profile of ``arch`` with ``page_size`` (default: the architecture's usual one)."""
    page = page_size or default_page_size(arch)
    if arch == "x86_64":
        from memmapcalc.arch.x86_64 import PROFILE

        return PROFILE
    if arch == "arm64":
        from memmapcalc.arch.arm64 import PROFILES

        return PROFILES[page]
    if arch == "ppc64le":
        from memmapcalc.arch.ppc64le import PROFILES as PPC

        return PPC[(page, radix)]
    raise ValueError(f"no profile for arch {arch!r}: s390x is modelled by memmapcalc.core")
