"""Distribution kernels as data: a release is its mainline base plus named backports.

A :class:`Feature` is one later kernel change memmapcalc models, as the behaviour fields it
sets (the field names of the behaviour tables in :mod:`memmapcalc.kernel.behaviour` and
:mod:`memmapcalc.arch.hotplug_rows`).  A :class:`DistroRelease` names the features its kernel
backports, each with the evidence where that was read, and says how much of it was checked:

* ``verified``: every s390x row was checked in the release's own source;
* ``partial``: some rows were checked (``checked``), the others follow the base;
* ``unknown``: nothing was checked, the base's mainline behaviour applies.

Rows exist only where there is evidence.  Anything not here is "unknown" by construction
(:func:`memmapcalc.kernel.identity.identify`).  Advice for a feature a kernel lacks is in
the distribution's own terms (``ADVICE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from memmapcalc.kernel.version import KernelVersion, v

#: The s390x rows of the behaviour table (memmapcalc.kernel.behaviour.Behaviour's fields).
S390_ROWS = ("section_size", "standby", "sclp_memmap_on_memory", "force_mode",
             "pte_table_runtime", "pte_table_early", "min_free_kbytes_max")
#: How notes and the README name those rows, and the mainline version of each change.
ROW_TITLES = {
    "section_size": "128 MiB sections (6.13)", "standby": "deferred standby (6.19)",
    "sclp_memmap_on_memory": "s390 memmap-on-memory (6.9)",
    "force_mode": "memmap_on_memory=force (6.6)",
    "pte_table_runtime": "4 KiB runtime PTE tables (6.7)",
    "pte_table_early": "4 KiB early PTE tables (6.17)",
    "min_free_kbytes_max": "min_free_kbytes bound 256 MiB (5.7)",
    "split_per_block": "memmap_on_memory split per block (6.8)",
}


def row_since(row: str) -> KernelVersion:
    """The mainline version of a row's change, as its title says it."""
    return v(ROW_TITLES[row].rsplit("(", 1)[1].rstrip(")"))


@dataclass(frozen=True, slots=True)
class Feature:
    """A mainline change by the behaviour fields it sets."""

    name: str
    title: str
    #: ``((field, value), ...)``: what the change sets, in behaviour-table field names.
    sets: tuple[tuple[str, Any], ...]
    mainline: KernelVersion
    source: str


@dataclass(frozen=True, slots=True)
class Backport:
    """``feature`` is in this release's kernel; ``evidence`` is where that was read."""

    feature: Feature
    evidence: str
    #: Ubuntu: the first ABI number that has it (``6.8.0-29`` -> 29); None: every build.
    from_abi: int | None = None


@dataclass(frozen=True, slots=True)
class DistroRelease:
    distribution: str
    name: str
    family: str
    base: KernelVersion
    #: an example of what ``uname -r`` prints there.
    uname: str
    status: str
    backports: tuple[Backport, ...]
    #: where the release (its base, its build numbers, what was checked) was read.
    evidence: str
    #: the rows checked in this release's source (all of S390_ROWS when ``verified``).
    checked: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    #: set where the release's s390x config was read without CONFIG_DMA_CMA: ``cma=`` is then
    #: an unknown parameter (kernel/dma/Makefile builds contiguous.c only with it); the text
    #: of the note that says so
    without_dma_cma: str | None = None


def _feature(name: str, title: str, sets: dict[str, Any], mainline: str,
             source: str) -> Feature:
    return Feature(name, title, tuple(sets.items()), v(mainline), source)


FEATURES: dict[str, Feature] = {f.name: f for f in (
    _feature("min-free-kbytes-256m", "min_free_kbytes bound 256 MiB",
             {"min_free_kbytes_max": 262144}, "5.7",
             "ee8eb9a5fe86 mm/page_alloc: increase default min_free_kbytes bound"),
    _feature("memmap-on-memory-force", "memory_hotplug.memmap_on_memory=force",
             {"force_mode": True}, "6.6",
             "mm/memory_hotplug.c set_memmap_mode(), MM pull for 6.6"),
    _feature("memmap-on-memory-split-per-block", "memmap_on_memory split per memory block",
             {"split_per_block": True}, "6.8",
             "6b8f0798b85a mm/memory_hotplug: split memmap_on_memory requests across memblocks"),
    _feature("s390-memmap-on-memory", "s390 memmap-on-memory",
             {"sclp_memmap_on_memory": True}, "6.9",
             "1a65b73ae9ab s390/mm: allocate vmemmap pages from self-contained memory range, "
             "9eda317c15ff s390: enable MHP_MEMMAP_ON_MEMORY (and c5f1e2d18909, fb6d5eb9f4c9, "
             "890a4212de71)"),
)}

_ALMA = "mkuron/almalinux-kernel"
#: Branch tips of the AlmaLinux source mirror: each is the SRPM of that minor release.
_ALMA_BRANCHES = {
    "8.3": ("19e5db4a49895af973ffd812448431ec3299add7", "4.18.0-240.22.1.el8_3"),
    "8.4": ("61cbcb453640edd8aae177a9fa209cce34eb61a6", "4.18.0-305.25.1.el8_4"),
    "8.5": ("dc2c8bc77c5a93f943e80a4e481f22bccf16adc5", "4.18.0-348.23.1.el8_5"),
    "8.6": ("afeb3e6deae40cab0c0d463ffc5d2c7badcd519c", "4.18.0-372.32.1.el8_6"),
    "8.7": ("58c68cb859e594062adaea01cf5b0c2ece42c60f", "4.18.0-425.19.2.el8_7"),
    "8.8": ("2352d3ef1ca395e3ed4187d2f3b27cca3018c030", "4.18.0-477.27.2.el8_8"),
    "8.9": ("fe6873961d6a14bc9b294e70f25dad154aeb3354", "4.18.0-513.24.1.el8_9"),
    "8.10": ("7622b1caa08e169140e42ccf2b5c9735a6377fd6", "4.18.0-553.66.1.el8_10"),
    "9.0": ("8ee0943f7e3bef36046454d460a9488e95a8b590", "5.14.0-70.30.1.el9_0"),
    "9.1": ("3174166a8f2781f58a8e59fef35a435409040fbc", "5.14.0-162.23.1.el9_1"),
    "9.2": ("e72defcd23f041e0c225d6bd13a86058103cc900", "5.14.0-284.30.1.el9_2"),
    "9.3": ("3a3d870d9d0c4826b5fa90939030634a4c349def", "5.14.0-362.24.2.el9_3"),
    "9.4": ("4f3c6cb80cb56df1eeb384cb7bb1af3904f7a07f", "5.14.0-427.42.1.el9_4"),
    "9.5": ("6ce8c56cba556b935cb71e7cc414341eb66782c4", "5.14.0-503.40.1.el9_5"),
    "9.6": ("a29d65115b426bdfbc24f0c2d9cfeca059df0db6", "5.14.0-570.32.1.el9_6"),
    "10.0": ("da382d9450a9c9a55a2d9642ec93418ec229fe8f", "6.12.0-55.24.1.el10_0"),
}
_RHEL_CHECKED = (*S390_ROWS, "split_per_block")


def _alma(minor: str, what: str) -> str:
    commit, srpm = _ALMA_BRANCHES[minor]
    return f"{_ALMA} branch {minor} @ {commit} (kernel-{srpm}): {what}"


#: almalinux/kernel-s390x-rhel.config of 9.6 and 10.0: "# CONFIG_DMA_CMA is not set"
_RHEL_NO_DMA_CMA = ("9.6", "10.0")


def _rhel(minor: str, base: str, what: str, *backports: tuple[str, str],
          notes: tuple[str, ...] = ()) -> DistroRelease:
    srpm = _ALMA_BRANCHES[minor][1]
    return DistroRelease(
        f"rhel-{minor}", f"RHEL {minor}", "rhel", v(base), f"{srpm}.s390x", "verified",
        tuple(Backport(FEATURES[name], _alma(minor, where)) for name, where in backports),
        _alma(minor, what), _RHEL_CHECKED, notes,
        "RHEL s390x kernels are built without CONFIG_DMA_CMA" if minor in _RHEL_NO_DMA_CMA
        else None)


_NO_S390_MOM = "drivers/s390/char/sclp_cmd.c add_memory_merged() adds with MHP_NONE"
_RHEL9_OLD = (_NO_S390_MOM + "; mm/memory_hotplug.c module_param(memmap_on_memory, bool, 0444); "
              "SECTION_SIZE_BITS 28; arch/s390/mm/pgalloc.c 2 KiB PTE fragments")
_FORCE = ("memmap-on-memory-force",
          "mm/memory_hotplug.c MEMMAP_ON_MEMORY_FORCE and set_memmap_mode()")
_SPLIT = ("memmap-on-memory-split-per-block",
          "mm/memory_hotplug.c create_altmaps_and_memory_blocks()")
_UNUSED = ("force and the per-block split are generic; s390's sclp does not request "
           "memmap-on-memory in RHEL 9",)


def _unknown(distribution: str, name: str, family: str, base: str, uname: str,
             evidence: str) -> DistroRelease:
    return DistroRelease(distribution, name, family, v(base), uname, "unknown", (), evidence)


_NOBLE = ("m-asama/ubuntu-kernel-noble debian.master/changelog @ "
          "bf2ac7077a3ddaf5db426c7a8682488b5b5112c0")
_SUSE_IDS = {
    "4": "Makefile comment 'sles15-sp4 5.14.21-150400.22.1' (index id 55834212566)",
    "5": "Makefile comment 'sles15-sp5 5.14.21-150500.53.2' (index id 55834212566)",
    "6": "oops banner '6.4.0-150600.23.14-default #1 SLE15-SP6' (index id 30595149685)",
    "7": ("build path 'SUSE:SLE-15-SP7:GA/pool/.../kernel-default-6.4.0-150700.51.1' "
          "(index id 42719198332)"),
}
_UBUNTU_BASES = ("https://sempreupdate.com.br/ubuntu-25-10-kernel-linux-6-17-rc: Ubuntu 24.10 "
                 "shipped 6.11, 25.04 6.14, 25.10 targets 6.17")

_RHEL8 = ("no memmap_on_memory in mm/memory_hotplug.c; SECTION_SIZE_BITS 28; "
          "arch/s390/mm/pgalloc.c 2 KiB PTE fragments; no sclp_mem.c")
_RHEL8_SCLP = {"8.9": _NO_S390_MOM, "8.10": _NO_S390_MOM}

RELEASES: tuple[DistroRelease, ...] = (
    *(_rhel(minor, "4.18",
            _RHEL8_SCLP.get(minor, "drivers/s390/char/sclp_cmd.c add_memory_merged(): "
                            "add_memory(nid, addr, block_size), no flags") + "; " + _RHEL8,
            ("min-free-kbytes-256m", "mm/page_alloc.c calculate_min_free_kbytes() bound 262144"),
            notes=("RHEL 8 has no memory_hotplug.memmap_on_memory parameter",))
      for minor in ("8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "8.9", "8.10")),
    *(_rhel(f"9.{m}", "5.14", _RHEL9_OLD) for m in range(5)),
    *(_rhel(f"9.{m}", "5.14", _NO_S390_MOM + "; SECTION_SIZE_BITS 28; 2 KiB PTE fragments",
            _FORCE, _SPLIT, notes=_UNUSED) for m in (5, 6)),
    _unknown("rhel-9.7", "RHEL 9.7", "rhel", "5.14", "5.14.0-611.<z>.el9_7.s390x",
             f"{_ALMA} has no 9.7 branch (8.3-8.10, 9.0-9.6, 10.0): not checked"),
    _rhel("10.0", "6.12",
          "sclp_cmd.c add_memory_merged(): MACHINE_HAS_EDAT1 ? MHP_MEMMAP_ON_MEMORY | "
          "MHP_OFFLINE_INACCESSIBLE : MHP_NONE, as mainline 6.12; SECTION_SIZE_BITS 28; "
          "arch/s390/mm/vmem.c vmem_pte_alloc() 2 KiB early tables; no sclp_mem.c",
          notes=("mainline 6.12 throughout: no later s390 change backported at 55.24.1",)),
    _unknown("rhel-10.1", "RHEL 10.1", "rhel", "6.12", "6.12.0-124.<z>.el10_1.s390x",
             f"{_ALMA} has no 10.1 branch; release string 6.12.0-124.55.2 (index id "
             "54924716588): not checked"),
    _unknown("centos-stream-9", "CentOS Stream 9", "centos-stream", "5.14", "5.14.0-570.el9.s390x",
             f"{_ALMA} branch names: RHEL 9 kernels always print .el9_N, a bare .el9 is Stream; "
             "Stream's source not checked"),
    _unknown("centos-stream-10", "CentOS Stream 10", "centos-stream", "6.12",
             "6.12.0-55.el10.s390x",
             f"{_ALMA} branch names: RHEL 10 kernels always print .el10_N, a bare .el10 is "
             "Stream; Stream's source not checked"),
    _unknown("ubuntu-20.04", "Ubuntu 20.04", "ubuntu", "5.4", "5.4.0-NNN-generic",
             "https://9to5linux.com/ubuntu-20-04-will-ship-with-linux-kernel-5-4 (5.4 base)"),
    DistroRelease("ubuntu-22.04", "Ubuntu 22.04", "ubuntu", v("5.15"), "5.15.0-143-generic",
                  "partial", (),
                  "balabit-deps/balabit-os-9-linux debian.master/config/annotations (jammy): "
                  "CONFIG_MHP_MEMMAP_ON_MEMORY for amd64/arm64 only, not s390x",
                  ("sclp_memmap_on_memory",)),
    DistroRelease("ubuntu-24.04", "Ubuntu 24.04", "ubuntu", v("6.8"), "6.8.0-31-generic",
                  "partial",
                  (Backport(FEATURES["s390-memmap-on-memory"],
                            f"{_NOBLE}: linux (6.8.0-29.29) noble, '[24.04 FEAT] Memory hotplug "
                            "vmem pages (s390x) (LP: #2051835)', the five mainline patches and "
                            "CONFIG_MHP_MEMMAP_ON_MEMORY for s390x", from_abi=29),),
                  f"{_NOBLE} (6.8.0-28.28 has not the series, 6.8.0-29.29 has it)",
                  ("sclp_memmap_on_memory",),
                  ("that every 22.04 HWE 6.8 kernel (same release string) has the series is "
                   "not verified",)),
    _unknown("ubuntu-24.10", "Ubuntu 24.10", "ubuntu", "6.11", "6.11.0-NN-generic", _UBUNTU_BASES),
    _unknown("ubuntu-25.04", "Ubuntu 25.04", "ubuntu", "6.14", "6.14.0-NN-generic", _UBUNTU_BASES),
    _unknown("ubuntu-25.10", "Ubuntu 25.10", "ubuntu", "6.17", "6.17.0-NN-generic", _UBUNTU_BASES),
    *(_unknown(f"sles-15-sp{sp}", f"SLES 15 SP{sp}", "sles", "5.14" if sp in "45" else "6.4",
               f"{'5.14.21' if sp in '45' else '6.4.0'}-15{int(sp):02d}00.N-default",
               f"code stream 15{int(sp):02d}00 = SLE 15 SP{sp}: {_SUSE_IDS[sp]}; backports not "
               "checked (openSUSE/kernel-source series.conf not read)") for sp in "4567"),
    _unknown("sles-16.0", "SLES 16.0", "sles", "6.12", "6.12.0-160000.N-default",
             "table row 'SUSE SLES 16 | 16.0 | 6.12.0-160000.5' (index id 53908454249); "
             "backports not checked"),
)

BY_DISTRIBUTION: dict[str, DistroRelease] = {r.distribution: r for r in RELEASES}

#: What to tell an admin whose kernel lacks a feature, in the distribution's terms; the
#: ``None`` family is mainline and every kernel not recognised.
ADVICE: dict[str, dict[str | None, str]] = {
    "s390-memmap-on-memory": {
        "rhel": "RHEL 8 and RHEL 9 kernels (checked 8.3 to 9.6) do not have s390 "
                "memmap-on-memory; RHEL 10 does",
        "centos-stream": "RHEL 9 kernels do not have s390 memmap-on-memory; CentOS Stream 10 "
                         "and RHEL 10 (6.12) have it from their base",
        "ubuntu": "Ubuntu 24.04 kernels have s390 memmap-on-memory from 6.8.0-29 on; Ubuntu "
                  "22.04's 5.15 kernel does not",
        "sles": "SLES 15 kernels (5.14, 6.4) do not have s390 memmap-on-memory from their base "
                "and no SUSE backport is known; SLES 16.0 (6.12) has it from its base",
        None: "s390 memmap-on-memory is in mainline from 6.9: boot a kernel >= 6.9",
    },
    "memmap-on-memory-force": {
        "rhel": "memory_hotplug.memmap_on_memory=force needs RHEL 9.5 or later; RHEL 8 has no "
                "memmap_on_memory parameter",
        "ubuntu": "memory_hotplug.memmap_on_memory=force needs Ubuntu 24.04 (6.8) or later",
        None: "memory_hotplug.memmap_on_memory=force is in mainline from 6.6: boot a kernel "
              ">= 6.6",
    },
}


def advice(feature: str, family: str | None) -> str:
    """The advice for a kernel of ``family`` that lacks ``feature`` (mainline's if none)."""
    texts = ADVICE[feature]
    return texts.get(family, texts[None])
