"""The machine config contract (pydantic v2, strict, frozen, unknown keys rejected).

Field names are the interface that configs, importers, ``--set`` and the JSON output
rely on.  Sizes are bytes after validation (see :mod:`memmapcalc.units`).  Checks that
need the kernel version table (block size against the section size, standby against
one block) live in :mod:`memmapcalc.config.semantics`, which runs after this model.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from memmapcalc.kernel import crashkernel
from memmapcalc.kernel.cmdline_text import kstrtobool
from memmapcalc.kernel.identity import identify
from memmapcalc.kernel.modes import MemmapMode, StandbyHandling
from memmapcalc.kernel.version import KernelVersion
from memmapcalc.units import parse_size

Size = Annotated[int, BeforeValidator(parse_size)]


# kstrtobool accepts the first character of y/Y/1/n/N/0 and on/off; YAML 1.1 already turns
# yes/no/on/off/true/false into booleans before we see them.
_MODE_WORDS = {
    "off": MemmapMode.OFF, "n": MemmapMode.OFF, "no": MemmapMode.OFF, "false": MemmapMode.OFF,
    "0": MemmapMode.OFF, "on": MemmapMode.ON, "y": MemmapMode.ON, "yes": MemmapMode.ON,
    "true": MemmapMode.ON, "1": MemmapMode.ON, "force": MemmapMode.FORCE,
}


def _parse_mode(value: object) -> MemmapMode:
    if isinstance(value, MemmapMode):
        return value
    if isinstance(value, bool):
        return MemmapMode.ON if value else MemmapMode.OFF
    if isinstance(value, str) and value.strip().lower() in _MODE_WORDS:
        return _MODE_WORDS[value.strip().lower()]
    enabled = kstrtobool(value.strip(), True) if isinstance(value, str) else None
    if enabled is not None:  # the kernel's own spellings: 1abc, Yes, t, of (kstrtobool)
        return MemmapMode.ON if enabled else MemmapMode.OFF
    raise ValueError(f"{value!r} is not a memmap_on_memory mode; write off, on or force "
                     f"(or as the kernel reads it: 1/0, y/n, t/f, on/off by their first "
                     f"characters, kstrtobool)")


def _parse_version(value: object) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool):
        raise ValueError(f"write the kernel version as text in quotes, e.g. \"6.10\": as a number "
                         f"{value!r} is ambiguous (YAML reads 6.10 as 6.1)")
    if not isinstance(value, str):
        raise ValueError(f"expected a kernel version such as \"6.8\", got {type(value).__name__}")
    KernelVersion.parse(value)  # raises ValueError with the accepted forms
    identify(value)  # ``uname -r``'s own limits (64 characters); same one-line errors
    return value.strip()


def _version_or_none(value: object) -> str | None:
    return None if value is None else _parse_version(value)


# --- kernel.cmdline and the kernel spellings of kernel.crashkernel (memmapcalc.kernel.cmdline)
#: COMMAND_LINE_SIZE is 4096 on s390 (a larger one cannot be what a kernel was booted with)
CMDLINE_LIMIT = 64 << 10


def _parse_cmdline(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"expected the kernel parameters as one string (as /proc/cmdline "
                         f"holds them), got {type(value).__name__}")
    if len(value) > CMDLINE_LIMIT:
        raise ValueError(f"{len(value)} characters; a kernel command line is at most a few "
                         f"KiB (COMMAND_LINE_SIZE, 4096 on s390)")
    return value


def _parse_crashkernel(value: object) -> int | str:
    """A size (``256M``, bytes), or what the kernel reads after ``crashkernel=``:
    ``size[@offset]`` in its memparse spelling or ranges ``1G-4G:192M,4G-:256M[@offset]``
    (resolved against the machine's memory when the config is resolved)."""
    if not isinstance(value, str):
        return parse_size(value)
    try:
        return parse_size(value)
    except ValueError:
        pass
    text = value.strip()
    if text.endswith(crashkernel.SUFFIXES):
        raise ValueError(f"{text!r}: crashkernel=…,high/low/cma is not modelled (s390 never "
                         f"reads it); write the size the kernel reserves")
    try:
        spec = crashkernel.parse(text)
    except crashkernel.CrashkernelSyntax as error:
        raise ValueError(f"{text!r} is not a crashkernel= value: {error}; write a size "
                         f"(256M), size@offset or ranges such as 1G-4G:192M,4G-:256M") from None
    return spec.size if not spec.ranges and spec.offset is None and spec.size is not None \
        else text


_STRICT = ConfigDict(strict=True, frozen=True, extra="forbid", populate_by_name=True,
                     use_enum_values=False)


class Memory(BaseModel):
    """Storage of the LPAR or guest."""

    model_config = _STRICT
    online: Size = Field(description="Memory online at IPL (core storage), > 0.")
    standby: Size = Field(0, description="Standby (reserved) storage the firmware reports.")
    increment: Size | None = Field(
        None, description="Storage increment size (SCLP rzm), whole MiB.")
    block_size: Size | None = Field(
        None, description="Memory block size; default max(section size, increment) on s390x, "
                          "the architecture's rule elsewhere.")
    dimms: list[Size] | None = Field(
        None, description="x86_64, arm64: hot-pluggable memory present at boot, one size per DIMM "
                          "in slot order (ACPI adds each with one add_memory()).")


class Cpu(BaseModel):
    """Facilities of the CPU that change page-table costs and memmap-on-memory."""

    model_config = _STRICT
    edat1: bool = Field(True, description="EDAT-1 (facility 8, `edat` in /proc/cpuinfo).")
    edat2: bool | None = Field(None, description="EDAT-2 (facility 78); default: same as edat1.")
    hypervisor: bool | None = Field(
        None, description="x86_64: running under a hypervisor (`hypervisor` in /proc/cpuinfo); "
                          "default true.")

    @property
    def has_edat2(self) -> bool:
        return self.edat1 if self.edat2 is None else self.edat2


class Kernel(BaseModel):
    """The kernel that IPLs and its settings."""

    model_config = _STRICT
    version: Annotated[str | None, BeforeValidator(_version_or_none)] = Field(
        None, description="Kernel version, e.g. \"6.8\" or \"6.8.0-45-generic\"; "
                          "absent = oldest behaviour.")
    memmap_on_memory: Annotated[MemmapMode, BeforeValidator(_parse_mode)] = Field(
        MemmapMode.OFF, description="memory_hotplug.memmap_on_memory: off | on | force.")
    standby: StandbyHandling | None = Field(
        None, description="Override the version's standby handling (distribution backports): "
                          "boot-add | deferred.")
    s390_memmap_on_memory: bool | None = Field(
        None, description="Override whether the s390 sclp driver can place standby memmaps on the "
                          "standby memory itself (upstream from 6.9; for backports).")
    struct_page_size: int = Field(64, description="sizeof(struct page) in bytes.")
    pageblock_size: Size | None = Field(
        None, description="pageblock_nr_pages x PAGE_SIZE; default the architecture's: s390x 1M "
                          "(HugeTLB or THP configured; 4M without), x86_64 2M, arm64 2M/32M/512M "
                          "(4K/16K/64K pages), ppc64le 2M (radix) or 16M (hash).")
    image: Size = Field(64 << 20, description="Kernel image and early allocations.")
    initramfs: Size = Field(64 << 20, description="initramfs (compressed + unpacked peak).")
    crashkernel: Annotated[int | str, BeforeValidator(_parse_crashkernel)] = Field(
        0, description="crashkernel= reservation: a size, or the kernel's crashkernel= value "
                       "(size@offset, ranges 1G-4G:192M,4G-64G:256M,64G-:512M resolved against "
                       "the machine's memory as the kernel does).")
    cmdline: Annotated[str | None, BeforeValidator(_parse_cmdline)] = Field(
        None, description="The kernel parameters as /proc/cmdline, zipl.conf parameters= or a "
                          "BLS entry's options hold them; read: memory_hotplug.memmap_on_memory=, "
                          "crashkernel=, mem=, transparent_hugepage=, memhp_default_state=, "
                          "cma=, vmcp_cma=; the rest is ignored. A key that contradicts it is an "
                          "error.")
    thp: bool = Field(True, description="Transparent huge pages enabled (khugepaged raises "
                                        "min_free_kbytes).")
    footprint: Size | None = Field(
        None, description="Calibrated: boot memory minus MemFree at /init of a boot of this kernel "
                          "without hot-pluggable memory; replaces image, initramfs, crashkernel "
                          "and the boot memmap.")
    freed_before_init: Size | None = Field(
        None, description="With footprint: memory the kernel still holds when hot-pluggable memory "
                          "is added and frees before /init (the 'Freeing ... memory' lines of "
                          "dmesg); default 8M.")
    footprint_online: Size | None = Field(
        None, description="With footprint: memory.online of the boot it was measured on "
                          "(default memory.online). Keep it when you change memory.online: the "
                          "footprint is then adjusted by the difference in boot memmap.")
    page_size: Size | None = Field(
        None, description="arm64: 4K, 16K or 64K (default 4K); ppc64le: 4K or 64K (default 64K).")
    mmu: Literal["radix", "hash"] | None = Field(
        None, description="ppc64le: radix (default) or hash MMU.")
    rodata_full: bool | None = Field(
        None, description="arm64: rodata=full (the default), hot-added memory is linearly mapped "
                          "with base pages.")
    auto_online: Literal["offline", "online", "online_kernel", "online_movable"] | None = Field(
        None, description="x86_64, arm64: memhp_default_state=; default offline.")
    # --- platform (issue 13, 4): what differs under z/VM, see memmapcalc.arch.s390x.platforms
    vmcp_cma: Size | None = Field(
        None, description="s390x under z/VM: size of the vmcp CMA area (vmcp_cma= on the kernel "
                          "command line); default CONFIG_VMCP_CMA_SIZE, 4M. Reserved only when "
                          "platform is zvm.")

    @field_validator("standby", mode="before")
    @classmethod
    def _standby_text(cls, value: Any) -> Any:
        if isinstance(value, str) and value not in {s.value for s in StandbyHandling}:
            raise ValueError(f"{value!r} is not a standby handling; write boot-add or deferred")
        return StandbyHandling(value) if isinstance(value, str) else value

    @field_validator("struct_page_size")
    @classmethod
    def _struct_page(cls, value: int) -> int:
        if not 40 <= value <= 256 or value % 8:
            raise ValueError(f"struct_page_size {value} is not plausible; sizeof(struct page) is a "
                             f"multiple of 8 between 40 and 256 bytes (64 in common configs)")
        return value


class Boot(BaseModel):
    """What IPL needs beyond the kernel's own allocations."""

    model_config = _STRICT
    userspace: Size = Field(256 << 20, description="Memory user space needs to come up.")
    min_margin: Size = Field(0, description="Fail when less than this is left after IPL.")


class Machine(BaseModel):
    """One LPAR or z/VM guest."""

    model_config = _STRICT
    schema_: str | None = Field(None, alias="$schema", description="Editor schema reference.")
    name: str | None = Field(
        None, description="Machine name; default: file name without extension.")
    arch: Literal["s390x", "x86_64", "arm64", "ppc64le"] = Field(
        "s390x", description="Architecture profile: s390x (default), x86_64, arm64 or ppc64le.")
    # --- platform (issue 13, 4); the rows are memmapcalc.arch.s390x.platforms.PLATFORMS
    platform: Literal["zvm", "lpar", "kvm"] | None = Field(
        None, description="s390x: where it IPLs: zvm (a z/VM guest: the vmcp CMA area is "
                          "reserved), lpar, or kvm (QEMU/KVM guest: no standby memory). Absent: "
                          "no vmcp CMA area is charged, and a note says so.")
    memory: Memory
    cpu: Cpu = Cpu()
    kernel: Kernel = Kernel()
    boot: Boot = Boot()

    @property
    def kernel_version(self) -> KernelVersion | None:
        return None if self.kernel.version is None else KernelVersion.parse(self.kernel.version)
