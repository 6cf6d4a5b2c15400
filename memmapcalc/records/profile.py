"""What the pipeline asks of an architecture, as data: one :class:`ModelProfile` per
profile family, whose fields are that family's functions for each step of
:func:`memmapcalc.model.evaluate.evaluate_params`.  A new architecture is a new instance,
never a new branch in the model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, eq=False, slots=True)
class ModelProfile:
    """One profile family's steps.  Compared and hashed by identity: it is part of the
    resolved inputs that key the evaluation cache, and each family has one instance."""

    label: str
    budget: Callable[..., Any]  # (p) -> Budget
    passes: Callable[..., bool]  # (p) -> margin >= min_margin
    max_standby: Callable[..., Any]  # (p, budget) -> (limit | None, capped)
    min_online: Callable[..., Any]  # (p, budget) -> limit | None
    limits: Callable[..., Any]  # (p, budget, standby, capped, online) -> explained limits
    advise: Callable[..., list[Any]]  # (p, min_online, max_standby) -> verified Fix records
    notes: Callable[..., list[str]]  # (p, budget, capped) -> what was assumed

    def __repr__(self) -> str:
        return f"<profile {self.label}>"
