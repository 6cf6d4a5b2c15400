"""The s390x profile: what the model asks of an s390x machine (IBM Z, LPAR or z/VM guest),
whose hot-pluggable memory is standby memory that sclp reports.

One stateless object, :data:`PROFILE`; each method is the s390x code the pipeline
(:func:`memmapcalc.model.evaluate.evaluate_params`) calls for one step."""

from __future__ import annotations

from memmapcalc.arch.s390x import advice, budget, report, search
from memmapcalc.explained import Explained
from memmapcalc.records.budget import Budget
from memmapcalc.records.params import Params


class S390Profile:
    """s390x: sclp standby memory, 4 KiB pages, the s390 DAT tables (compared by identity)."""

    __slots__ = ()
    arch = "s390x"

    def budget(self, p: Params) -> Budget:
        return budget.budget(p)

    def passes(self, p: Params) -> bool:
        return budget.passes(p)

    def max_standby(self, p: Params, current: Budget) -> tuple[int | None, bool]:
        return search.max_standby(p, current)

    def min_online(self, p: Params, current: Budget) -> int | None:
        return search.min_online(p, current)

    def limits(self, p: Params, current: Budget, standby: int | None, capped: bool,
               online: int | None) -> tuple[Explained[int] | None, Explained[int] | None]:
        return report.limits(p, current, standby, capped, online)

    def advise(self, p: Params, min_online: int | None, max_standby: int | None) -> list[str]:
        return advice.advise(p, min_online, max_standby)

    def notes(self, p: Params, current: Budget, capped: bool) -> list[str]:
        return report.notes(p, current, capped)

    def __repr__(self) -> str:
        return "<profile s390x>"


PROFILE = S390Profile()
