"""memmap-on-memory on x86_64, arm64 and ppc64le: is it allowed for a block size, and does
the kernel ask for it when it adds the memory?

Sources: mm/memory_hotplug.c ``mhp_supports_memmap_on_memory()``,
``memory_block_memmap_on_memory_pages()`` (6.6+ text; the 5.13–6.5 condition — parameter on,
request of exactly one block, memmap whole PMDs, the rest pageblock-aligned — gives the
same answers for the block sizes these profiles have); the architectures'
``arch_supports_memmap_on_memory()``; drivers/acpi/acpi_memhotplug.c and
arch/powerpc/platforms/pseries/hotplug-memory.c for who asks (kernel-model.md §4, §10).
"""

from __future__ import annotations

from functools import lru_cache

from memmapcalc.arch.hotplug_rows import HotplugBehaviour
from memmapcalc.arch.profile import Hotplug, Profile
from memmapcalc.kernel.memmap_on_memory import RefusalWords, mhp_check, refusal_reason
from memmapcalc.kernel.modes import MemmapMode

#: mm/'s refusals as the paging profiles word them (the s390x texts: arch/s390x/memmap.py).
REFUSAL_WORDS = RefusalWords(
    not_whole_pages="memmap {size} B is not whole {page_kib} KiB pages",
    not_whole_pageblocks="memmap {pages} pages is not a multiple of the pageblock "
                         "({per_block} pages)",
    force_would_round="; force would round it up",
    fills_block="the memmap ({pages} pages after force rounding) would fill the whole block",
)


@lru_cache(maxsize=4096)
def supported(profile: Profile, behaviour: HotplugBehaviour, block: int, struct_page: int,
              pageblock: int, mode: MemmapMode, radix: bool) -> tuple[bool, str]:
    """``mhp_supports_memmap_on_memory()`` for a block of ``block`` bytes.

    Example (kernel-model.md §10, SP 64): x86_64 128 MiB -> 2 MiB memmap = 512 pages = one
    pageblock, whole PMDs: allowed.  arm64 16K, 128 MiB -> 32 pages of a 2048-page pageblock:
    not allowed, and force cannot help (512 KiB is not a 32 MiB PMD).  ppc64le radix 64K,
    256 MiB -> 4 pages: not with Y, with force 32 pages (28 wasted).
    """
    page = profile.page
    if not behaviour.memmap_on_memory_arch:
        return False, profile.no_memmap_on_memory
    check = mhp_check(block, struct_page, page, pageblock, mode, behaviour.force_mode)
    size, pages, per_block = check.size, check.pages, check.per_block
    refused = refusal_reason(check, page, behaviour.force_mode, REFUSAL_WORDS)
    if refused is not None:
        return False, refused
    ok, why = profile.arch_memmap_on_memory(profile, size, radix)
    if not ok:
        return False, why
    wasted = pages - -(-size // page)
    tail = f", {wasted} pages wasted by force" if wasted else ""
    return True, f"memmap {pages} pages = whole {per_block}-page pageblocks; {why}{tail}"


def requested(profile: Profile, behaviour: HotplugBehaviour, request: int,
              block: int) -> tuple[bool, str]:
    """Does the kernel apply memmap_on_memory to an ``add_memory()`` of ``request`` bytes
    (assuming the block size itself is supported)?

    * ACPI DIMMs: 5.13–6.5 only a DIMM of exactly one block (ACPI asked only then); 6.6–6.7
      ACPI always asks but the core still needs exactly one block and falls back otherwise;
      6.8 on one altmap per block, so any DIMM.
    * pseries DLPAR: one LMB (one block) per request, asked from 6.6.
    """
    if profile.hotplug is Hotplug.DLPAR:
        if not behaviour.dlpar_requests:
            return False, "dlpar_add_lmb() does not request MHP_MEMMAP_ON_MEMORY before 6.6"
        return True, "dlpar_add_lmb() adds one LMB with MHP_MEMMAP_ON_MEMORY"
    if behaviour.split_per_block:
        return True, "6.8 on: one altmap per memory block, any DIMM"
    if request == block:
        return True, "the DIMM is exactly one memory block"
    if behaviour.acpi_requests_always:
        return False, (f"6.6–6.7: ACPI asks, but a {request >> 20} MiB DIMM is not exactly one "
                       f"{block >> 20} MiB block, so the core falls back")
    return False, (f"5.13–6.5: ACPI asks only for a DIMM of exactly one {block >> 20} MiB block, "
                   f"not {request >> 20} MiB")
