"""Parsers for the sysfs and procfs files ``memmapcalc probe`` reads (text in, values out).

Formats, from the Linux sources and util-linux ``sys-utils/lsmem.c`` (see
``../shared/reference/inputs.md`` §1.2 and §2.7):

* ``/sys/devices/system/memory/block_size_bytes``: hex without ``0x`` (``10000000``);
* ``memoryN/state``: ``online``, ``offline``, ``going-offline``;
* ``memoryN/phys_device``: decimal; on s390 the block's start address ÷ the storage
  increment (``arch_get_memory_phys_device``), 0 on other architectures;
* ``/sys/firmware/memory/memoryN/{config,memmap_on_memory}``: ``0``/``1`` (s390, 6.19+);
* ``/sys/module/memory_hotplug/parameters/memmap_on_memory``: ``Y``, ``N`` or ``force``;
* ``/proc/cpuinfo`` on s390: ``vendor_id : IBM/S390``, ``features : ... edat ...`` (the
  hwcap the kernel sets exactly when EDAT-1, facility 8, is there) and, on newer kernels,
  ``facilities : 0 1 2 ... 8 ... 78``;
* ``/proc/cmdline``: kernel parameters up to ``--``;
* ``/proc/meminfo``: ``MemTotal:  24684092 kB``;
* ``/proc/sysinfo`` (s390): ``VM00 Name:``, ``VM00 Control Program:``, ``LPAR Name:``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ASCII only, bounded: int() would also read Arabic-Indic or full-width digits and '_', and
# the kernel writes none of them; 64-bit numbers have at most 16 hex or 20 decimal digits.
_MEMPARSE_RE = re.compile(r"^(0[xX][0-9a-fA-F]{1,16}|[0-9]{1,20})([kKmMgGtTpPeE]?)", re.ASCII)
_HEX_RE = re.compile(r"[0-9a-fA-F]{1,16}", re.ASCII)
_DECIMAL_RE = re.compile(r"[0-9]{1,20}", re.ASCII)
_MEMPARSE_SHIFT = {"": 0, "K": 10, "M": 20, "G": 30, "T": 40, "P": 50, "E": 60}


class SysfsError(ValueError):
    """A file whose content is not what the kernel writes there."""


def parse_block_size(text: str) -> int:
    """``block_size_bytes``: hex, no ``0x`` (lsmem reads it with ``strtoumax(buf, NULL, 16)``)."""
    value = text.strip()
    if not _HEX_RE.fullmatch(value):
        raise SysfsError(f"{value[:40]!r} is not a hexadecimal block size")
    size = int(value, 16)
    if size <= 0 or size & (size - 1):
        raise SysfsError(f"block size {value!r} (= {size}) is not a power of two")
    return size


def parse_state(text: str) -> str:
    return text.strip()


def parse_decimal(text: str) -> int:
    value = text.strip()
    if not _DECIMAL_RE.fullmatch(value):
        raise SysfsError(f"{value[:40]!r} is not a decimal number of at most 20 digits")
    return int(value)


def parse_flag(text: str) -> bool:
    """``config`` and ``memmap_on_memory`` of /sys/firmware/memory: ``0`` or ``1``."""
    value = text.strip()
    if value not in ("0", "1"):
        raise SysfsError(f"{value!r} is not 0 or 1")
    return value == "1"


#: kstrtobool's first characters, plus ``force`` (mm/memory_hotplug.c ``set_memmap_mode``).
_MEMMAP_MODES = {"y": "on", "1": "on", "n": "off", "0": "off"}


def parse_memmap_mode(text: str) -> str:
    """``memmap_on_memory`` parameter → ``off``/``on``/``force`` (the config's words)."""
    value = text.strip()
    if value.lower() == "force":
        return "force"
    if value.lower() in ("on", "off"):
        return value.lower()
    mode = _MEMMAP_MODES.get(value[:1].lower()) if value else None
    if mode is None:
        raise SysfsError(f"{value!r} is not Y, N or force")
    return mode


@dataclass(frozen=True)
class CpuInfo:
    vendor: str | None
    features: frozenset[str] | None
    facilities: frozenset[int] | None

    @property
    def is_s390(self) -> bool:
        return self.vendor == "IBM/S390"

    @property
    def edat1(self) -> bool | None:
        if self.facilities is not None:
            return 8 in self.facilities
        return None if self.features is None else "edat" in self.features

    @property
    def edat2(self) -> bool | None:
        return None if self.facilities is None else 78 in self.facilities


def parse_cpuinfo(text: str) -> CpuInfo:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        if colon and key.strip() not in fields:
            fields[key.strip()] = value.strip()
    features = fields.get("features")
    facilities = fields.get("facilities")
    facility_bits = None
    if facilities is not None:
        facility_bits = frozenset(int(bit) for bit in facilities.split()
                                  if _DECIMAL_RE.fullmatch(bit))
    return CpuInfo(vendor=fields.get("vendor_id"),
                   features=None if features is None else frozenset(features.split()),
                   facilities=facility_bits)


def machine_of_cpuinfo(text: str) -> str | None:
    """A name for a non-s390 cpuinfo's architecture, for messages only."""
    info = parse_cpuinfo(text)
    if info.is_s390:
        return "s390x"
    if info.vendor in ("GenuineIntel", "AuthenticAMD", "HygonGenuine"):
        return "x86_64"
    if re.search(r"^CPU implementer\s*:", text, re.MULTILINE):
        return "arm64"
    if re.search(r"^cpu\s*:\s*POWER", text, re.MULTILINE):
        return "ppc64le"
    return info.vendor


def kernel_parameters(cmdline: str) -> list[tuple[str, str | None]]:
    """``/proc/cmdline`` as (name, value) pairs, stopping at ``--`` (the rest is for init):
    the kernel's own tokenising (memmapcalc.kernel.cmdline_text, lib/cmdline.c next_arg())."""
    from memmapcalc.kernel.cmdline_text import kernel_args

    return [(arg.param, arg.value) for arg in kernel_args(cmdline)]


def last_parameter(cmdline: str, name: str) -> str | None:
    """The value of the last ``name=`` (the kernel applies parameters in order)."""
    value = None
    for key, item in kernel_parameters(cmdline):
        # The kernel treats '-' and '_' alike in parameter names.
        if key.replace("-", "_") == name.replace("-", "_") and item is not None:
            value = item
    return value


def memparse(text: str) -> tuple[int, str]:
    """The kernel's ``memparse``: a number (decimal or 0x hex) with an optional K/M/G/T/P/E
    suffix; returns (bytes, the rest of the text)."""
    match = _MEMPARSE_RE.match(text)
    if match is None:
        raise SysfsError(f"{text[:40]!r} is not a size")
    digits = match[1]
    # simple_strtoull(base 0): 0x… hex, a leading 0 octal, else decimal.
    number = (int(digits, 16) if digits[:2].lower() == "0x"
              else int(digits, 8) if digits.startswith("0") and len(digits) > 1
              and set(digits) <= set("01234567") else int(digits))
    return number << _MEMPARSE_SHIFT[match[2].upper()], text[match.end():]


def crashkernel_size(value: str, system_ram: int) -> tuple[int, str]:
    """The reservation ``crashkernel=value`` asks for on a system with ``system_ram``.

    Forms (Documentation/admin-guide/kdump/kdump.rst): ``size[@offset]``,
    ``range1:size1[,range2:size2,...][@offset]`` (the range containing the system RAM
    applies), ``size,high`` / ``size,low``.
    """
    spec = value.split("@", 1)[0]
    if ":" not in spec:
        size, rest = memparse(spec)
        if rest not in ("", ",high", ",low"):
            raise SysfsError(f"crashkernel={value!r} is not a form memmapcalc reads")
        return size, f"crashkernel={value}"
    for item in spec.split(","):
        bounds, colon, size_text = item.partition(":")
        if not colon:
            raise SysfsError(f"crashkernel={value!r}: range {item!r} has no ':size'")
        start_text, dash, end_text = bounds.partition("-")
        start, _ = memparse(start_text)
        end = memparse(end_text)[0] if end_text else None
        if not dash:
            raise SysfsError(f"crashkernel={value!r}: range {bounds!r} has no '-'")
        if system_ram >= start and (end is None or system_ram < end):
            size, _ = memparse(size_text)
            return size, f"crashkernel={value}: the range {bounds} holds the system's RAM"
    return 0, f"crashkernel={value}: no range holds the system's RAM, so nothing is reserved"


def parse_meminfo_total(text: str) -> int:
    """``MemTotal`` of /proc/meminfo in bytes."""
    match = re.search(r"^MemTotal:[ \t]*([0-9]{1,20})[ \t]*kB[ \t]*$", text, re.MULTILINE)
    if match is None:
        raise SysfsError("no 'MemTotal: N kB' line")
    return int(match[1]) * 1024


@dataclass(frozen=True)
class SysInfo:
    """The innermost level of /proc/sysinfo (s390)."""

    guest_name: str | None
    hypervisor: str | None
    lpar_name: str | None


def parse_sysinfo(text: str) -> SysInfo:
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        if colon:
            fields[key.strip()] = value.strip()
    levels = sorted({int(m[1]) for m in (re.match(r"VM(\d\d) Name$", key) for key in fields) if m})
    guest = hypervisor = None
    if levels:
        # VM00 is the level closest to this Linux (the hypervisor it runs under).
        guest = fields.get(f"VM{levels[0]:02d} Name") or None
        hypervisor = " ".join((fields.get(f"VM{levels[0]:02d} Control Program") or "").split())
    return SysInfo(guest, hypervisor or None, fields.get("LPAR Name") or None)
