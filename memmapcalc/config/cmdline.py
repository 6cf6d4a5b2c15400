"""``kernel.cmdline`` in a config: its settings as the model's inputs, checked against the config
keys that say the same thing (the kernel only sees the command line, so they must agree):
``kernel.memmap_on_memory``, ``kernel.crashkernel`` (compared as the bytes they reserve on this
machine), ``kernel.thp``, ``kernel.auto_online``, ``kernel.vmcp_cma``.  What the model cannot
represent is refused with the parameter's name, never dropped (``cma=`` with a size where the
kernel builds the area, ``mem=`` off s390x, ``memhp_default_state=online*`` while s390 adds
standby at IPL).  Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from memmapcalc.config.model import Machine
from memmapcalc.kernel import crashkernel
from memmapcalc.kernel.cmdline import CmdlineSettings, Rules, read, rules_for
from memmapcalc.kernel.identity import KernelIdentity, identify
from memmapcalc.kernel.modes import MemmapMode, StandbyHandling
from memmapcalc.records.params import s390_kernel
from memmapcalc.units import format_size


class CmdlineError(ValueError):
    """A config the command line contradicts, or a parameter the model cannot represent."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True, slots=True)
class Applied:
    """What the command line changes in the resolved inputs, and the notes that say so."""

    memmap_on_memory: MemmapMode | None = None
    crashkernel: int | None = None
    thp: bool | None = None
    auto_online: str | None = None
    online: int | None = None
    standby: int | None = None
    vmcp_cma_size: int | None = None
    notes: tuple[str, ...] = ()


def settings_of(machine: Machine) -> CmdlineSettings | None:
    """The command line's settings read with this kernel's rules (None without a cmdline)."""
    if machine.kernel.cmdline is None:
        return None
    return _read(machine.kernel.cmdline, rules_of_release(machine.kernel.version))


_read = lru_cache(maxsize=1024)(read)
_identify = lru_cache(maxsize=1024)(identify)


def system_ram(machine: Machine, settings: CmdlineSettings | None) -> tuple[int, str]:
    """What the architecture passes ``parse_crashkernel()`` as system RAM, and its name:
    s390 ``ident_map_size`` = the storage address range (online + standby, rnmax × rnsize),
    capped by ``mem=`` (arch/s390/boot/startup.c setup_ident_map_size()); elsewhere
    ``memblock_phys_mem_size()``, the boot memory (memory.online)."""
    memory = machine.memory
    if machine.arch != "s390x":
        return memory.online, "memblock_phys_mem_size() (memory.online)"
    ident = memory.online + memory.standby
    if settings is not None and settings.mem is not None and 0 < settings.mem.value < ident:
        return settings.mem.value, f"ident_map_size ({settings.mem.token})"
    return ident, "ident_map_size (online + standby)"


def config_crashkernel(machine: Machine, settings: CmdlineSettings | None) -> int:
    """``kernel.crashkernel`` as bytes: a size as it is, a kernel expression resolved."""
    value = machine.kernel.crashkernel
    if isinstance(value, int):
        return value
    ram, name = system_ram(machine, settings)
    return crashkernel.reserve(value, ram, name).size


def apply(machine: Machine, identity: KernelIdentity | None) -> Applied:
    """The command line's effect on the inputs (after :func:`check` passed)."""
    del identity  # the rules come from the same release (settings_of)
    settings = settings_of(machine)
    key_note = _key_crash_note(machine, settings)
    if settings is None:
        return Applied(notes=key_note)
    notes = [*key_note, *(f"kernel.cmdline: {note}" for note in settings.notes)]
    values: dict[str, object] = {}
    if settings.memmap_on_memory is not None:
        values["memmap_on_memory"] = settings.memmap_on_memory.value
        notes.append(f"kernel.cmdline sets {settings.memmap_on_memory.token} "
                     f"(memmap_on_memory {settings.memmap_on_memory.value.kernel_value})"
                     + _unbuilt(machine, settings.memmap_on_memory.value))
    crash = _crash(machine, settings, notes)
    if crash is not None:
        values["crashkernel"] = crash
    if settings.transparent_hugepage is not None:
        values["thp"] = settings.transparent_hugepage.value != "never"
        notes.append(f"kernel.cmdline sets {settings.transparent_hugepage.token}"
                     + (": khugepaged does not raise min_free_kbytes (mm/khugepaged.c "
                        "set_recommended_min_free_kbytes())"
                        if settings.transparent_hugepage.value == "never" else ""))
    if settings.memhp_default_state is not None:
        state = settings.memhp_default_state
        if machine.arch in ("x86_64", "arm64"):
            values["auto_online"] = state.value
        notes.append(f"kernel.cmdline sets {state.token}" + _memhp_effect(machine, state.value))
    if settings.mem is not None and settings.mem.value and machine.arch == "s390x":
        values.update(_mem_caps(machine, settings.mem.value, settings.mem.token, notes))
    if settings.vmcp_cma is not None:
        values["vmcp_cma_size"] = settings.vmcp_cma.value
        notes.append(f"kernel.cmdline sets {settings.vmcp_cma.token}: the z/VM vmcp CMA area is "
                     f"{format_size(settings.vmcp_cma.value)} (drivers/s390/char/vmcp.c, "
                     f"reserved under z/VM only)")
    if settings.cma is not None and settings.cma.value.size == 0:
        notes.append(f"kernel.cmdline sets {settings.cma.token}: no CMA area")
    if settings.cma is not None and settings.cma.value.size and _without_dma_cma(machine):
        notes.append(f"kernel.cmdline: {settings.cma.token} has no effect: "
                     f"{_without_dma_cma(machine)}, so cma= is an unknown parameter")
    return Applied(notes=tuple(notes), **values)  # type: ignore[arg-type]


def _unbuilt(machine: Machine, mode: MemmapMode) -> str:
    """s390 builds the parameter only with CONFIG_MHP_MEMMAP_ON_MEMORY, which needs the arch
    to select ARCH_MHP_MEMMAP_ON_MEMORY_ENABLE: the same 6.9 series (or backport) that lets
    sclp put the standby memmap on the blocks."""
    if machine.arch != "s390x" or mode is MemmapMode.OFF:
        return ""
    identity = None if machine.kernel.version is None else _identify(machine.kernel.version)
    behaviour, _ = s390_kernel(machine.kernel_version, identity)
    has = (behaviour.sclp_memmap_on_memory if machine.kernel.s390_memmap_on_memory is None
           else machine.kernel.s390_memmap_on_memory)
    return "" if has else ("; this s390 kernel is built without CONFIG_MHP_MEMMAP_ON_MEMORY "
                           "(s390 enables it with the 6.9 series), so the parameter is unknown "
                           "to it and changes nothing")


def _key_crash_note(machine: Machine, settings: CmdlineSettings | None) -> tuple[str, ...]:
    """How a ``kernel.crashkernel`` in the kernel's syntax was resolved."""
    value = machine.kernel.crashkernel
    if isinstance(value, int) or machine.kernel.footprint is not None:
        return ()
    ram, name = system_ram(machine, settings)
    return (f"kernel.crashkernel: {crashkernel.reserve(value, ram, name).reason}",)


def _crash(machine: Machine, settings: CmdlineSettings, notes: list[str]) -> int | None:
    if settings.crashkernel_suffixed is not None and machine.arch == "s390x":
        notes.append(f"kernel.cmdline: {settings.crashkernel_suffixed} is not read on s390 "
                     f"(reserve_crashkernel() passes parse_crashkernel() no high/low)")
    if settings.crashkernel is None:
        return None
    if machine.kernel.footprint is not None:
        notes.append(f"kernel.cmdline: {settings.crashkernel.token} is in kernel.footprint "
                     f"(the calibration boot held it)")
        return None
    ram, name = system_ram(machine, settings)
    reservation = crashkernel.reserve(settings.crashkernel.value, ram, name)
    if reservation.size and reservation.size > machine.memory.online and \
            machine.arch == "s390x":
        notes.append(f"kernel.cmdline: {reservation.reason}, but online memory is smaller: "
                     f"\"first memory chunk must be at least crashkernel size\", nothing is "
                     f"reserved")
        return 0
    notes.append(f"kernel.cmdline: {reservation.reason}")
    return reservation.size


def _mem_caps(machine: Machine, limit: int, token: str, notes: list[str]) -> dict[str, int]:
    """s390 ``mem=``: ``ident_map_size`` is capped, online memory above it is not used
    (``physmem_set_usable_limit()``) and standby above it is not added
    (drivers/s390/char/sclp_cmd.c add_memory_merged(): ``if (start >= ident_map_size)``)."""
    online, standby = machine.memory.online, machine.memory.standby
    new_online = min(online, limit)
    new_standby = min(standby, max(0, limit - online))
    if (new_online, new_standby) == (online, standby):
        notes.append(f"kernel.cmdline sets {token}: above online + standby, no effect")
        return {}
    notes.append(f"kernel.cmdline sets {token}: the kernel uses memory below "
                 f"{format_size(limit)} only: online {format_size(new_online)}, standby "
                 f"{format_size(new_standby)} of {format_size(standby)}")
    return {"online": new_online, "standby": new_standby}


def _memhp_effect(machine: Machine, state: str) -> str:
    if state == "offline":
        return " (the default: added memory stays offline)"
    if machine.arch == "s390x" and not machine.memory.standby:
        return ": no standby memory, no effect at IPL"
    if machine.arch == "s390x":
        return (": standby memory is not added at IPL on this kernel, so it only applies when "
                "a block is configured later")
    return ": each hot-plugged block is onlined as it is added"


def standby_handling(machine: Machine) -> StandbyHandling:
    """s390: what this kernel does with standby memory at IPL (the override wins)."""
    identity = None if machine.kernel.version is None else _identify(machine.kernel.version)
    behaviour, _ = s390_kernel(machine.kernel_version, identity)
    return machine.kernel.standby or behaviour.standby


def check(machine: Machine) -> None:
    """Raise :class:`CmdlineError` for a config key the command line contradicts, or a
    parameter whose effect the model cannot represent."""
    settings = settings_of(machine)
    if settings is None:
        return
    kernel, where = machine.kernel, "in kernel.cmdline"
    given = kernel.model_fields_set
    mom = settings.memmap_on_memory
    if mom is not None and "memmap_on_memory" in given and kernel.memmap_on_memory != mom.value:
        raise CmdlineError("kernel.memmap_on_memory", _contradiction(
            kernel.memmap_on_memory.value, mom.token, mom.value.kernel_value))
    if settings.crashkernel is not None and "crashkernel" in given:
        ram, name = system_ram(machine, settings)
        from_line = crashkernel.reserve(settings.crashkernel.value, ram, name).size
        from_key = config_crashkernel(machine, settings)
        if from_line != from_key:
            raise CmdlineError("kernel.crashkernel", _contradiction(
                _key_text(kernel.crashkernel, from_key), settings.crashkernel.token,
                format_size(from_line)))
    thp = settings.transparent_hugepage
    if thp is not None and "thp" in given and kernel.thp != (thp.value != "never"):
        raise CmdlineError("kernel.thp", _contradiction(str(kernel.thp).lower(), thp.token,
                                                        "THP " + thp.value))
    if (vmcp := settings.vmcp_cma) is not None and kernel.vmcp_cma not in (None, vmcp.value):
        raise CmdlineError("kernel.vmcp_cma", _contradiction(
            format_size(kernel.vmcp_cma or 0), vmcp.token, format_size(vmcp.value)))
    _check_unmodelled(machine, settings, where)


def _check_unmodelled(machine: Machine, settings: CmdlineSettings, where: str) -> None:
    kernel = machine.kernel
    state = settings.memhp_default_state
    if state is not None and "auto_online" in kernel.model_fields_set and \
            kernel.auto_online != state.value:
        raise CmdlineError("kernel.auto_online", _contradiction(
            str(kernel.auto_online), state.token, state.value))
    if state is not None and state.value != "offline":
        if machine.arch == "ppc64le":
            raise CmdlineError("kernel.cmdline", f"{state.token} {where}: onlining at add time "
                               f"is not modelled for ppc64le; remove it to check the machine "
                               f"with hot-added memory offline")
        if machine.arch == "s390x" and machine.memory.standby and \
                standby_handling(machine) is StandbyHandling.BOOT_ADD:
            raise CmdlineError("kernel.cmdline", f"{state.token} {where}: this kernel adds "
                               f"standby memory at IPL and would online every block as it "
                               f"is added (mm/memory_hotplug.c add_memory_resource()); "
                               f"memmapcalc models standby offline at IPL — remove it, or "
                               f"write memhp_default_state=offline")
    if settings.mem is not None and settings.mem.value and machine.arch != "s390x":
        raise CmdlineError("kernel.cmdline", f"{settings.mem.token} {where}: mem= is modelled "
                           f"for s390x only; on {machine.arch} write the memory the kernel "
                           f"uses as memory.online and remove mem=")
    if settings.crashkernel_suffixed is not None and machine.arch != "s390x" and \
            settings.crashkernel is None:
        raise CmdlineError("kernel.cmdline", f"{settings.crashkernel_suffixed} {where}: "
                           f"crashkernel=…,high/low is not modelled for {machine.arch}; give "
                           f"the total as kernel.crashkernel and remove it")
    cma = settings.cma
    if cma is not None and cma.value.size:
        if _without_dma_cma(machine) is not None:
            return  # the kernel has no cma= parameter (a note says so)
        raise CmdlineError("kernel.cmdline", f"{cma.token} {where}: a CMA area of "
                           f"{format_size(cma.value.size)} serves movable allocations only "
                           f"(kernel/dma/contiguous.c, CONFIG_DMA_CMA), and memmapcalc does "
                           f"not charge one; remove cma= to check the machine without it")


def _contradiction(key_value: str, token: str, means: str) -> str:
    return (f"{key_value} contradicts {token} in kernel.cmdline ({means}); the kernel only "
            f"reads the command line: make them agree or remove the key")


def _key_text(value: int | str, size: int) -> str:
    return (format_size(value) if isinstance(value, int) else
            f"{value} ({format_size(size)} on this machine)")


def _without_dma_cma(machine: Machine) -> str | None:
    """Why the machine's s390x release has no ``cma=`` (kernel.distros), or None."""
    identity = None if machine.kernel.version is None else _identify(machine.kernel.version)
    entry = None if identity is None or machine.arch != "s390x" else identity.entry
    return None if entry is None else entry.without_dma_cma


def rules_of_release(release: str | None) -> Rules:
    """The parsing rules of a ``uname -r`` release (probe reads /proc/cmdline with them)."""
    from memmapcalc.kernel.version import KernelVersion

    if release is None:
        return rules_for(None, True, None)
    identity = _identify(release)
    behaviour, _ = s390_kernel(KernelVersion.parse(release), identity)
    return rules_for(KernelVersion.parse(release), behaviour.force_mode, identity.distribution)
