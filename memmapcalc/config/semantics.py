"""Checks of a machine config that need more than one field or the kernel version table.

They run after the pydantic model (types, units, unknown keys) and raise
:class:`FieldError` naming the field, so a config is either fully valid or rejected with
a message that says what is accepted.  Nothing here is a verdict about IPL.
"""

from __future__ import annotations

from memmapcalc.arch.s390x.constants import MAX_PHYSICAL, PAGE
from memmapcalc.arch.s390x.platforms import PLATFORMS
from memmapcalc.config.model import Machine
from memmapcalc.kernel.behaviour import behaviour_for
from memmapcalc.units import MiB, format_size, human_size


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
    _check_applies(machine)
    _check_platform(machine)
    _check_footprint(machine)
    _check_cmdline(machine)
    if machine.arch != "s390x":
        _check_profiled(machine)
        return
    memory, kernel = machine.memory, machine.kernel
    section = behaviour_for(machine.kernel_version).section_size
    version_text = f"kernel {machine.kernel.version}" if machine.kernel.version else \
        "the assumed oldest kernel"
    if memory.online == 0:
        raise FieldError("memory.online",
                         "must be more than 0: a machine needs online memory to IPL")
    _check_plausible(machine, section, f"{version_text}")
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
        raise FieldError("memory.standby", f"{format_size(memory.standby)} is less than one "
                         f"memory block ({format_size(effective_block)}), so the kernel could "
                         f"never use it; "
                         f"write 0 or at least {format_size(effective_block)}")
    if memory.online + memory.standby > MAX_PHYSICAL:
        total = format_size(memory.online + memory.standby)
        raise FieldError("memory", f"online + standby = {total} "
                         f"exceeds the 64T of physical memory s390 addresses (MAX_PHYSMEM_BITS 46)")
    pageblock = kernel.pageblock_size
    if pageblock is not None and (not _power_of_two(pageblock)
                                  or not PAGE <= pageblock <= 4 * MiB):
        raise FieldError("kernel.pageblock_size", f"{format_size(pageblock)} is not a pageblock "
                         f"size; "
                         f"write 1M (HugeTLB or THP configured) or 4M (neither), or a power of two "
                         f"from 4K to 4M")


#: Sizes of ``memory`` that the kernel handles in whole base pages (at least 4 KiB on every
#: architecture); a size that is not, cannot be meant (a bare number read as bytes).
_PAGED_FIELDS = ("online", "standby", "increment", "block_size")


def _intent(value: int) -> str:
    """The likely meaning of a bare number too small to be meant as bytes: MiB, as chmem
    reads a bare number."""
    if value < MiB:
        return f"; write {value}M for {value} MiB"
    return ""


def _check_pages(machine: Machine) -> None:
    """Each memory size is whole 4 KiB pages (``PAGE``); ``online: 4097`` cannot be meant."""
    memory = machine.memory
    sizes = [(f"memory.{name}", getattr(memory, name)) for name in _PAGED_FIELDS]
    sizes += [("memory.dimms", dimm) for dimm in memory.dimms or ()]
    for field, value in sizes:
        if value is not None and value % PAGE:
            raise FieldError(field, f"{value} is {value} bytes, not a whole number of 4 KiB "
                             f"pages (sizes without a unit are bytes){_intent(value)}")


def _check_section(online: int, section: int, of: str) -> None:
    """Online memory of less than one section cannot be meant: the kernel's memory model
    (sparsemem) and the block devices of hot-pluggable memory are built of whole sections,
    and every supported kernel needs far more to IPL."""
    if online < section:
        raise FieldError("memory.online", f"{_bytes_text(online)}, less than one "
                         f"{human_size(section)} section of {of}{_intent(online)}")


def _bytes_text(value: int) -> str:
    """``4096 is 4096 bytes``, ``64M is 64 MiB``: the value as read, in the unit it has."""
    if value < MiB:
        return f"{value} is {value} bytes"
    return f"{format_size(value)} is {human_size(value)}"


def _check_plausible(machine: Machine, section: int, of: str) -> None:
    _check_pages(machine)
    _check_section(machine.memory.online, section, of)


#: Fields that only some architectures have: (section, field) -> the architectures.
ONLY_ON: dict[tuple[str, str], tuple[str, ...]] = {
    ("memory", "increment"): ("s390x",),
    ("memory", "standby"): ("s390x", "ppc64le"),
    ("memory", "dimms"): ("x86_64", "arm64"),
    ("cpu", "edat1"): ("s390x",),
    ("cpu", "edat2"): ("s390x",),
    ("cpu", "hypervisor"): ("x86_64",),
    ("kernel", "standby"): ("s390x",),
    ("kernel", "s390_memmap_on_memory"): ("s390x",),
    ("kernel", "page_size"): ("arm64", "ppc64le"),
    ("kernel", "mmu"): ("ppc64le",),
    ("kernel", "rodata_full"): ("arm64",),
    ("kernel", "auto_online"): ("x86_64", "arm64"),
    ("kernel", "vmcp_cma"): ("s390x",),
}

_INSTEAD: dict[tuple[str, ...], str] = {
    ("memory", "standby"): "hot-pluggable memory present at boot is a list of DIMMs: "
                           "memory.dimms: [8G, 8G]",
    ("memory", "dimms", "s390x"): "standby memory is memory.standby",
    ("memory", "dimms", "ppc64le"): "on pseries DIMMs present at boot are boot memory (count "
                                    "them in memory.online); memory.standby is what DLPAR adds "
                                    "later",
    ("memory", "increment"): "the memory block size is memory.block_size",
    ("cpu", "edat1"): "EDAT is an IBM Z facility",
    ("cpu", "edat2"): "EDAT is an IBM Z facility",
    ("kernel", "auto_online"): "not modelled for this architecture",
}


def _check_applies(machine: Machine) -> None:
    """A field set for an architecture that does not have it is an error."""
    for (section, name), arches in ONLY_ON.items():
        if machine.arch in arches:
            continue
        part = getattr(machine, section)
        if name in part.model_fields_set and getattr(part, name) is not None:
            hint = _INSTEAD.get((section, name, machine.arch), _INSTEAD.get((section, name), ""))
            raise FieldError(f"{section}.{name}", f"does not apply to arch {machine.arch} (only to "
                             f"{', '.join(arches)})" + (f"; {hint}" if hint else ""))


def _check_cmdline(machine: Machine) -> None:
    """kernel.cmdline against the keys that say the same (memmapcalc.config.cmdline)."""
    from memmapcalc.config.cmdline import CmdlineError, check

    try:
        check(machine)
    except CmdlineError as error:
        raise FieldError(error.field, error.message) from None


def _check_platform(machine: Machine) -> None:
    """``platform`` is where an s390x Linux IPLs; a QEMU/KVM guest has no standby memory."""
    if machine.platform is None:
        return
    if machine.arch != "s390x":
        raise FieldError("platform", f"{machine.platform} does not apply to arch {machine.arch}: "
                         f"platform (zvm, lpar, kvm) is where an s390x Linux IPLs; remove it")
    row = PLATFORMS[machine.platform]
    if machine.memory.standby and not row.sclp_standby:
        raise FieldError("memory.standby", f"{format_size(machine.memory.standby)} on platform "
                         f"{machine.platform}: a {row.label} has no standby memory ({row.source}; "
                         f"its hot-plug is virtio-mem, which memmapcalc does not model); write "
                         f"standby: 0, or the platform it really runs on")


def _check_footprint(machine: Machine) -> None:
    """A calibrated footprint already holds the kernel image, the initramfs and the crash
    kernel; ``freed_before_init`` only means something with it."""
    kernel = machine.kernel
    if kernel.footprint is None:
        if kernel.footprint_online is not None:
            raise FieldError("kernel.footprint_online", "only applies with kernel.footprint "
                             "(it says at which memory.online the footprint was measured)")
        if kernel.freed_before_init is not None:
            raise FieldError("kernel.freed_before_init", "only applies with kernel.footprint "
                             "(without it kernel.initramfs covers the initramfs)")
        return
    for name in ("image", "initramfs", "crashkernel"):
        if name in kernel.model_fields_set:
            raise FieldError(f"kernel.{name}", f"is included in kernel.footprint (the calibration "
                             f"boot held it); remove kernel.{name} or kernel.footprint")
    measured, field = ((machine.memory.online, "memory.online") if kernel.footprint_online is None
                       else (kernel.footprint_online, "kernel.footprint_online"))
    if kernel.footprint >= measured:
        raise FieldError("kernel.footprint", f"{format_size(kernel.footprint)} is not less than "
                         f"{field} {format_size(measured)}: the footprint is boot memory minus "
                         f"MemFree at /init, so it is smaller than boot memory")


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


def _check_profiled(machine: Machine) -> None:
    """x86_64, arm64, ppc64le: page size, block size, DIMMs, pageblock, physical limit."""
    from memmapcalc.arch import PAGE_SIZES, profile_for
    from memmapcalc.arch.hotplug_rows import hotplug_behaviour
    from memmapcalc.arch.profile import Hotplug

    memory, kernel = machine.memory, machine.kernel
    if memory.online == 0:
        raise FieldError("memory.online", "must be more than 0: the boot memory")
    _check_pages(machine)
    sizes = PAGE_SIZES[machine.arch]
    if kernel.page_size is not None and kernel.page_size not in sizes:
        raise FieldError("kernel.page_size", f"{format_size(kernel.page_size)} is not a base page "
                         f"size of {machine.arch}; write "
                         f"{' or '.join(format_size(size) for size in sizes)}")
    profile = profile_for(machine.arch, kernel.page_size, (kernel.mmu or "radix") == "radix")
    behaviour = hotplug_behaviour(profile.family, profile.page, machine.kernel_version)
    version_text = f"kernel {kernel.version}" if kernel.version else "the assumed oldest kernel"
    _check_section(memory.online, behaviour.section_size, f"{profile.name} on {version_text}")
    if memory.block_size is not None:
        block = memory.block_size
        if not _power_of_two(block):
            raise FieldError("memory.block_size", f"{format_size(block)} is not a power of two; "
                             f"memory_block_size_bytes() always is (drivers/base/memory.c "
                             f"memory_dev_init() panics otherwise)")
        if block < behaviour.section_size:
            raise FieldError("memory.block_size", f"{format_size(block)} is smaller than the "
                             f"{format_size(behaviour.section_size)} section size of "
                             f"{profile.name} on {version_text}; a memory block is at least one "
                             f"section")
    hypervisor = True if machine.cpu.hypervisor is None else machine.cpu.hypervisor
    block = profile.block_size(profile, behaviour, memory.online, hypervisor,
                               memory.block_size).value
    for index, dimm in enumerate(memory.dimms or ()):
        if dimm == 0 or dimm % block:
            raise FieldError("memory.dimms", f"DIMM {index + 1} ({format_size(dimm)}) is not a "
                             f"whole number of {format_size(block)} memory blocks: the kernel "
                             f"refuses it (mm/memory_hotplug.c check_hotplug_memory_range())")
    if profile.hotplug is Hotplug.DLPAR and 0 < memory.standby < block:
        raise FieldError("memory.standby", f"{format_size(memory.standby)} is less than one LMB "
                         f"({format_size(block)}); write 0 or at least {format_size(block)}")
    end = (profile.hotplug_base(memory.online) + sum(memory.dimms or ())
           if memory.dimms else memory.online + memory.standby)
    if end > profile.max_physical:
        raise FieldError("memory", f"boot and hot-pluggable memory end at {format_size(end)}, "
                         f"beyond the {format_size(profile.max_physical)} of physical memory "
                         f"{profile.name} addresses ({profile.max_physical_source})")
    pageblock = kernel.pageblock_size
    if pageblock is not None and (
            not _power_of_two(pageblock) or not profile.page <= pageblock <= max(
                profile.pageblock, 4 * MiB)):
        raise FieldError("kernel.pageblock_size", f"{format_size(pageblock)} is not a pageblock "
                         f"size of {profile.name}; the default is "
                         f"{format_size(profile.pageblock)}, a power of two from "
                         f"{format_size(profile.page)} to "
                         f"{format_size(max(profile.pageblock, 4 * MiB))} is accepted")
