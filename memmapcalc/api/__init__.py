"""The public Python API: load machine configs, evaluate them, get the JSON contract.

    >>> import memmapcalc
    >>> machine = memmapcalc.config_from_mapping(
    ...     {"memory": {"online": "4G", "standby": "252G"}, "kernel": {"version": "6.8"}},
    ...     name="lnx01")
    >>> result = memmapcalc.evaluate(machine)
    >>> result.verdict, result.standby_blocks, result.margin < 0
    ('fail', 1008, True)

Everything here is pure (no printing, no exiting); bad input raises
:class:`memmapcalc.InputError` with the same one-line message the CLI prints.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from memmapcalc.api.contract import result_dict
from memmapcalc.config.load import Loaded, load_path, machine_from_mapping
from memmapcalc.config.model import Machine
from memmapcalc.errors import InputError
from memmapcalc.model.evaluate import Evaluation
from memmapcalc.model.evaluate import evaluate as _evaluate


@dataclass(frozen=True, slots=True)
class Result:
    """What memmapcalc says about one machine.  Sizes are integers in bytes."""

    name: str
    path: str | None
    evaluation: Evaluation

    @property
    def verdict(self) -> str:
        """``pass``, ``warn`` or ``fail``."""
        return self.evaluation.verdict

    @property
    def ipl(self) -> bool:
        """True when the machine IPLs (pass or warn)."""
        return self.evaluation.ipl

    @property
    def required(self) -> int:
        """Online memory IPL needs, all charged items together."""
        return self.evaluation.budget.required

    @property
    def margin(self) -> int:
        """Online memory minus ``required`` (negative: short by that much)."""
        return self.evaluation.budget.margin

    @property
    def charged_at_ipl(self) -> dict[str, int]:
        """Each consumer of online memory at IPL (the contract's ``charged_at_ipl``)."""
        return {key: item.value for key, item in self.evaluation.budget.charged.items()}

    @property
    def block_size(self) -> int:
        return self.evaluation.budget.block_size.value

    @property
    def standby_blocks(self) -> int:
        return self.evaluation.budget.standby_blocks.value

    @property
    def memmap_on_memory(self) -> bool:
        """Whether standby blocks carry their own memmap (at IPL ≤ 6.18; default ≥ 6.19)."""
        return self.evaluation.budget.memmap_on_memory.used.value

    @property
    def max_standby(self) -> int | None:
        """Largest standby (whole blocks) that IPLs; ``None`` if none does."""
        limit = self.evaluation.max_standby
        return None if limit is None else limit.value

    @property
    def min_online(self) -> int | None:
        """Smallest online size from which every larger size IPLs."""
        limit = self.evaluation.min_online
        return None if limit is None else limit.value

    @property
    def advice(self) -> list[str]:
        """Verified fixes for a failing machine, or for one whose standby is not all usable
        after IPL."""
        return list(self.evaluation.advice)

    @property
    def reasons(self) -> list[str]:
        """Why the verdict is ``warn`` or ``fail``, one sentence each (``[]`` for pass)."""
        return list(self.evaluation.reasons)

    @property
    def after_ipl(self) -> dict[str, Any] | None:
        """Standby usable after IPL (the contract's ``after_ipl`` object)."""
        from memmapcalc.api.contract import after_ipl_dict

        use = self.evaluation.after_ipl
        return None if use is None else after_ipl_dict(use)

    def explain(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every number with its formula, values, kernel source and versions."""
        from memmapcalc.explain import explanation

        return explanation(self.evaluation)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """The JSON contract's result object (``--format json``'s ``results[]`` entry)."""
        loaded = Loaded(self.path or "<mapping>", self.name, None)
        record = result_dict(loaded, self.evaluation, explain)
        if self.path is None:
            record["path"] = None
        return record


def config_from_mapping(data: Mapping[str, Any], name: str | None = None) -> Machine:
    """Validate a mapping (as a config file would hold it) into a :class:`Machine`."""
    return machine_from_mapping(dict(data), "<mapping>", name)


def load_config(path: str | os.PathLike[str]) -> Machine:
    """Read one machine from a YAML, TOML or JSON file (a fleet file: use :func:`load_configs`)."""
    machines = load_configs(path)
    if len(machines) != 1:
        raise InputError(os.fspath(path), f"holds {len(machines)} machines; use load_configs()")
    return machines[0]


def load_configs(path: str | os.PathLike[str]) -> list[Machine]:
    """Read every machine of a file (one machine or a fleet); the first error is raised."""
    loaded = load_path(os.fspath(path))
    for item in loaded:
        if item.error is not None:
            raise item.error
    return [item.machine for item in loaded if item.machine is not None]


def evaluate(config: Machine | Mapping[str, Any], *, path: str | None = None) -> Result:
    """Evaluate a machine (a :class:`Machine` or a mapping as in a config file)."""
    machine = config if isinstance(config, Machine) else config_from_mapping(config)
    return Result(machine.name or "machine", path, _evaluate(machine))
