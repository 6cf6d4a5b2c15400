"""``mhp_supports_memmap_on_memory()`` (mm/memory_hotplug.c), the checks every profile
shares, once: whether a memory block of a size can carry its own memmap.  What each
refusal is called, and the architecture's own test (``arch_supports_memmap_on_memory()``),
stay with the profile."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from memmapcalc.explained import mib
from memmapcalc.kernel.modes import MemmapMode

#: The memmap of one memory block: ``memory_block_memmap_size() = block / PAGE_SIZE *
#: sizeof(struct page)``, the same rule for every profile.
MEMMAP_PER_BLOCK_SOURCE = "mm/memory_hotplug.c memory_block_memmap_size()"


def memmap_per_block_formula(block: int, page: int, struct_page: int, size: int) -> str:
    return f"{mib(block)} / {page >> 10} KiB × {struct_page} B = {mib(size)}"


class Refusal(Enum):
    """Why mm/ refuses a block its memmap (before the architecture is asked)."""

    #: memory_hotplug.memmap_on_memory is N
    PARAMETER_OFF = "parameter-off"
    #: memmap_on_memory=force before 6.6: kstrtobool fails, the parameter stays N
    FORCE_NOT_ACCEPTED = "force-not-accepted"
    #: the memmap is not whole pages
    NOT_WHOLE_PAGES = "not-whole-pages"
    #: the memmap pages (force-rounded) are not whole pageblocks
    NOT_WHOLE_PAGEBLOCKS = "not-whole-pageblocks"
    #: the memmap would take the whole block
    FILLS_BLOCK = "fills-block"


@dataclass(frozen=True, slots=True)
class MomCheck:
    """The outcome of mm/'s checks for one block, with the numbers the texts name."""

    #: ``None``: mm/ allows it (the architecture's test follows)
    refusal: Refusal | None
    #: bytes of memmap of one block (0 when the parameter is off)
    size: int = 0
    #: pages of the block the memmap takes, force-rounded to whole pageblocks
    pages: int = 0
    #: pages per pageblock
    per_block: int = 0
    #: the parameter as the kernel took it (force before 6.6 is N)
    effective: MemmapMode = MemmapMode.OFF


def memmap_pages(block: int, struct_page: int, page: int, pageblock: int, force: bool) -> int:
    """``memory_block_memmap_on_memory_pages()``: memmap pages of one block, rounded up to a
    whole pageblock in force mode (``pageblock_align``); the extra pages are wasted.

    Example: 128 MiB block, 4 KiB pages, 4 MiB pageblocks, force: 512 pages -> 1024;
    ppc64le 64K, 256 MiB, force: 4 -> 32 pages."""
    pages = -(-(block // page * struct_page) // page)
    if force:
        per_block = pageblock // page
        pages = -(-pages // per_block) * per_block
    return pages


@lru_cache(maxsize=4096)
def mhp_check(block: int, struct_page: int, page: int, pageblock: int, mode: MemmapMode,
              force_accepted: bool) -> MomCheck:
    """The checks of ``mhp_supports_memmap_on_memory()`` in the kernel's order: the
    parameter is Y or force; the memmap is whole pages; its pages (force-rounded) are whole
    pageblocks; they are not the whole block.

    Example: 256 MiB block, 4 KiB pages, struct page 64 B, 1 MiB pageblocks, Y -> 4 MiB of
    memmap = 1024 pages = 4 pageblocks: allowed."""
    effective = mode if (mode is not MemmapMode.FORCE or force_accepted) else MemmapMode.OFF
    if effective is MemmapMode.OFF:
        return MomCheck(Refusal.FORCE_NOT_ACCEPTED if mode is MemmapMode.FORCE
                        else Refusal.PARAMETER_OFF)
    size = block // page * struct_page
    pages = memmap_pages(block, struct_page, page, pageblock, effective is MemmapMode.FORCE)
    per_block = pageblock // page
    refusal = (Refusal.NOT_WHOLE_PAGES if size % page else
               Refusal.NOT_WHOLE_PAGEBLOCKS if pages % per_block else
               Refusal.FILLS_BLOCK if pages == block // page else None)
    return MomCheck(refusal, size, pages, per_block, effective)


#: The parameter refusals, worded the same by every profile.
OFF_REASONS = {
    Refusal.FORCE_NOT_ACCEPTED: ("memmap_on_memory=force is not accepted before 6.6 "
                                 "(kstrtobool fails; stays N)"),
    Refusal.PARAMETER_OFF: "memory_hotplug.memmap_on_memory is N",
}


@dataclass(frozen=True, slots=True)
class RefusalWords:
    """How a profile family words mm/'s refusals of a block size: the rule is one
    (:func:`mhp_check`), the s390x and the paging profiles' texts differ, so the texts
    are data.  Templates name ``{size}`` (memmap bytes), ``{page_kib}``, ``{pages}``
    (force-rounded) and ``{per_block}`` (pages per pageblock)."""

    not_whole_pages: str
    not_whole_pageblocks: str
    #: added to ``not_whole_pageblocks`` when the kernel takes ``force`` (which rounds up)
    force_would_round: str
    fills_block: str


def refusal_reason(check: MomCheck, page: int, force_mode: bool,
                   words: RefusalWords) -> str | None:
    """Why mm/ refuses the block in ``words``, or None when it allows it (the
    architecture's own test follows)."""
    if check.refusal is None:
        return None
    if check.refusal in OFF_REASONS:
        return OFF_REASONS[check.refusal]
    values = {"size": check.size, "page_kib": page >> 10, "pages": check.pages,
              "per_block": check.per_block}
    if check.refusal is Refusal.NOT_WHOLE_PAGES:
        return words.not_whole_pages.format(**values)
    if check.refusal is Refusal.NOT_WHOLE_PAGEBLOCKS:
        return (words.not_whole_pageblocks.format(**values)
                + (words.force_would_round if force_mode else ""))
    return words.fills_block.format(**values)
