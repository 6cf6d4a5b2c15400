"""The budget of one machine at boot: what every profile's charge returns."""

from __future__ import annotations

from dataclasses import dataclass

from memmapcalc.explained import Explained


@dataclass(frozen=True, slots=True)
class MemmapOnMemory:
    """Whether standby blocks carry their own memmap, and what that costs inside the block."""

    used: Explained[bool]
    #: pages of the block holding its memmap (0 when not used)
    pages: int
    #: pages beyond the memmap itself that force mode's pageblock rounding wastes
    wasted_pages: int


#: Order and names of the items of ``charged_at_ipl`` (the JSON contract).
CHARGED_ITEMS = ("kernel_image", "initramfs", "crashkernel", "cma", "online_memmap",
                 "standby_memmap", "page_tables", "metadata", "min_free", "userspace")
#: Items the text and HTML tables show only when they charge something (the JSON always
#: carries them): ``cma`` is the z/VM vmcp CMA area, 0 everywhere else.
SHOWN_IF_CHARGED = frozenset({"cma"})


@dataclass(frozen=True, slots=True)
class Budget:
    """The online-memory budget of one machine at IPL."""

    block_size: Explained[int]
    standby_blocks: Explained[int]
    memmap_per_block: Explained[int]
    memmap_on_memory: MemmapOnMemory
    charged: dict[str, Explained[int]]
    #: page-table parts (boot identity, boot vmemmap, top level, standby identity/vmemmap)
    page_table_parts: dict[str, Explained[int]]
    min_free_parts: tuple[Explained[int], Explained[int] | None, Explained[bool]]
    section_size: Explained[int]
    required: int
    margin: int
    #: ZONE_DMA's reserve against ZONE_NORMAL allocations (s390; part of ``min_free``)
    lowmem_reserve: Explained[int] | None = None

    @property
    def usable_standby(self) -> int:
        return self.standby_blocks.value * self.block_size.value
