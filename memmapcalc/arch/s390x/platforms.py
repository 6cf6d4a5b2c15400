"""Where an s390x Linux runs — z/VM guest, LPAR, KVM guest — as data: one :class:`Platform`
row per ``platform:`` value, and the one place that knows what differs between them at IPL.

How the kernel itself decides (arch/s390/kernel/early.c ``detect_machine_type()``): STSI
level ≤ 2 is an LPAR (``MACHINE_FLAG_LPAR``); otherwise the control program of the first
guest level (STSI 3.2.2 ``vm[0].cpi``) is EBCDIC ``KVM`` (``MACHINE_FLAG_KVM``) or ``z/VM``
(``MACHINE_FLAG_VM``).  ``/proc/sysinfo`` shows the same as ``VM00 Control Program:``
(arch/s390/kernel/sysinfo.c), read by :mod:`memmapcalc.importers.probe.platform`.

What differs at IPL, each read in the kernel source:

* **z/VM only: the vmcp CMA area.**  drivers/s390/char/vmcp.c ``vmcp_cma_reserve()``
  returns unless ``MACHINE_IS_VM`` and otherwise reserves ``vmcp_cma_size`` (default
  ``CONFIG_VMCP_CMA_SIZE`` = 4 MiB; ``vmcp_cma=`` on the command line) with
  ``cma_declare_contiguous()`` from setup_arch(), before the standby memory is added
  (same code in RHEL 8.10 / 4.18 and RHEL 10.0 / 6.12).  CMA pages serve only movable
  allocations (mm/page_alloc.c ``gfp_to_alloc_flags_cma()``), so the memmap, page tables
  and metadata of standby memory cannot use them: charged in full.
* **KVM: no SCLP standby memory, a small increment.**  QEMU's ``read_SCP_info()``
  (hw/s390x/sclp.c) sets ``rnsize = 1`` (1 MiB, since the 2025 removal of
  ``SCLPDevice::increment_size``) and says "We don't support standby memory" (hot-plug
  under KVM is virtio-mem).  Older QEMU grew the increment for large guests (``rnsize = 1
  << shift`` until ``rnmax`` ≤ 65535; the s390-ccw-virtio-4.2 machine's
  ``fixup_ram_size``), which stays below a section up to 8 TiB of RAM, so the kernel's
  ``memory_block_size_bytes()`` = max(MIN_MEMORY_BLOCK_SIZE, rzm) is the section size,
  what an absent ``memory.increment`` already gives; a given increment is taken as is.
* LPAR: nothing of its own (the firmware's increment and reserved storage are inputs).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import TYPE_CHECKING

from memmapcalc.arch.s390x import formulas as fm
from memmapcalc.explained import Explained, mib
from memmapcalc.kernel.version import KernelVersion, v
from memmapcalc.units import MiB

if TYPE_CHECKING:
    from memmapcalc.records.params import Params

#: CONFIG_VMCP_CMA_SIZE's default (drivers/s390/char/Kconfig ``default "4"``, in MiB;
#: RHEL 9.6 and 10.0 configs: ``CONFIG_VMCP_CMA_SIZE=4``).
VMCP_CMA_DEFAULT = 4 * MiB
#: Before mainline 5.19 (11ac3e87ce09 "mm: cma: use pageblock_order as the single
#: alignment") cma_declare_contiguous() aligned the size to PAGE_SIZE << max(MAX_ORDER - 1,
#: pageblock_order) = 4 MiB on s390 (RHEL 8.10 / 9.0 mm/cma.c); since then to one pageblock
#: (CMA_MIN_ALIGNMENT_BYTES, RHEL 9.6 / 10.0 include/linux/cma.h).
CMA_PAGEBLOCK_ALIGNED = v("5.19")
CMA_OLD_ALIGNMENT = 4 * MiB


@dataclass(frozen=True, slots=True)
class Platform:
    """One place an s390x Linux IPLs in, by what the kernel does differently there."""

    name: str
    #: how reports name it
    label: str
    #: vmcp_cma_reserve() reserves its CMA area (MACHINE_IS_VM)
    vmcp_cma: bool
    #: the hypervisor can report SCLP standby (reserved) storage
    sclp_standby: bool
    #: the storage increment (rzm) current versions of the hypervisor report (QEMU: 1 MiB);
    #: documentation only: ``memory.increment`` is taken as given
    increment: int | None
    #: where that is read
    source: str


PLATFORMS = MappingProxyType({
    "zvm": Platform("zvm", "z/VM guest", vmcp_cma=True, sclp_standby=True, increment=None,
                    source="drivers/s390/char/vmcp.c vmcp_cma_reserve() (MACHINE_IS_VM)"),
    "lpar": Platform("lpar", "LPAR", vmcp_cma=False, sclp_standby=True, increment=None,
                     source="arch/s390/kernel/early.c (STSI level <= 2: MACHINE_FLAG_LPAR)"),
    "kvm": Platform("kvm", "KVM guest", vmcp_cma=False, sclp_standby=False, increment=MiB,
                    source="QEMU hw/s390x/sclp.c read_SCP_info(): rnsize = 1, \"We don't "
                           "support standby memory\""),
})
#: ``platform`` not given: charged as an LPAR or KVM guest is (no vmcp CMA area), which is
#: what memmapcalc charged before it knew platforms; a note says so.
UNKNOWN = Platform("unknown", "platform not given", vmcp_cma=False, sclp_standby=True,
                   increment=None, source="assumed")


def platform(name: str | None) -> Platform:
    return UNKNOWN if name is None else PLATFORMS[name]


def vmcp_cma_reserved(name: str | None, size: int | None, version: KernelVersion | None,
                      pageblock: int) -> int:
    """Bytes the vmcp CMA area takes from online memory at IPL: 0 outside z/VM; else
    ``vmcp_cma=`` (or the 4 MiB default) page-aligned as early_parse_vmcp_cma() does and
    aligned up to the CMA minimum of the kernel (see CMA_PAGEBLOCK_ALIGNED)."""
    if not platform(name).vmcp_cma:
        return 0
    requested = VMCP_CMA_DEFAULT if size is None else size
    if requested == 0:
        return 0
    alignment = (pageblock if version is not None and version >= CMA_PAGEBLOCK_ALIGNED
                 else max(pageblock, CMA_OLD_ALIGNMENT))
    return -(-requested // alignment) * alignment


def vmcp_cma(p: Params) -> Explained[int]:
    """The budget's ``cma`` item for ``p``."""
    size = vmcp_cma_reserved(p.platform, p.vmcp_cma_size, p.version, p.pageblock)
    row = platform(p.platform)
    if not row.vmcp_cma:
        return Explained(0, partial(fm.no_vmcp_cma, row.label), row.source)
    asked = VMCP_CMA_DEFAULT if p.vmcp_cma_size is None else p.vmcp_cma_size
    what = ("CONFIG_VMCP_CMA_SIZE 4 MiB" if p.vmcp_cma_size is None
            else f"kernel.vmcp_cma {mib(asked)}")
    return Explained(size, partial(fm.vmcp_cma, what, asked, size), fm.VMCP_CMA_SOURCE)


def platform_notes(p: Params) -> list[str]:
    """What was assumed of the platform, and settings it makes moot."""
    if p.platform is None:
        return ["platform not given: no z/VM vmcp CMA area charged (right for an LPAR or a KVM "
                "guest); a z/VM guest reserves 4 MiB more: set platform: zvm"]
    row, out = platform(p.platform), []
    if p.vmcp_cma_size is not None and not row.vmcp_cma:
        out.append(f"kernel.vmcp_cma has no effect on platform {p.platform}: "
                   f"vmcp_cma_reserve() reserves it only under z/VM")
    if not row.sclp_standby:
        out.append(f"no max_standby: a {row.label} has no standby memory ({row.source})")
    return out
