"""What the steps of :func:`snapshot_machine` share: the snapshot, the draft, what is known."""

from __future__ import annotations

from dataclasses import dataclass

from memmapcalc.importers.draft import MachineDraft
from memmapcalc.importers.probe.snapshot import FILES, Snapshot


@dataclass
class Context:
    """The snapshot being read, the draft being built, and what earlier steps found."""

    snap: Snapshot
    draft: MachineDraft
    arch: str | None = None  # "s390x", another name, or None (unknown)
    block_size: int = 0
    online: int = 0


def file_of(ctx: Context, key: str) -> str | None:
    return ctx.snap.files.get(key)


def path_of(ctx: Context, key_or_path: str) -> str:
    path = FILES.get(key_or_path, key_or_path)
    return f"/{path}" if ctx.snap.live else f"{ctx.snap.label.rstrip('/')}/{path}"
