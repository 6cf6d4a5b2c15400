"""Resolved inputs of the model: a validated :class:`Machine` with every default and the
kernel version's behaviour filled in.  Plain frozen data, cheap to vary (``dataclasses.replace``)
for the searches and the planner."""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Any

from memmapcalc.kernel.behaviour import Behaviour, behaviour_for
from memmapcalc.kernel.identity import KernelIdentity, applied, apply_backports, identify
from memmapcalc.kernel.modes import MemmapMode, StandbyHandling
from memmapcalc.kernel.version import KernelVersion
from memmapcalc.units import KiB, MiB

#: Default of ``kernel.freed_before_init`` with a calibrated footprint: the Debian 6.1
#: x86_64 boots of tests/data/boots-x86 free about 9 MiB between the ACPI DIMM add and /init
#: (init sections, text/rodata gaps, the compressed busybox initramfs).
FREED_BEFORE_INIT = 8 * MiB
#: Default ``kernel.pageblock_size`` on s390x: pageblock_order = HUGETLB_PAGE_ORDER (8, 1 MiB
#: segments) with HugeTLB or THP configured (include/linux/pageblock-flags.h).
S390_PAGEBLOCK = 1 * MiB


@dataclass(frozen=True, slots=True)
class Params:
    """Everything :func:`memmapcalc.records.verdict.budget` needs, in bytes and plain values."""

    online: int
    standby: int
    increment: int | None
    block_size: int | None
    edat1: bool
    edat2: bool
    version: KernelVersion | None
    behaviour: Behaviour
    standby_handling: StandbyHandling
    sclp_memmap_on_memory: bool
    memmap_on_memory: MemmapMode
    struct_page: int
    pageblock: int
    image: int
    initramfs: int
    crashkernel: int
    thp: bool
    userspace: int
    min_margin: int
    #: the config's ``arch`` (the contract's ``arch``); nothing in the model compares it
    arch: str
    #: what the model asks for everything that differs by architecture (the budget, the
    #: limits, their texts, advice and notes): :mod:`memmapcalc.arch.s390x` or
    #: :mod:`memmapcalc.arch.paging`; compared by identity
    profile: Any
    # --- read by the x86_64 / arm64 / ppc64le profiles only ---
    #: PAGE_SIZE (arm64 4K/16K/64K, ppc64le 4K/64K; 4 KiB elsewhere)
    page_size: int = 4 * KiB
    #: ppc64le radix MMU (hash otherwise)
    radix: bool = True
    #: x86_64 X86_FEATURE_HYPERVISOR (a virtual machine)
    hypervisor: bool = True
    #: arm64 rodata=full: hot-added memory is linearly mapped with base pages
    rodata_full: bool = True
    #: x86_64/arm64: hot-pluggable DIMMs present at boot, in slot order (``standby`` is
    #: their sum; a search that varies ``standby`` re-lays them out, see memmapcalc.arch.model)
    dimms: tuple[int, ...] = ()
    #: memhp_default_state: offline, online, online_kernel or online_movable
    auto_online: str = "offline"
    #: calibrated footprint (boot memory − MemFree at /init without hot-pluggable memory)
    footprint: int | None = None
    #: the online size the footprint was measured at (the config's)
    footprint_online: int | None = None
    #: with a footprint: memory held while hot-pluggable memory is added, freed before /init
    freed_before_init: int = FREED_BEFORE_INIT
    #: s390x: the behaviour overrides the config writes (kernel.standby,
    #: kernel.s390_memmap_on_memory), even at the version's own value: a fix that names
    #: another kernel must say to drop them, since they would override that kernel too
    behaviour_overrides: tuple[str, ...] = ()
    #: who ``kernel.version`` is as ``uname -r`` prints it (distribution, base, backports);
    #: None without a version.  Frozen, so Params stays hashable (it keys the cache)
    kernel_identity: KernelIdentity | None = None
    #: names of the identity's backports folded onto ``behaviour`` (fields it has)
    backports: tuple[str, ...] = ()
    #: what kernel.cmdline set or ignored (memmapcalc.config.cmdline), for the notes
    cmdline_notes: tuple[str, ...] = ()
    # --- platform (s390x): memmapcalc.arch.s390x.platforms
    #: the config's ``platform`` (zvm, lpar, kvm), None when not given
    platform: str | None = None
    #: the config's ``kernel.vmcp_cma`` (None: CONFIG_VMCP_CMA_SIZE); reserved under z/VM
    vmcp_cma_size: int | None = None
    #: with kernel.cmdline: (parameter, the argument that sets it) for what the line sets, so a
    #: fix names the change of the line (memmapcalc.kernel.cmdline_fix); None without one
    cmdline_tokens: tuple[tuple[str, str], ...] | None = None
    #: s390 ``mem=`` from kernel.cmdline in bytes (0: none): a fix raising memory moves it
    mem_limit: int = 0
    #: parse_crashkernel() sees ident_map_size, and the reservation must fit online memory
    #: (s390 reserve_crashkernel()); else the boot memory
    crash_ident_map: bool = False

    @property
    def version_assumed(self) -> bool:
        return self.version is None


def s390_kernel(version: KernelVersion | None, identity: KernelIdentity | None
                ) -> tuple[Behaviour, tuple[str, ...]]:
    """The s390 behaviour of ``version`` with ``identity``'s backports folded on (before any
    config override), and the names of those that changed a field it has."""
    behaviour = behaviour_for(version)
    if identity is None or not identity.backports:
        return behaviour, ()
    return (apply_backports(behaviour, identity.backports),
            applied(behaviour, identity.backports))


def on_version(p: Params, version: KernelVersion | None) -> dict[str, Any]:
    """The kernel fields of ``p`` on ``version`` without behaviour overrides: its own release
    (and backports) when the version is unchanged, so that a config edit that keeps
    ``kernel.version`` resolves to the same Params; else mainline ``version``."""
    identity = p.kernel_identity if version == p.version else (
        None if version is None else identify(str(version)))
    behaviour, backports = s390_kernel(version, identity)
    return {"version": version, "behaviour": behaviour, "standby_handling": behaviour.standby,
            "sclp_memmap_on_memory": behaviour.sclp_memmap_on_memory,
            "behaviour_overrides": (), "kernel_identity": identity, "backports": backports}


_NAMES = tuple(f.name for f in fields(Params))
_VALUES = attrgetter(*_NAMES)
_SET = object.__setattr__
_FIELD_SET = frozenset(_NAMES)


def vary(p: Params, **changes: Any) -> Params:
    """``dataclasses.replace(p, **changes)`` without re-running the generated ``__init__``:
    the same object, about twice as fast.  The searches make dozens of variants per machine,
    so this is most of their overhead."""
    new = object.__new__(Params)
    for name, value in zip(_NAMES, _VALUES(p), strict=True):
        _SET(new, name, value)
    for name, value in changes.items():
        if name not in _FIELD_SET:
            raise TypeError(f"Params has no field {name!r}")
        _SET(new, name, value)
    return new


def config_size(nbytes: int) -> int | str:
    """A size as a config edit writes it: ``format_size`` (``"611M"``), but 0 as the integer
    0 — a config refuses the string ``"0"`` (a number in quotes needs a unit)."""
    from memmapcalc.units import format_size

    return format_size(nbytes) if nbytes else 0


def online_edits(p: Params, online: int) -> list[tuple[str, Any]]:
    """Config edits that give ``p`` with ``online`` bytes online: ``memory.online``, and with a
    calibrated footprint ``kernel.footprint_online`` too, so that the footprint keeps the
    boot memory it was measured at (resolving the edited config gives ``vary(p, online=…)``;
    without it the footprint would be read as measured at the new size)."""
    from memmapcalc.units import format_size

    edits: list[tuple[str, Any]] = [("memory.online", format_size(online))]
    if p.footprint is not None and p.footprint_online is not None:
        edits.append(("kernel.footprint_online", format_size(p.footprint_online)))
    return edits


def footprint_hint(p: Params) -> str:
    """What an online-size fix must keep with a calibrated footprint (see online_edits)."""
    if p.footprint is None or p.footprint_online is None:
        return ""
    from memmapcalc.units import format_size

    return (f"; with kernel.footprint_online: {format_size(p.footprint_online)} (where the "
            f"footprint was measured)")
