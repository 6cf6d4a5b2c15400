"""Memory blocks: their size and how many standby blocks the kernel can use."""

from __future__ import annotations

from functools import lru_cache, partial

from memmapcalc.arch.s390x import formulas as fm
from memmapcalc.explained import Explained, mib


@lru_cache(maxsize=4096)
def block_size(section_size: int, increment: int | None, configured: int | None) -> Explained[int]:
    """``memory_block_size_bytes()`` on s390: ``max(MIN_MEMORY_BLOCK_SIZE, sclp.rzm)``.

    Source: arch/s390/mm/init.c ``memory_block_size_bytes()``; MIN_MEMORY_BLOCK_SIZE is
    one section.  Example: 256 MiB sections, 8 MiB increments -> 256 MiB blocks;
    2 GiB LPAR increments -> 2 GiB blocks.
    """
    if configured is not None:
        return Explained(configured, partial(fm.block_size_given, configured),
                         fm.BLOCK_SIZE_SOURCE)
    rzm = increment or 0
    value = max(section_size, rzm)
    rzm_text = mib(rzm) if increment else "unknown (0, as QEMU/KVM reports)"
    return Explained(value, partial(fm.block_size, section_size, rzm_text, value),
                     fm.BLOCK_SIZE_SOURCE)


def standby_range(online: int, standby: int, block: int) -> tuple[int, int]:
    """The usable standby range ``[start, end)``: start rounded up, end rounded down to blocks.

    Source: drivers/s390/char/sclp_cmd.c (≤ 6.17) / sclp_mem.c (≥ 6.18)
    ``align_to_block_size()``, "Standby memory at 0x… (xM of yM usable)".
    Example: online 4 GiB, standby 252 GiB, 256 MiB blocks -> [4 GiB, 256 GiB).
    """
    start = -(-online // block) * block
    end = (online + standby) // block * block
    return (start, max(start, end))


def standby_blocks(online: int, standby: int, block: int) -> Explained[int]:
    """Number of whole blocks in the usable standby range (every one is added before 6.19).

    Example: online 4 GiB + standby 252 GiB with 256 MiB blocks -> 1008 blocks; online
    4100 MiB + standby 1 GiB -> start 4352 MiB, end 5120 MiB -> 3 blocks.
    """
    start, end = standby_range(online, standby, block)
    count = (end - start) // block
    def formula() -> str:
        return (f"(rounddown({mib(online)} + {mib(standby)}, {mib(block)}) - "
                f"roundup({mib(online)}, {mib(block)})) / {mib(block)} = "
                f"({mib(end)} - {mib(start)}) / {mib(block)} = {count}")

    return Explained(count, formula, "drivers/s390/char/sclp_mem.c align_to_block_size(); "
                     "sclp_cmd.c before 6.18")
