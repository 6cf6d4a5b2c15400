"""One thing an admin types or sets, and where."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Command:
    """``where`` names the place (``"CP"``, ``"z/VM directory"``, ``"LPAR activation
    profile"``, ``"/etc/zipl.conf"``, ``"shell"`` ...); ``command`` is what goes there."""

    where: str
    command: str
    #: what to know before or after (``"resets the guest: IPL it afterwards"``)
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"where": self.where, "command": self.command, "note": self.note}
