"""What an importer hands to the writer: a machine config with the source of every value.

An importer never writes text.  It fills a :class:`MachineDraft` with the config keys it
could establish (each with a one-line note saying where the value came from), the keys it
could not (said on stderr), warnings, and whether the result is *partial*: usable, but
missing something the input should have told.  :mod:`memmapcalc.importers.emit` turns
drafts into YAML, JSON or TOML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The config keys importers may write, in the order they are written.  Only keys of
#: the machine config contract: the loader rejects anything else.
KEYS: tuple[str, ...] = (
    "name",
    "arch",
    "platform",
    "memory.online",
    "memory.standby",
    "memory.increment",
    "memory.block_size",
    "cpu.edat1",
    "cpu.edat2",
    "kernel.version",
    "kernel.memmap_on_memory",
    "kernel.crashkernel",
    "kernel.cmdline",
)

#: Keys whose values are byte counts (written with :func:`memmapcalc.units.format_size`).
SIZE_KEYS = frozenset({"memory.online", "memory.standby", "memory.increment",
                       "memory.block_size", "kernel.crashkernel"})

Value = int | bool | str


@dataclass(frozen=True)
class Sourced:
    """One config value and where it came from (written as a comment or a note)."""

    value: Value
    source: str


@dataclass
class MachineDraft:
    """A machine config under construction, with provenance."""

    #: Short description of the input, for the header comment ("lsmem -b table, util-linux 2.38").
    origin: str = ""
    values: dict[str, Sourced] = field(default_factory=dict)
    #: Keys the input could not tell, with the reason (said on stderr and in the header).
    unknown: dict[str, str] = field(default_factory=dict)
    #: Facts worth knowing that are not config keys (kernel footprint, MAX storage ...).
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Why the config is partial; empty when it is complete.
    partial: list[str] = field(default_factory=list)
    #: Omit the ``arch`` key (the system read is not s390x; see probe).
    omit_arch: bool = False

    def set(self, key: str, value: Value, source: str) -> None:
        if key not in KEYS:
            raise ValueError(f"{key} is not a machine config key importers may write")
        self.values[key] = Sourced(value, source)
        self.unknown.pop(key, None)

    def get(self, key: str) -> Value | None:
        entry = self.values.get(key)
        return None if entry is None else entry.value

    def leave_out(self, key: str, reason: str) -> None:
        """Record that ``key`` is not written, and why."""
        if key not in self.values:
            self.unknown[key] = reason

    @property
    def name(self) -> str | None:
        value = self.get("name")
        return value if isinstance(value, str) else None

    @property
    def is_partial(self) -> bool:
        return bool(self.partial)
