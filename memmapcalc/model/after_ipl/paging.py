"""After boot on the x86_64, arm64 and ppc64le profiles: how their hot-pluggable memory
arrives decides what the model can say (memmapcalc.arch.profile ``Hotplug``).

* ACPI DIMMs (x86_64, arm64): every DIMM present at boot is added during boot
  (drivers/acpi/acpi_memhotplug.c ``acpi_memory_enable_device()`` -> ``add_memory()``), and
  the budget charges its memmap, tables and metadata at the tightest point.  A machine that
  boots has therefore paid for all of them; onlining a block later
  (``echo online > /sys/devices/system/memory/memoryN/state``) allocates nothing sizeable
  (mm/memory_hotplug.c ``online_pages()``).  So all blocks are usable, or none when it does
  not boot — with memmap-on-memory the same, on the boot with the parameter.
* pseries DLPAR (ppc64le): hot-pluggable capacity is added after boot, one LMB at a time
  (arch/powerpc/platforms/pseries/hotplug-memory.c ``dlpar_add_lmb()``), each paying its
  memmap, tables and metadata then.  The model charges none of that, so it has no count:
  ``None``, with the reason.
"""

from __future__ import annotations

from dataclasses import replace

from memmapcalc.arch.paging_geometry import profile_of
from memmapcalc.arch.profile import Hotplug
from memmapcalc.kernel.modes import MemmapMode
from memmapcalc.model.after_ipl.use import Use
from memmapcalc.records.params import Params
from memmapcalc.records.verdict import budget, passes

_DLPAR = ("not counted: hot-pluggable memory arrives after boot by DLPAR, one LMB at a time, "
          "each paying its memmap then (pseries hotplug-memory.c dlpar_add_lmb()), which the "
          "model does not charge")


def paging_use(p: Params) -> Use:
    """After-boot use of ``p``'s hot-pluggable memory (see the module's text)."""
    b = budget(p)
    blocks, block = b.standby_blocks.value, b.block_size.value
    profile, _ = profile_of(p)
    mode, with_mom = _with_memmap_on_memory(p)
    why = budget(replace(p, memmap_on_memory=mode)).memmap_on_memory.used.formula
    if profile.hotplug is Hotplug.DLPAR:
        return Use(blocks, block, None, None, False, None, False, None, _DLPAR, why)
    own = p.memmap_on_memory is not MemmapMode.OFF and b.memmap_on_memory.used.value
    usable = blocks if passes(p) else 0
    limit = ("every DIMM was added at boot (memmap and tables paid); onlining a block "
             "allocates nothing sizeable" if usable == blocks else
             "the machine does not boot: no block can be brought into use")
    return Use(blocks, block, usable, with_mom, own, mode if with_mom is not None else None,
               False, None, limit, why)


def _with_memmap_on_memory(p: Params) -> tuple[MemmapMode, int | None]:
    """The parameter value that puts every DIMM's memmap on its blocks (the machine's own if
    it is on, else Y, else force) and the blocks usable on a boot with it (None when no
    value does)."""
    modes = ([p.memmap_on_memory] if p.memmap_on_memory is not MemmapMode.OFF else
             [MemmapMode.ON, MemmapMode.FORCE])
    for mode in modes:
        q = replace(p, memmap_on_memory=mode)
        b = budget(q)
        if b.memmap_on_memory.used.value:
            return mode, (b.standby_blocks.value if passes(q) else 0)
    return modes[0], None
