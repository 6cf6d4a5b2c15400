"""``evaluate(machine) -> Evaluation``: the pure core's single entry point."""

from __future__ import annotations

from dataclasses import dataclass, field

from memmapcalc.config.model import Machine
from memmapcalc.config.resolve import resolve
from memmapcalc.explained import Explained
from memmapcalc.model.after_ipl.fix import after_ipl_fix
from memmapcalc.model.after_ipl.usable import use_after_ipl
from memmapcalc.model.after_ipl.use import Use
from memmapcalc.model.after_ipl.verdicts import reasons, with_after_ipl
from memmapcalc.records.budget import Budget
from memmapcalc.records.fixes import Fix
from memmapcalc.records.params import Params
from memmapcalc.records.verdict import verdict


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
    #: standby usable after IPL (None only for evaluations built without it)
    after_ipl: Use | None = None
    #: why the verdict is warn or fail, one sentence each
    reasons: list[str] = field(default_factory=list)
    #: the fixes behind ``advice``, one each, in its order (memmapcalc.records.fixes)
    fixes: tuple[Fix, ...] = ()

    @property
    def ipl(self) -> bool:
        return self.verdict != "fail"


def evaluate(machine: Machine) -> Evaluation:
    """Evaluate a validated machine config: budget, verdict, limits, advice, notes."""
    return evaluate_params(resolve(machine))


def evaluate_params(p: Params) -> Evaluation:
    """Evaluate already-resolved parameters (used by the planner's variations): every step
    asks the machine's profile; after IPL is the one model ``plan`` uses too
    (:mod:`memmapcalc.model.after_ipl`)."""
    profile = p.profile
    result = profile.budget(p)
    ipl_outcome = verdict(result.margin, p.online, p.min_margin)
    use = use_after_ipl(p)
    outcome = with_after_ipl(ipl_outcome, use)
    standby_limit, capped = profile.max_standby(p, result)
    online_limit = profile.min_online(p, result)
    standby_x, online_x = profile.limits(p, result, standby_limit, capped, online_limit)
    fixes = list(profile.advise(p, online_limit, standby_limit)) if outcome == "fail" else []
    if ipl_outcome != "fail" and use.short:
        fix = after_ipl_fix(p, use)
        if fix is not None:
            fixes.append(fix.record)
    return Evaluation(p, result, outcome, standby_x, capped, online_x,
                      [fix.text for fix in fixes], profile.notes(p, result, capped), use,
                      reasons(p, result, ipl_outcome, use), tuple(fixes))
