"""Sizes as each tool that takes them spells them, exactly (never rounded).

* z/VM CP and directory: ``nu``, "n is a 1- to 7-digit decimal number and u is the
  1-character storage unit suffix" K, M, G, T, P or E (z/VM 7.1 CP Commands, DEFINE
  STORAGE, Table 1; K "is provided for upward compatibility only; a K specification is
  rounded up to a MB value", P at most 16384, E at most 16): the largest of M, G, T, P, E
  that divides the size exactly.
* chmem (util-linux sys-utils/chmem.c, chmem.8): ``<size>[m|M|g|G]``, "The default unit is
  MiB"; memmapcalc always writes the unit.
* HMC image activation profile: storage amounts in MB, or GB when both are whole GB.
* libvirt / QEMU / virsh: ``M`` and ``G`` suffixes (binary), as virsh's scaled integers and
  QEMU's ``-m`` read them.
"""

from __future__ import annotations

from memmapcalc.units import GiB, KiB, MiB

#: (bytes per unit, suffix, largest n) of z/VM's storage sizes, largest unit first.
_ZVM_UNITS = ((1 << 60, "E", 16), (1 << 50, "P", 16384), (1 << 40, "T", 9999999),
              (GiB, "G", 9999999), (MiB, "M", 9999999))


def zvm_size(nbytes: int, up: bool = False) -> str:
    """``4528M``, ``252G``: the largest z/VM unit that divides ``nbytes`` exactly.  A size
    that 7 digits of any unit cannot hold exactly (above 9999999M and not whole G, T ...)
    is rounded to the smallest unit that holds it: up with ``up`` (online memory must
    not shrink), else down (standby must not grow)."""
    for factor, unit, most in _ZVM_UNITS:
        if nbytes % factor == 0 and nbytes // factor <= most:
            return f"{nbytes // factor}{unit}"
    for factor, unit, most in reversed(_ZVM_UNITS):
        count = -(-nbytes // factor) if up else nbytes // factor
        if count <= most:
            return f"{count}{unit}"
    raise ValueError(f"{nbytes} B is more than z/VM can write")  # > 16E: not a size here


def mib_or_gib(nbytes: int) -> str:
    """``252G`` when a whole number of GiB, else ``4528M`` (chmem, virsh, QEMU)."""
    if nbytes % GiB == 0:
        return f"{nbytes // GiB}G"
    if nbytes % MiB == 0:
        return f"{nbytes // MiB}M"
    return f"{-(-nbytes // KiB)}K"


def hmc_unit(*amounts: int) -> str:
    """One unit for the amounts of a profile page: GB if all are whole GB, else MB."""
    return "GB" if all(amount % GiB == 0 for amount in amounts) else "MB"


def hmc_size(nbytes: int, unit: str) -> str:
    return f"{nbytes // GiB} GB" if unit == "GB" else f"{-(-nbytes // MiB)} MB"
