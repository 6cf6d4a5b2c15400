"""Checks of a machine config that need more than one field or the kernel version table.

They run after the pydantic model (types, units, unknown keys) and raise
:class:`FieldError` naming the field, so a config is either fully valid or rejected with
a message that says what is accepted.  Nothing here is a verdict about IPL.
"""

from __future__ import annotations

from memmapcalc.config.model import Machine
from memmapcalc.core.s390 import MAX_PHYSICAL, PAGE
from memmapcalc.kernel.behaviour import behaviour_for
from memmapcalc.units import MiB, format_size


class FieldError(ValueError):
    """A semantically invalid field; ``field`` is its dotted path."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


def _power_of_two(value: int) -> bool:
    return value > 0 and value & (value - 1) == 0


def check_machine(machine: Machine) -> None:
    """Raise :class:`FieldError` for the first inconsistency found."""
    memory, kernel = machine.memory, machine.kernel
    section = behaviour_for(machine.kernel_version).section_size
    version_text = f"kernel {machine.kernel.version}" if machine.kernel.version else \
        "the assumed oldest kernel"
    if memory.online == 0:
        raise FieldError("memory.online", "must be more than 0: a machine needs online memory to IPL")
    if machine.cpu.edat2 and not machine.cpu.edat1:
        raise FieldError("cpu.edat2", "EDAT-2 requires EDAT-1; set cpu.edat1: true or "
                         "cpu.edat2: false")
    if memory.increment is not None:
        _check_increment(memory.increment, memory.online, memory.standby)
    block = memory.block_size
    if block is not None:
        if not _power_of_two(block):
            raise FieldError("memory.block_size", f"{format_size(block)} is not a power of two; "
                             f"memory_block_size_bytes() always is (drivers/base/memory.c "
                             f"memory_dev_init() panics otherwise)")
        if block < section:
            raise FieldError("memory.block_size", f"{format_size(block)} is smaller than the "
                             f"{format_size(section)} section size of {version_text}; a memory "
                             f"block is at least one section")
        if memory.increment is not None and block < memory.increment:
            raise FieldError("memory.block_size", f"{format_size(block)} is smaller than the "
                             f"increment {format_size(memory.increment)}; the kernel uses "
                             f"max(section size, increment)")
    effective_block = block or max(section, memory.increment or 0)
    if 0 < memory.standby < effective_block:
        raise FieldError("memory.standby", f"{format_size(memory.standby)} is less than one memory "
                         f"block ({format_size(effective_block)}), so the kernel could never use it; "
                         f"write 0 or at least {format_size(effective_block)}")
    if memory.online + memory.standby > MAX_PHYSICAL:
        raise FieldError("memory", f"online + standby = {format_size(memory.online + memory.standby)} "
                         f"exceeds the 64T of physical memory s390 addresses (MAX_PHYSMEM_BITS 46)")
    pageblock = kernel.pageblock_size
    if not _power_of_two(pageblock) or not PAGE <= pageblock <= 4 * MiB:
        raise FieldError("kernel.pageblock_size", f"{format_size(pageblock)} is not a pageblock size; "
                         f"write 1M (HugeTLB or THP configured) or 4M (neither), or a power of two "
                         f"from 4K to 4M")


def _check_increment(increment: int, online: int, standby: int) -> None:
    if increment % MiB:
        raise FieldError("memory.increment", f"{format_size(increment)} is not a whole number of MiB; "
                         f"SCLP reports the storage increment (rzm) in MiB")
    if not _power_of_two(increment):
        raise FieldError("memory.increment", f"{format_size(increment)} is not a power of two; "
                         f"storage increments are (1M, 2M, … 2G), and a block size derived from one "
                         f"must be (drivers/base/memory.c memory_dev_init())")
    for field, value in (("memory.online", online), ("memory.standby", standby)):
        if value % increment:
            raise FieldError(field, f"{format_size(value)} is not a whole number of "
                             f"{format_size(increment)} storage increments")
