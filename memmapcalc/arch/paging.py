"""The x86_64, arm64 and ppc64le profiles' side of the model: what the pipeline asks of a
machine whose hot-pluggable memory is ACPI DIMMs or pseries DLPAR memory.

One stateless object for the three, :data:`PROFILES`: each machine's geometry profile
(page size, MMU, zones, block size; :mod:`memmapcalc.arch.profile`) is found from its
parameters by :func:`memmapcalc.arch.paging_geometry.profile_of`."""

from __future__ import annotations

from memmapcalc.arch import model, report, search
from memmapcalc.explained import Explained
from memmapcalc.records.budget import Budget
from memmapcalc.records.params import Params


class PagingProfiles:
    """x86_64, arm64 and ppc64le: boot memory plus hot-pluggable memory in memory blocks
    with a page-table geometry of their own (compared by identity)."""

    __slots__ = ()

    def budget(self, p: Params) -> Budget:
        return model.profiled_budget(p)

    def passes(self, p: Params) -> bool:
        return model.profiled_passes(p)

    def max_standby(self, p: Params, current: Budget) -> tuple[int | None, bool]:
        return search.max_standby(p, current)

    def min_online(self, p: Params, current: Budget) -> int | None:
        return search.min_online(p, current)

    def limits(self, p: Params, current: Budget, standby: int | None, capped: bool,
               online: int | None) -> tuple[Explained[int] | None, Explained[int] | None]:
        return report.limits(p, current, standby, capped, online)

    def advise(self, p: Params, min_online: int | None, max_standby: int | None) -> list[str]:
        return report.advise(p, min_online, max_standby)

    def notes(self, p: Params, current: Budget, capped: bool) -> list[str]:
        return report.notes(p, current, capped)

    def __repr__(self) -> str:
        return "<profiles x86_64, arm64, ppc64le>"


PROFILES = PagingProfiles()
