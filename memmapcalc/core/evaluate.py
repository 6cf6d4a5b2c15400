"""``evaluate(machine) -> Evaluation``: the pure core's single entry point."""

from __future__ import annotations

from dataclasses import dataclass, field

from memmapcalc.config.model import Machine
from memmapcalc.core.advice import advise
from memmapcalc.core.budget import Budget, budget, verdict
from memmapcalc.core.params import Params, resolve
from memmapcalc.core.s390 import MAX_PHYSICAL
from memmapcalc.core.search import max_standby, min_online
from memmapcalc.explained import Explained, mib
from memmapcalc.kernel.modes import StandbyHandling


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Everything the model says about one machine."""

    params: Params
    budget: Budget
    verdict: str
    max_standby: Explained[int] | None
    max_standby_capped: bool
    min_online: Explained[int] | None
    advice: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def ipl(self) -> bool:
        return self.verdict != "fail"


def evaluate(machine: Machine) -> Evaluation:
    """Evaluate a validated machine config: budget, verdict, limits, advice, notes."""
    return evaluate_params(resolve(machine))


def evaluate_params(p: Params) -> Evaluation:
    """Evaluate already-resolved parameters (used by the planner's variations)."""
    result = budget(p)
    outcome = verdict(result.margin, p.online, p.min_margin)
    standby_limit, capped = max_standby(p, result)
    online_limit = min_online(p, result)
    if p.arch != "s390x":  # x86_64, arm64, ppc64le: texts and notes of the profile
        from memmapcalc.arch import report

        standby_x, online_x = report.limits(p, result, standby_limit, capped, online_limit)
        tips = advise(p, online_limit, standby_limit) if outcome == "fail" else []
        return Evaluation(p, result, outcome, standby_x, capped, online_x, tips,
                          report.notes(p, result, capped))
    block = mib(result.block_size.value)
    standby_x = None if standby_limit is None else Explained(
        standby_limit, lambda: (f"largest whole number of {block} blocks with margin ≥ {mib(p.min_margin)}"
        + (": capped by MAX_PHYSMEM_BITS 46 (64 TiB) - online" if capped else
           f"; {mib(standby_limit + result.block_size.value)} fails")),
        "binary search over budget(); arch/s390/include/asm/sparsemem.h MAX_PHYSMEM_BITS")
    online_x = None if online_limit is None else Explained(
        online_limit, lambda: (f"smallest online (whole {mib(max(p.increment or 0, 1 << 20))}) from which "
        f"every larger size keeps margin ≥ {mib(p.min_margin)}; "
        f"{mib(online_limit - max(p.increment or 0, 1 << 20))} fails"), "search over budget()")
    advice = advise(p, online_limit, standby_limit) if outcome == "fail" else []
    return Evaluation(p, result, outcome, standby_x, capped, online_x, advice, _notes(p, capped))


def version_notes(p: Params, oldest: str) -> list[str]:
    """What was assumed about the kernel: ``oldest`` describes the oldest behaviour."""
    if p.version is None:
        return [f"kernel.version not given: assumed the oldest behaviour ({oldest})"]
    if p.version.major >= 7:
        return [f"kernel {p.version}: memmapcalc's table ends at 6.19; assumed to behave "
                f"like 6.19"]
    return []


def _notes(p: Params, capped: bool) -> list[str]:
    notes = version_notes(p, "all standby added at IPL, no memmap-on-memory, 256 MiB sections")
    if p.standby_handling is StandbyHandling.DEFERRED and not p.edat1:
        notes.append("6.19+ without EDAT1: sclp_mem.c has no EDAT1 test; memmap-on-memory per "
                     "block follows the kernel source but is untested on real machines")
    if capped:
        notes.append(f"max_standby is capped by the architecture's maximum physical memory "
                     f"({mib(MAX_PHYSICAL)}, MAX_PHYSMEM_BITS 46)")
    return notes
