"""The JSON contract (``schema_version`` 1): results as plain data for json/jsonl and the API.

Stability: fields may be added; existing names and meanings do not change within a
schema version; consumers must ignore fields they do not know.  All sizes are integers
in bytes.
"""

from __future__ import annotations

from typing import Any

from memmapcalc.about import __version__
from memmapcalc.config.load import Loaded
from memmapcalc.model.after_ipl.use import Use
from memmapcalc.model.evaluate import Evaluation
from memmapcalc.records.budget import CHARGED_ITEMS
from memmapcalc.records.params import Params


def fixes_list(evaluation: Evaluation, name: str | None = None) -> list[dict[str, Any]]:
    """``fixes``: each advice with its change and the admin's commands."""
    from memmapcalc.admin.commands import fix_dicts

    return fix_dicts(evaluation.fixes, list(evaluation.advice), evaluation.params, name)

SCHEMA_VERSION = 1

#: Every result has these keys, in this order (errors carry ``None`` for the numbers).
RESULT_KEYS = ("name", "path", "arch", "verdict", "ipl", "error", "kernel", "block_size",
               "standby_blocks", "memmap_per_block", "memmap_on_memory", "charged_at_ipl",
               "required", "online", "standby", "margin", "max_standby", "max_standby_capped",
               "min_online", "advice", "notes", "platform", "fixes", "after_ipl", "reasons")


def result_dict(loaded: Loaded, evaluation: Evaluation, explain: bool = False) -> dict[str, Any]:
    """The contract's result object for one evaluated machine."""
    p, b = evaluation.params, evaluation.budget
    result: dict[str, Any] = {
        "name": loaded.name,
        "path": loaded.source,
        "arch": p.arch,
        "verdict": evaluation.verdict,
        "ipl": evaluation.ipl,
        "error": None,
        "kernel": kernel_dict(p),
        "block_size": b.block_size.value,
        "standby_blocks": b.standby_blocks.value,
        "memmap_per_block": b.memmap_per_block.value,
        "memmap_on_memory": b.memmap_on_memory.used.value,
        "charged_at_ipl": {key: b.charged[key].value for key in CHARGED_ITEMS},
        "required": b.required,
        "online": p.online,
        "standby": p.standby,
        "margin": b.margin,
        "max_standby": None if evaluation.max_standby is None else evaluation.max_standby.value,
        "max_standby_capped": evaluation.max_standby_capped,
        "min_online": None if evaluation.min_online is None else evaluation.min_online.value,
        "advice": list(evaluation.advice),
        "notes": list(evaluation.notes),
        "platform": p.platform,
        "fixes": fixes_list(evaluation, loaded.name),
        "after_ipl": None if evaluation.after_ipl is None else after_ipl_dict(evaluation.after_ipl),
        "reasons": list(evaluation.reasons),
    }
    if explain:
        from memmapcalc.explain import explanation

        result["explain"] = explanation(evaluation)
    return result


def after_ipl_dict(use: Use) -> dict[str, Any]:
    """The result's ``after_ipl`` object: standby blocks (and bytes) that can be brought into
    use after IPL with the machine's settings and with memmap-on-memory, and what is left.
    A count is ``None`` where the model has nothing to say (``limit`` says why)."""
    from memmapcalc.model.after_ipl.fix import PARAMETER

    mode = use.memmap_on_memory_mode
    return {
        "standby_blocks": use.standby_blocks,
        "block_size": use.block_size,
        "standby_memory": use.standby_memory,
        "usable_blocks": use.usable_blocks,
        "usable_memory": use.usable_memory,
        "unusable_blocks": use.unusable_blocks,
        "unusable_memory": None if use.unusable_blocks is None else (
            use.unusable_blocks * use.block_size),
        "usable_blocks_with_memmap_on_memory": use.usable_blocks_with_memmap_on_memory,
        "usable_memory_with_memmap_on_memory": use.usable_memory_with_memmap_on_memory,
        "uses_memmap_on_memory": use.uses_memmap_on_memory,
        "memmap_on_memory_parameter": None if mode is None else (
            f"memory_hotplug.memmap_on_memory={PARAMETER[mode]}"),
        "configured_after_ipl": use.configured_after_ipl,
        "zone": use.zone,
        "limit": use.limit,
        "memmap_on_memory_note": use.memmap_on_memory_why,
    }


def kernel_dict(p: Params) -> dict[str, Any]:
    """The result's ``kernel`` object: the mainline version whose table applies, and who the
    release is (``release`` as given, its ``distribution``, ``base`` and the ``backports``
    folded onto the base's behaviour)."""
    identity = p.kernel_identity
    return {"version": None if p.version is None else str(p.version),
            "standby": p.standby_handling.value, "assumed": p.version_assumed,
            "release": None if identity is None else identity.release.release,
            "distribution": None if identity is None else identity.distribution,
            "base": None if identity is None else str(identity.base),
            "backports": list(p.backports)}


def error_dict(loaded: Loaded) -> dict[str, Any]:
    """The contract's result object for a machine that could not be read."""
    result: dict[str, Any] = dict.fromkeys(RESULT_KEYS)
    result.update(name=loaded.name, path=loaded.source, verdict="error",
                  error=str(loaded.error), advice=[], notes=[], fixes=[], reasons=[])
    return result


def document(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole ``--format json`` document."""
    verdicts = [r["verdict"] for r in results]
    return {**head({v: verdicts.count(v) for v in ("pass", "warn", "fail", "error")}),
            "results": results}


def head(counts: dict[str, int]) -> dict[str, Any]:
    """The document's keys before ``results``, from the count of each verdict."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "memmapcalc", "version": __version__},
        "summary": {"checked": sum(counts.values()),
                    **{v: counts.get(v, 0) for v in ("pass", "warn", "fail", "error")}},
    }
