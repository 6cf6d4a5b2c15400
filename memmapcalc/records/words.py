"""How a report words a result: s390 says IPL, online and standby; the boot-memory
profiles (x86_64, arm64, ppc64le) say boot, boot memory and hot-pluggable memory, while
their JSON contract fields keep the s390 names.  Data only; the renderers format it and
:func:`memmapcalc.arch.registry.vocabulary` picks the instance for a result's ``arch``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class ReportWords:
    """The words of one profile family.

    ``kernel_line`` is a :meth:`str.format` template with the fields ``platform`` (``"z/VM
    guest, "``, empty when not given), ``arch``, ``version``,
    ``standby`` (:meth:`standby_state`), ``blocks``, ``block_size``, ``memmap_per_block``
    and ``mom`` (``yes``/``no``)."""

    words: Mapping[str, str]
    kernel_line: str
    #: kernel.standby ``boot-add`` in words, and anything else (``deferred``)
    standby_added: str = ""
    standby_later: str = ""

    def standby_state(self, state: str | None) -> str:
        return self.standby_added if state == "boot-add" else self.standby_later


IPL_WORDS = ReportWords(
    words=MappingProxyType({
        "ipl": "IPL", "ipls": "IPLs", "online": "online", "standby": "standby",
        "header": "charged to online memory at IPL",
        "online_memmap": "memmap of online memory",
        "standby_memmap": "memmap of standby memory"}),
    kernel_line=("{platform}kernel {version}, {standby}; {blocks} standby blocks of {block_size}, "
                 "memmap {memmap_per_block} per block, memmap on memory: {mom}"),
    standby_added="standby added at IPL",
    standby_later="standby configured after IPL",
)

BOOT_WORDS = ReportWords(
    words=MappingProxyType({
        "ipl": "boot", "ipls": "boots", "online": "boot memory",
        "standby": "hot-pluggable memory", "header": "charged to boot memory at boot",
        "online_memmap": "memmap of boot memory",
        "standby_memmap": "memmap of hot-pluggable memory"}),
    kernel_line=("{arch}, kernel {version}; {blocks} hot-pluggable blocks of {block_size} "
                 "present at boot, memmap {memmap_per_block} per block, "
                 "memmap on memory: {mom}"),
)
