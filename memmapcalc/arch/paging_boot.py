"""What a paging profile charges at boot besides hot-pluggable memory's blocks: per-DIMM and
per-LMB costs, the cost of adding one run of DIMMs, and boot memory's items (kernel,
initramfs, crashkernel, memmap, tables, metadata, or the calibrated footprint)."""

from __future__ import annotations

from functools import lru_cache, partial
from typing import NamedTuple

from memmapcalc.arch import paging_formulas as fm
from memmapcalc.arch.paging_geometry import tables, vmemmap_of
from memmapcalc.arch.profile import Profile
from memmapcalc.explained import GIVEN, Explained, given
from memmapcalc.kernel.sections import MEMORY_BLOCK_DEVICE, kmalloc_size, section_usage_size
from memmapcalc.kernel.windows import new_windows
from memmapcalc.records.params import Params
from memmapcalc.units import KiB

#: Estimate: per ACPI memory device (DIMM) besides its blocks — ``struct
#: acpi_memory_device`` and its ``acpi_memory_info``, the "System RAM" resource, the
#: memory group, ACPI namespace/sysfs nodes.  tests/data/boots-x86: 128 MiB DIMMs with
#: memmap on memory cost 11.4–12.3 KiB each at boot, of which ~4.6 KiB are per-block costs.
ACPI_DIMM = 7 * KiB


#: ``struct drmem_lmb`` (base_addr, drc_index, aa_index, flags): one per LMB up to the
#: maximum memory (arch/powerpc/include/asm/drmem.h).
DRMEM_LMB = 24


#: memhp_default_state values that online to a kernel zone (a memmap can use that memory).
KERNEL_ONLINE = ("online", "online_kernel")


class Costs(NamedTuple):
    """What adding some hot-pluggable memory takes from free memory."""

    memmap: int = 0
    linear: int = 0
    vmemmap: int = 0
    metadata: int = 0
    #: memory the added DIMMs bring once onlined (minus memmap kept on the blocks)
    usable: int = 0

    @property
    def total(self) -> int:
        return self.memmap + self.linear + self.vmemmap + self.metadata

    def plus(self, other: Costs) -> Costs:
        return Costs(self.memmap + other.memmap, self.linear + other.linear,
                     self.vmemmap + other.vmemmap, self.metadata + other.metadata,
                     self.usable + other.usable)


@lru_cache(maxsize=8192)
def add_costs(profile: Profile, start: int, size: int, count: int, block: int, section: int,
              struct_page: int, pageblock: int, on_memory_pages: int | None, covered: int,
              rodata_full: bool) -> Costs:
    """Costs of ``count`` DIMMs of ``size`` placed contiguously from ``start``, with memory
    below ``covered`` already mapped.  ``on_memory_pages``: memmap pages kept on each block
    (memmap_on_memory), or None when the memmap comes from free memory.

    The memmap is allocated in vmemmap leaves (2 MiB PMDs on x86_64 and arm64 4K, base
    pages on arm64 16K/64K): the leaves of the range not yet populated.  A DIMM that is not a
    whole number of blocks is refused (``check_hotplug_memory_range()``) and costs nothing.
    """
    if size % block or not count:
        return Costs()
    end = start + size * count
    page = profile.page
    vstart, vend = vmemmap_of(start, page, struct_page), vmemmap_of(end, page, struct_page)
    vcovered = vmemmap_of(covered, page, struct_page)
    leaf = profile.vmemmap_leaf
    blocks = size // block * count
    memmap = 0 if on_memory_pages is not None else new_windows(vstart, vend, leaf, vcovered) * leaf
    vmemmap = tables(profile, vstart, vend, vcovered, leaf)
    linear = tables(profile, start, end, covered, profile.linear_leaf(profile, rodata_full))
    sections = size // section * count
    roots = new_windows(start // section, end // section, profile.sections_per_root,
                        covered // section) * page
    metadata = (blocks * MEMORY_BLOCK_DEVICE + count * ACPI_DIMM + roots
                + sections * kmalloc_size(section_usage_size(section, pageblock)))
    kept = blocks * (on_memory_pages or 0) * page
    return Costs(memmap, linear, vmemmap, metadata, size * count - kept)


# --- the budget ---------------------------------------------------------------------------
class Boot(NamedTuple):
    """Boot-memory items (charged values), bytes reserved before min_free_kbytes is
    computed, and the boot page-table parts."""

    items: dict[str, Explained[int]]
    reserved: int
    parts: dict[str, Explained[int]]


def boot_charge(p: Params, profile: Profile, section: int, block: int) -> Boot:
    """Boot-memory items, the bytes reserved before min_free_kbytes is computed, and the boot
    page-table parts."""
    return _boot_items(profile, section, block, p.online, p.footprint, p.footprint_online,
                       p.freed_before_init, p.image, p.initramfs, p.crashkernel, p.struct_page,
                       p.pageblock, p.rodata_full)


@lru_cache(maxsize=4096)
def _boot_items(profile: Profile, section: int, block: int, online: int, footprint: int | None,
                footprint_online: int | None, freed: int, image: int, initramfs: int, crash: int,
                struct_page: int, pageblock: int, rodata_full: bool) -> Boot:
    memmap, linear, vmemmap, meta = _boot_costs(profile, online, section, block, struct_page,
                                                pageblock, rodata_full)
    if footprint is not None:
        measured = footprint_online if footprint_online is not None else online
        delta = memmap - _boot_costs(profile, measured, section, block, struct_page, pageblock,
                                     rodata_full)[0]
        value = footprint + delta
        calibrated = Explained(value, partial(fm.calibrated, footprint, measured, delta, value),
                               fm.CALIBRATED_SOURCE)
        inside = "in kernel.footprint"
        items = {
            "kernel_image": calibrated,
            "initramfs": Explained(freed, partial(fm.freed_before_init, freed),
                                   fm.FREED_BEFORE_INIT_SOURCE),
            "crashkernel": Explained(0, inside, "calibrated"),
            "online_memmap": Explained(0, inside, "calibrated"),
            "metadata": Explained(0, inside, "calibrated"),
        }
        return Boot(items, value, {})
    boot_memmap = Explained(memmap, partial(fm.boot_memmap, online, section, profile.page,
                                            struct_page, profile.vmemmap_leaf, memmap),
                            fm.BOOT_MEMMAP_SOURCE)
    items = {
        "kernel_image": Explained(image, partial(given, "kernel.image", image), GIVEN),
        "initramfs": Explained(initramfs, partial(given, "kernel.initramfs", initramfs),
                               fm.INITRAMFS_SOURCE),
        "crashkernel": Explained(crash, partial(given, "kernel.crashkernel", crash),
                                 fm.CRASHKERNEL_SOURCE),
        "online_memmap": boot_memmap,
        "metadata": Explained(meta, partial(fm.boot_metadata, meta), fm.BOOT_METADATA_SOURCE),
    }
    parts = {"boot_linear": Explained(linear, partial(fm.tables_of, "linear map of boot memory",
                                                      linear), profile.linear_source),
             "boot_vmemmap": Explained(vmemmap, partial(fm.tables_of,
                                                        "vmemmap tables of boot memory", vmemmap),
                                       profile.vmemmap_source)}
    reserved = image + initramfs + crash + memmap + meta + linear + vmemmap
    return Boot(items, reserved, parts)


@lru_cache(maxsize=4096)
def _boot_costs(profile: Profile, boot: int, section: int, block: int, struct_page: int,
                pageblock: int, rodata_full: bool) -> tuple[int, int, int, int]:
    """(memmap, linear-map tables, vmemmap tables, metadata) of boot memory: memmap for every
    present section (whole sections, in vmemmap leaves), section usage and roots, a memory
    block device per block."""
    memmap = linear = vmemmap = sections = 0
    page, covered, vcovered = profile.page, 0, 0
    for start, end in profile.boot_ranges(boot):
        lo, hi = start // section * section, -(-end // section) * section
        vlo, vhi = vmemmap_of(lo, page, struct_page), vmemmap_of(hi, page, struct_page)
        memmap += new_windows(vlo, vhi, profile.vmemmap_leaf, vcovered) * profile.vmemmap_leaf
        vmemmap += tables(profile, vlo, vhi, vcovered, profile.vmemmap_leaf)
        linear += tables(profile, start, end, covered, profile.linear_leaf(profile, rodata_full))
        sections += (hi - lo) // section
        covered, vcovered = end, vhi
    blocks = -(-boot // block)
    roots = -(-sections // profile.sections_per_root) * page
    meta = sections * section_usage_size(section, pageblock) + roots + blocks * MEMORY_BLOCK_DEVICE
    return memmap, linear, vmemmap, meta

