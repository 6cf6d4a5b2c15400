"""Online and standby storage as each platform's admin sets it: one writer per
``platform`` row of :data:`memmapcalc.arch.s390x.platforms.PLATFORMS`.

* z/VM: the user directory (``STORAGE`` and ``MAXSTORAGE`` statements, which the 7.3
  DEFINE STORAGE text names: INITIAL is "the initial size ... as defined on the STORAGE
  statement", MAXIMUM "as defined on the MAXSTORAGE statement"), a ``COMMAND`` statement
  that defines the standby storage at logon, and CP ``DEFINE STORAGE AS size STANDBY size``
  for the running guest ("The sum of the AS or INITIAL, RESERVED, and STANDBY storage
  sizes cannot exceed the maximum storage size specified for the virtual machine in the
  CP directory"; DEFINE STORAGE resets the virtual machine, so IPL after it).
* LPAR: the image activation profile's storage page, central storage Initial and
  Reserved (Linux sees Reserved as standby memory); it takes effect at the next
  activation of the image, not at a re-IPL.
* KVM: the libvirt domain's ``<memory>``/``<currentMemory>`` (``virsh setmaxmem`` /
  ``virsh setmem --config``) or QEMU's ``-m``; a KVM guest has no standby memory.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from memmapcalc.admin.command import Command
from memmapcalc.admin.sizes import hmc_size, hmc_unit, mib_or_gib, zvm_size
from memmapcalc.arch.s390x.platforms import PLATFORMS


def zvm(online: int, standby: int, name: str | None) -> tuple[Command, ...]:
    size = zvm_size(online, up=True)
    define = f"DEFINE STORAGE AS {size}" + (f" STANDBY {zvm_size(standby)}" if standby else "")
    return (Command("z/VM directory", f"STORAGE {size}"),
            Command("z/VM directory", f"MAXSTORAGE {zvm_size(online + standby, up=True)}",
                    "at least storage + standby"),
            *((Command("z/VM directory", f"COMMAND {define}"),) if standby else ()),
            Command("CP", define, "resets the guest: IPL it afterwards"))


def lpar(online: int, standby: int, name: str | None) -> tuple[Command, ...]:
    unit = hmc_unit(online, standby)
    return (Command("LPAR activation profile",
                    f"image profile {name or '<image>'}, Storage: central storage Initial "
                    f"{hmc_size(online, unit)}, Reserved {hmc_size(standby, unit)}",
                    "takes effect at the next activation of the image"),)


def kvm(online: int, standby: int, name: str | None) -> tuple[Command, ...]:
    if standby:  # a KVM guest has no standby memory (config semantics refuses it)
        return ()
    domain, size = name or "<domain>", mib_or_gib(online)
    return (Command("shell", f"virsh setmaxmem {domain} {size} --config",
                    "the persistent definition: takes effect at the next start of the domain"),
            Command("shell", f"virsh setmem {domain} {size} --config"),
            Command("libvirt domain XML", f"<memory unit='MiB'>{online >> 20}</memory> "
                                          f"<currentMemory unit='MiB'>{online >> 20}"
                                          f"</currentMemory>"),
            Command("QEMU", f"-m size={size}"))


Writer = Callable[[int, int, str | None], tuple[Command, ...]]
#: The admin's words for storage, by platform (every row of PLATFORMS has one).
WRITERS: MappingProxyType[str, Writer] = MappingProxyType({"zvm": zvm, "lpar": lpar,
                                                           "kvm": kvm})
assert set(WRITERS) == set(PLATFORMS), "a platform without its storage commands"


def storage_commands(platform: str | None, online: int, standby: int,
                     name: str | None = None) -> tuple[Command, ...]:
    """The commands that give the machine ``online`` and ``standby`` bytes; for a machine
    whose platform is not given, each platform's (labelled), so the admin picks theirs."""
    if platform is not None:
        return WRITERS[platform](online, standby, name)
    return tuple(Command(f"{command.where} ({PLATFORMS[key].label})", command.command,
                         command.note)
                 for key, writer in WRITERS.items()
                 for command in writer(online, standby, name))
