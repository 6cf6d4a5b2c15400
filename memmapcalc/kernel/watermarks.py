"""min_free_kbytes at boot, the rules of mm/ that every profile shares: the reserve the page
allocator keeps (``calculate_min_free_kbytes()``), khugepaged's raise of it
(``set_recommended_min_free_kbytes()``) and whether khugepaged starts at all
(``hugepage_init()``).

Each profile passes what differs: its page size, the zones it has populated, the words for
the memory the reserve is computed from, and whether its MMU can do huge pages.
"""

from __future__ import annotations

from functools import lru_cache, partial
from math import isqrt

from memmapcalc.explained import Explained, mib
from memmapcalc.units import KiB, MiB

#: MIGRATE_PCPTYPES (include/linux/mmzone.h): unmovable, movable, reclaimable.
MIGRATE_PCPTYPES = 3
#: hugepage_init(): below 512 MiB of RAM transparent huge pages are disabled.
THP_MIN_RAM = 512 * MiB
#: min_free_kbytes' upper clamp from 5.7 on (mm/page_alloc.c, 262144 kB = 256 MiB).
_CLAMP_5_7 = 262144


MIN_FREE_SOURCE = "mm/page_alloc.c calculate_min_free_kbytes(), init_per_zone_wmark_min()"


def _min_free_formula(lowmem_kb: int, clamp_max: int, value: int, managed_label: str,
                      managed: int) -> str:
    return (f"clamp(isqrt({lowmem_kb} kB × 16), 128, {clamp_max}) = {value} kB "
            f"({managed_label} {mib(managed)})")


def min_free_kbytes(managed: int, clamp_max: int, page: int,
                    managed_label: str = "managed") -> Explained[int]:
    """``calculate_min_free_kbytes()`` (mm/page_alloc.c):
    ``clamp(int_sqrt(lowmem_kbytes × 16), 128, max)`` with lowmem_kbytes =
    ``nr_free_buffer_pages()`` in kB = the managed pages of the zones at or below
    ZONE_NORMAL (no watermarks are set yet at that point).  ``managed_label`` names that
    memory in the explanation (s390: "managed online memory").

    Example (documented table): 4 GiB of lowmem -> 8192 kB; 16 GiB -> 16384 kB;
    880 MiB managed -> isqrt(901120 × 16) = 3796 kB.
    """
    lowmem_kb = managed // page * (page // KiB)
    value = min(max(isqrt(lowmem_kb * 16), 128), clamp_max)
    versions = "5.7 on" if clamp_max == _CLAMP_5_7 else "before 5.7"
    return Explained(value, partial(_min_free_formula, lowmem_kb, clamp_max, value,
                                    managed_label, managed), MIN_FREE_SOURCE, versions)


KHUGEPAGED_SOURCE = "mm/khugepaged.c set_recommended_min_free_kbytes()"


def _khugepaged_formula(per_block: int, zones: int, managed_pages: int, page_kb: int,
                        value: int) -> str:
    return (f"min({per_block} pages × {zones} zones × (2 + 3²), 5 % of {managed_pages} managed "
            f"pages) × {page_kb} kB = {value} kB")


def khugepaged_min_free_kbytes(managed: int, zones: int, pageblock: int,
                               page: int) -> Explained[int]:
    """``set_recommended_min_free_kbytes()`` (mm/khugepaged.c), run when khugepaged starts:
    ``pageblock_nr_pages × zones × (2 + MIGRATE_PCPTYPES²)`` pages, at most 5 % of the
    managed pages; it only ever raises min_free_kbytes.

    Example: s390, 1 MiB pageblocks (256 pages), 4 GiB online (2 zones):
    256 × 2 × 11 = 5632 pages = 22528 kB; x86_64 with 1 GiB (zones DMA, DMA32):
    512 × 2 × 11 = 11264 pages = 45056 kB.
    """
    per_block = pageblock // page
    pages = per_block * zones * (2 + MIGRATE_PCPTYPES * MIGRATE_PCPTYPES)
    cap = managed // page // 20
    value = min(pages, cap) * (page // KiB)
    return Explained(value, partial(_khugepaged_formula, per_block, zones, managed // page,
                                    page // KiB, value), KHUGEPAGED_SOURCE)


def thp_active(thp: bool, managed: int, requirement: str = "THP enabled, RAM ≥ 512 MiB",
               missing: str | None = None,
               source: str = "mm/huge_memory.c hugepage_init()") -> Explained[bool]:
    """khugepaged starts when THP is enabled, the MMU can do huge pages and RAM (managed
    pages) is at least 512 MiB (mm/huge_memory.c ``hugepage_init()``); decided once, at
    boot.  ``missing`` says why the MMU cannot (``None``: it can); ``requirement`` words
    what an active khugepaged needed."""
    active = thp and missing is None and managed >= THP_MIN_RAM
    why = (requirement if active else
           "THP disabled in the config" if not thp else
           missing if missing is not None else
           f"RAM {mib(managed)} < 512 MiB: hugepage_init() disables THP")
    return Explained(active, why, source)


@lru_cache(maxsize=8192)
def reserve(managed: int, zones: int, pageblock: int, page: int, clamp_max: int,
            active: Explained[bool]) -> tuple[Explained[int], Explained[int] | None]:
    """min_free_kbytes after both steps, each with its explanation."""
    base = min_free_kbytes(managed, clamp_max, page)
    raised = khugepaged_min_free_kbytes(managed, zones, pageblock, page) if active.value else None
    return base, raised


def kb(parts: tuple[Explained[int], Explained[int] | None]) -> int:
    """min_free_kbytes after khugepaged: it only ever raises it."""
    base, raised = parts
    return max(base.value, raised.value if raised else 0)
