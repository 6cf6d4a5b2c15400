"""From a validated config to the model's plain inputs: every default filled in, the kernel
version's behaviour folded, and the architecture's profile picked.

The one place that maps a config's ``arch`` to a profile (a table, :data:`_RESOLVERS`);
the model below only asks the profile it is handed."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from memmapcalc.arch import paging, s390x
from memmapcalc.arch.profile import Hotplug
from memmapcalc.arch.registry import default_page_size, profile_for
from memmapcalc.config.cmdline import config_crashkernel, settings_of
from memmapcalc.config.model import Machine
from memmapcalc.kernel.behaviour import behaviour_for
from memmapcalc.kernel.cmdline_fix import tokens_of
from memmapcalc.kernel.identity import KernelIdentity, identify
from memmapcalc.kernel.modes import StandbyHandling
from memmapcalc.records.params import (
    FREED_BEFORE_INIT,
    S390_PAGEBLOCK,
    Params,
    s390_kernel,
    vary,
)


def resolve(machine: Machine) -> Params:
    """Fill defaults: the version's behaviour with the release's backports folded on, then
    the config's explicit overrides (the config wins over the distribution data)."""
    identity = kernel_identity(machine)
    params = _RESOLVERS[machine.arch](machine, identity)
    return vary(params, kernel_identity=identity, **_cmdline_changes(machine, identity))


def _cmdline_changes(machine: Machine, identity: KernelIdentity | None) -> dict[str, Any]:
    """kernel.cmdline's settings over the config's (checked to agree when both are given)."""
    from memmapcalc.config.cmdline import apply

    applied = apply(machine, identity)
    changes: dict[str, Any] = {name: getattr(applied, name)
                               for name in ("memmap_on_memory", "crashkernel", "thp",
                                            "auto_online", "online", "standby",
                                            "vmcp_cma_size")
                               if getattr(applied, name) is not None}
    settings = settings_of(machine)
    if settings is not None:  # so that a fix names the change of the line
        changes["cmdline_tokens"] = tokens_of(settings)
        changes["crash_ident_map"] = machine.arch == "s390x"
        if settings.mem is not None and machine.arch == "s390x":
            changes["mem_limit"] = settings.mem.value
    if applied.notes:
        changes["cmdline_notes"] = applied.notes
    return changes


def kernel_identity(machine: Machine) -> KernelIdentity | None:
    """``kernel.version`` read as ``uname -r`` (validated when the config was loaded)."""
    return None if machine.kernel.version is None else _identify(machine.kernel.version)


#: identify() is pure; batches and searches resolve the same release many times.
_identify = lru_cache(maxsize=1024)(identify)


def _s390(machine: Machine, identity: KernelIdentity | None) -> Params:
    kernel = machine.kernel
    behaviour, backports = s390_kernel(machine.kernel_version, identity)
    return Params(
        standby=machine.memory.standby,
        increment=machine.memory.increment,
        behaviour=behaviour,
        standby_handling=kernel.standby or behaviour.standby,
        sclp_memmap_on_memory=(behaviour.sclp_memmap_on_memory
                               if kernel.s390_memmap_on_memory is None
                               else kernel.s390_memmap_on_memory),
        pageblock=S390_PAGEBLOCK if kernel.pageblock_size is None else kernel.pageblock_size,
        behaviour_overrides=tuple(f"kernel.{name}"
                                  for name in ("standby", "s390_memmap_on_memory")
                                  if getattr(kernel, name) is not None),
        backports=backports,
        arch=machine.arch,
        profile=s390x.PROFILE,
        platform=machine.platform,
        vmcp_cma_size=kernel.vmcp_cma,
        **shared_fields(machine),
    )


def _paging(machine: Machine, identity: KernelIdentity | None) -> Params:
    """x86_64, arm64 and ppc64le: the geometry profile of the page size and MMU.  Their
    behaviour tables (memmapcalc.arch.hotplug_rows) fold no distribution backports yet:
    mainline behaviour of the base, and a note says so (records.notes.release_notes)."""
    behaviour = behaviour_for(machine.kernel_version)
    kernel, memory, cpu = machine.kernel, machine.memory, machine.cpu
    radix = (kernel.mmu or "radix") == "radix"
    page = kernel.page_size or default_page_size(machine.arch)
    profile = profile_for(machine.arch, page, radix)
    dimms = tuple(memory.dimms or ())
    acpi = profile.hotplug is Hotplug.ACPI_DIMMS
    return Params(
        standby=sum(dimms) if acpi else memory.standby,
        increment=None,
        behaviour=behaviour,
        standby_handling=StandbyHandling.BOOT_ADD if acpi else StandbyHandling.DEFERRED,
        sclp_memmap_on_memory=False,
        pageblock=(profile.pageblock if kernel.pageblock_size is None
                   else kernel.pageblock_size),
        arch=machine.arch,
        profile=paging.PROFILES,
        page_size=page,
        radix=radix,
        hypervisor=True if cpu.hypervisor is None else cpu.hypervisor,
        rodata_full=True if kernel.rodata_full is None else kernel.rodata_full,
        dimms=dimms,
        auto_online=kernel.auto_online or "offline",
        **shared_fields(machine),
    )


_RESOLVERS: dict[str, Callable[[Machine, KernelIdentity | None], Params]] = {
    "s390x": _s390, "x86_64": _paging, "arm64": _paging, "ppc64le": _paging,
}


def shared_fields(machine: Machine) -> dict[str, Any]:
    """The Params fields every architecture takes from the config as they are."""
    kernel = machine.kernel
    return {
        "online": machine.memory.online,
        "block_size": machine.memory.block_size,
        "edat1": machine.cpu.edat1,
        "edat2": machine.cpu.has_edat2,
        "version": machine.kernel_version,
        "memmap_on_memory": kernel.memmap_on_memory,
        "struct_page": kernel.struct_page_size,
        "image": kernel.image,
        "initramfs": kernel.initramfs,
        "crashkernel": config_crashkernel(machine, settings_of(machine)),
        "thp": kernel.thp,
        "userspace": machine.boot.userspace,
        "min_margin": machine.boot.min_margin,
        "footprint": kernel.footprint,
        "footprint_online": (None if kernel.footprint is None else
                             kernel.footprint_online or machine.memory.online),
        "freed_before_init": (FREED_BEFORE_INIT if kernel.freed_before_init is None
                              else kernel.freed_before_init),
    }
