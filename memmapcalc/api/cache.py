"""One evaluation per distinct set of model inputs, for a batch of machines."""

from __future__ import annotations

from typing import Any


class EvaluationCache:
    """``evaluate(machine)`` for many machines, computed once per distinct set of model inputs.

    The key is the resolved :class:`~memmapcalc.records.params.Params` (frozen, every field,
    defaults filled in), which is exactly what the evaluation reads: two configs share an
    entry only when the model cannot tell them apart, whatever was written out or left to
    its default, and whatever the machine is called.  Fleets repeat a few shapes many times
    (the same guest size on the same kernel), so a run evaluates each shape once.  Bounded,
    so memory stays flat.
    """

    LIMIT = 256

    def __init__(self) -> None:
        from memmapcalc.config.resolve import resolve
        from memmapcalc.model.evaluate import evaluate

        self._evaluate = evaluate
        self._resolve = resolve
        self._known: dict[Any, Any] = {}

    def evaluate(self, machine: Any) -> Any:
        key = self._resolve(machine)
        evaluation = self._known.get(key)
        if evaluation is None:
            if len(self._known) >= self.LIMIT:
                self._known.clear()
            evaluation = self._known[key] = self._evaluate(machine)
        return evaluation
