"""The free path: what setting a standby block offline, or deconfiguring it, gives back to
online (kernel) memory, per era (docs/research/budget-audit-after-ipl.md §7).

* **Up to 6.18** nothing on s390 ever calls ``remove_memory()`` (the sclp code only adds;
  the 6.19 series says so: "On s390, memory blocks are not currently removed via
  arch_remove_memory()").  Offlining a block (``chmem -d``, ``echo offline >
  /sys/devices/system/memory/memoryN/state``) takes its pages out of the buddy allocator and
  the sclp memory notifier unassigns its increments (the hypervisor gets the storage back),
  but its memmap, page tables and section/block metadata stay: **0 bytes** return to online
  memory.  There is no deconfigure step.
* **From 6.19** a block can be deconfigured once it is offline (``-EBUSY`` otherwise):
  ``chmem -g`` or ``echo 0 > /sys/firmware/memory/memoryN/config`` ->
  drivers/s390/char/sclp_mem.c ``sclp_config_mem_store()`` -> ``sclp_mem_change_state(…, 0)``
  + ``__remove_memory()`` -> mm/memory_hotplug.c ``try_remove_memory()`` ->
  ``arch_remove_memory()`` = ``__remove_pages()`` (-> mm/sparse.c ``section_deactivate()`` ->
  ``depopulate_section_memmap()`` -> arch/s390/mm/vmem.c ``vmemmap_free()`` ->
  ``vmem_free_pages()``: ``free_pages()`` of the memmap, or ``vmem_altmap_free()`` when it
  was on the block) + ``vmem_remove_mapping()`` (empty identity-map tables freed), then
  ``release_memory_resource()`` and the memory block device.  So deconfiguring gives back
  exactly what configuring the block took: the highest configured block (chmem deconfigures
  from the top) returns ``cost(k) − cost(k − 1)`` of
  :class:`~memmapcalc.model.after_ipl.costs.ConfigureCost`, its memmap included — or, with
  memmap-on-memory, without the memmap: that went with the block, nothing of it returns.

Slab objects (section usage, resource, block device) go back to their caches; the model
counts them as returned bytes, as it charged them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.model.after_ipl.bringup import AfterIpl, Bringup
from memmapcalc.model.after_ipl.costs import ConfigureCost
from memmapcalc.records.params import Params
from memmapcalc.records.verdict import budget

#: What the kernel source says about each step, next to the numbers.
OFFLINE_SOURCE = ("mm/memory_hotplug.c offline_pages(); drivers/s390/char/sclp_mem.c "
                  "sclp_mem_notifier() unassigns the increments; nothing calls remove_memory()")
DECONFIGURE_SOURCE = ("drivers/s390/char/sclp_mem.c sclp_config_mem_store() -> "
                      "mm/memory_hotplug.c try_remove_memory() -> arch_remove_memory() -> "
                      "arch/s390/mm/vmem.c vmemmap_free() / vmem_remove_mapping()")


@dataclass(frozen=True, slots=True)
class Release:
    """What giving back the standby blocks brought into use one way returns."""

    memmap_on_memory: bool
    #: the way is possible and the machine IPLs with it
    possible: bool
    #: blocks brought into use that way (the ones there are to give back)
    blocks: int
    #: online memory that setting a block offline returns (0 in every era)
    offline_returns: int
    #: a deconfigure step exists (≥ 6.19)
    deconfigure: bool
    #: online memory deconfiguring the highest configured block returns (0 ≤ 6.18)
    last_block_returns: int
    #: of which its memmap (0 with memmap-on-memory: the memmap goes with the block)
    last_block_memmap: int
    #: online memory deconfiguring every configured block returns (the whole configure cost)
    all_blocks_return: int


def releases(p: Params, after: AfterIpl) -> tuple[Release, Release]:
    """The free path of ``p`` without and with memmap-on-memory (see the module's text)."""
    return (_release(p, after, after.without), _release(p, after, after.with_memmap_on_memory))


def _release(p: Params, after: AfterIpl, way: Bringup) -> Release:
    possible = way.available and way.ipl
    if after.era is StandbyHandling.BOOT_ADD or not possible or way.blocks == 0:
        deferred = after.era is StandbyHandling.DEFERRED
        return Release(way.memmap_on_memory, possible, way.blocks if possible else 0, 0,
                       deferred, 0, 0, 0)
    q = replace(p, memmap_on_memory=way.mode)
    cost = ConfigureCost(q, budget(q), way.memmap_per_block)
    last = cost(way.blocks) - cost(way.blocks - 1)
    return Release(way.memmap_on_memory, True, way.blocks, 0, True, last, way.memmap_per_block,
                   cost(way.blocks))
