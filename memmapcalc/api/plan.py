"""``memmapcalc plan`` as data: one machine's plan and the ``plan -f json`` document.

The plan of each machine is computed here from a loaded config; its text is written by
:mod:`memmapcalc.render.plan_text`, its JSON by the command from :func:`plan_document`.
Pure: no printing, no exiting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from memmapcalc.config.load import Loaded
    from memmapcalc.model.after_ipl.bringup import AfterIpl, Bringup
    from memmapcalc.model.after_ipl.release import Release
    from memmapcalc.model.plan.plan import Change, Column, Plan
    from memmapcalc.records.params import Params

#: Plan documents have their own schema version (the check contract is separate).
SCHEMA_VERSION = 1


def plan_one(loaded: Loaded, zone: Any) -> tuple[dict[str, Any], Plan | None]:
    """One loaded machine's plan entry (the JSON contract's dict) and the plan behind it
    (``None`` for an unreadable config or a machine of another architecture)."""
    from memmapcalc.config.resolve import resolve
    from memmapcalc.model.plan.plan import plan

    if loaded.machine is None:
        return {"name": loaded.name, "path": loaded.source, "verdict": "error",
                "error": str(loaded.error)}, None
    from memmapcalc.arch.registry import has_standby_behaviours

    arch = loaded.machine.arch
    if not has_standby_behaviours(arch):
        return other_arch(loaded, arch), None
    from memmapcalc.config.edits import refusal

    machine = loaded.machine
    planned = plan(resolve(machine), zone, lambda edits: refusal(machine, edits))
    return plan_dict(loaded.name, loaded.source, planned), planned


def other_arch(loaded: Loaded, arch: str) -> dict[str, Any]:
    """Machines of other architectures have no s390 standby behaviours to compare: their
    plan is the verdict and ``check``'s fixes (verified by the model there)."""
    from memmapcalc.model.evaluate import evaluate

    assert loaded.machine is not None
    evaluation = evaluate(loaded.machine)
    return {"name": loaded.name, "path": loaded.source, "verdict": evaluation.verdict,
            "ipl": evaluation.ipl, "error": None, "arch": arch,
            "note": f"{arch}: the kernel behaviours, changes and after-IPL use that plan "
                    f"compares are modelled for s390x standby memory; these are check's fixes",
            "behaviours": [], "cheapest": None, "changes": [], "limits": [],
            "after_ipl": _check_after(evaluation), "advice": list(evaluation.advice),
            "reasons": list(evaluation.reasons)}


def _check_after(evaluation: Any) -> dict[str, Any] | None:
    """Check's ``after_ipl`` object (other architectures: plan shows check's numbers)."""
    from memmapcalc.api.contract import after_ipl_dict

    return None if evaluation.after_ipl is None else after_ipl_dict(evaluation.after_ipl)


def plan_dict(name: str, path: str, planned: Plan) -> dict[str, Any]:
    """One machine's plan as plain data (sizes in bytes)."""
    evaluation = planned.evaluation

    def change(c: Change) -> dict[str, Any]:
        return _change_dict(c, planned.params, name)

    return {
        "name": name, "path": path, "verdict": evaluation.verdict, "ipl": evaluation.ipl,
        "error": None, "arch": "s390x",
        "zone": planned.after_ipl.zone.value,
        "behaviours": [_column_dict(column) for column in planned.columns],
        "cheapest": None if planned.cheapest is None else change(planned.cheapest),
        "changes": [change(c) for c in planned.changes],
        "limits": [change(c) for c in planned.limits],
        "after_ipl": _after_dict(planned.after_ipl, planned.params, planned.release),
        "reasons": list(evaluation.reasons),
    }


def _column_dict(column: Column) -> dict[str, Any]:
    variant, evaluation = column.variant, column.evaluation
    out: dict[str, Any] = {
        "key": variant.key, "title": variant.spec.title, "mainline": variant.spec.mainline,
        "kernel": None if variant.params is None else (
            None if variant.params.version is None else str(variant.params.version)),
        "yours": variant.yours, "applicable": variant.params is not None,
        "effective": variant.effective, "why": variant.why,
        "config_edits": dict(variant.edits),
    }
    if evaluation is None:
        return out
    b = evaluation.budget
    out.update({
        "verdict": evaluation.verdict, "margin": b.margin, "required": b.required,
        "block_size": b.block_size.value, "standby_blocks": b.standby_blocks.value,
        "memmap_on_memory": b.memmap_on_memory.used.value,
        "standby_memmap_at_ipl": b.charged["standby_memmap"].value,
        "max_standby": None if evaluation.max_standby is None else evaluation.max_standby.value,
        "max_standby_capped": evaluation.max_standby_capped,
        "min_online": None if evaluation.min_online is None else evaluation.min_online.value,
        "after_ipl": None if column.after is None else _after_dict(column.after,
                                                                   variant.params),
    })
    return out


def _change_dict(change: Change, p: Params, name: str) -> dict[str, Any]:
    """One change, with the admin's commands for the machine ``p`` (its platform and boot
    loader; the sizes and kernel are the change's)."""
    from memmapcalc.admin.commands import commands

    return {"kind": change.kind, "rank": change.rank, "text": change.text,
            "config_edits": dict(change.edits), "verdict": change.verdict,
            "margin": change.margin, "minimal": change.minimal, "evidence": change.evidence,
            "commands": [c.as_dict() for c in commands(change.fix, p, name)]}


def _after_dict(after: AfterIpl, p: Params | None,
                release: tuple[Release, Release] | None = None) -> dict[str, Any]:
    """Plan's after-IPL object: both ways in detail, then (additive, issue 14) the summary
    check's ``after_ipl`` gives for the same machine and, as configured, the free path."""
    from memmapcalc.api.contract import after_ipl_dict
    from memmapcalc.model.after_ipl.use import summarise

    out = _ways_dict(after)
    if p is not None:
        out.update(after_ipl_dict(summarise(after, p)))
    if release is not None:
        out["give_back"] = {"without_memmap_on_memory": _release_dict(release[0]),
                            "with_memmap_on_memory": _release_dict(release[1])}
    return out


def _release_dict(release: Release) -> dict[str, Any]:
    return {"possible": release.possible, "blocks": release.blocks,
            "offline_returns": release.offline_returns, "deconfigure": release.deconfigure,
            "last_block_returns": release.last_block_returns,
            "last_block_memmap": release.last_block_memmap,
            "all_blocks_return": release.all_blocks_return}


def _ways_dict(after: AfterIpl) -> dict[str, Any]:
    def way(bringup: Bringup) -> dict[str, Any]:
        return {"memmap_on_memory": bringup.memmap_on_memory,
                "memmap_on_memory_parameter": bringup.mode.kernel_value,
                "available": bringup.available, "why": bringup.why, "ipl": bringup.ipl,
                "free_after_ipl": bringup.free_after_ipl,
                "memmap_in_block": bringup.memmap_in_block,
                "wasted_per_block": bringup.wasted_per_block,
                "usable_per_block": bringup.usable_per_block,
                "memmap_per_block": bringup.memmap_per_block,
                "first_block_cost": bringup.first_block_cost, "blocks": bringup.blocks,
                "kernel_cost": bringup.kernel_cost, "kernel_kept": bringup.kernel_kept,
                "total_usable": bringup.total_usable, "limit": bringup.limit}

    return {"era": after.era.value, "zone": after.zone.value, "block_size": after.block_size,
            "standby_blocks": after.standby_blocks, "without_memmap_on_memory": way(after.without),
            "with_memmap_on_memory": way(after.with_memmap_on_memory),
            "notes": list(after.notes)}


def plan_document(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``plan -f json`` document of these entries (written by the command)."""
    from memmapcalc.about import __version__

    verdicts = [entry["verdict"] for entry in entries]
    document = {"schema_version": SCHEMA_VERSION,
                "tool": {"name": "memmapcalc", "version": __version__},
                "summary": {"planned": len(entries), **{v: verdicts.count(v) for v in
                                                        ("pass", "warn", "fail", "error")}},
                "plans": entries}
    return document
