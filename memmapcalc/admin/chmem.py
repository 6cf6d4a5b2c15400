"""Standby memory brought into use after IPL, with chmem as util-linux of the kernel's era
has it (util-linux sys-utils/chmem.c and chmem.8, by release tag):

* 2.30 (the first chmem): ``-e/--enable``, ``-d/--disable``, ``-b/--blocks``; 2.32 adds
  ``-z/--zone``.  On kernels that add standby at IPL (≤ 6.18) the blocks are there,
  offline: ``chmem -e SIZE`` onlines them.
* 2.42 (2026-04, bc7ff96027df "chmem: add support for dynamic (de)configuration of hotplug
  memory") adds ``-c/--configure``, ``-g/--deconfigure`` and ``-m/--memmap-on-memory
  <0|1>`` ("valid only with --configure").  On kernels that defer standby (≥ 6.19) a block
  must be configured first (``/sys/firmware/memory/memoryN/config``); ``chmem -e`` does
  both, ``chmem -c SIZE -m 1`` configures with the block's memmap on the block itself.
  With util-linux before 2.42 chmem cannot configure: the sysfs files are written by hand.

SIZE is ``<size>[m|M|g|G]`` ("The default unit is MiB"); memmapcalc always writes the unit.
"""

from __future__ import annotations

from memmapcalc.admin.command import Command
from memmapcalc.admin.sizes import mib_or_gib
from memmapcalc.kernel.modes import StandbyHandling


def chmem_commands(handling: StandbyHandling, size: int,
                   memmap_on_memory: bool = False) -> tuple[Command, ...]:
    """Bring ``size`` bytes of standby memory into use on a kernel with ``handling``."""
    amount = mib_or_gib(size)
    if handling is StandbyHandling.BOOT_ADD:
        return (Command("shell", f"chmem -e {amount}",
                        "util-linux 2.30+; the standby blocks were added at IPL, offline"),)
    if memmap_on_memory:
        first = (Command("shell", f"chmem -c {amount} -m 1",
                         "util-linux 2.42+: configure with the memmap on the blocks"),
                 Command("shell", f"chmem -e {amount}", "then bring them online"))
        old = "echo 1 > /sys/firmware/memory/memoryN/memmap_on_memory; "
    else:
        first = (Command("shell", f"chmem -e {amount}",
                         "util-linux 2.42+: configures the standby blocks and onlines them"),)
        old = ""
    return (*first,
            Command("shell (util-linux < 2.42)",
                    f"{old}echo 1 > /sys/firmware/memory/memoryN/config; chmem -b -e N",
                    f"per standby block N, {amount} in all: chmem before 2.42 cannot "
                    f"configure"))
