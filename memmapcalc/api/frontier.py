"""``memmapcalc frontier`` as data: the frontier document (``frontier -f json``).

Every point is the machine with ``memory.online`` set, validated like a config file and
evaluated with the same ``max_standby`` that ``check`` reports.  Pure: no printing, no
exiting; :mod:`memmapcalc.render.frontier_text`, ``frontier_csv`` and ``frontier_plot``
write it.
"""

from __future__ import annotations

from typing import Any

#: Frontier documents have their own schema version (the check contract is separate).
SCHEMA_VERSION = 1


def frontier_document(base: dict[str, Any], source: str, name: str,
                      sizes: list[int]) -> dict[str, Any]:
    """The frontier document: behaviours, and per online size the largest standby that
    IPLs for each (``None`` where none does or the behaviour does not apply)."""
    from memmapcalc.about import __version__
    from memmapcalc.arch.registry import has_standby_behaviours
    from memmapcalc.config.load import deep_merge, machine_from_mapping
    from memmapcalc.config.resolve import resolve
    from memmapcalc.errors import InputError
    from memmapcalc.model.plan.frontier import frontier_point
    from memmapcalc.model.plan.variants import variants
    from memmapcalc.units import format_size

    def machine_at(size: int) -> Any:
        try:
            return machine_from_mapping(deep_merge(base, {"memory": {"online": size}}),
                                        source, name)
        except InputError as error:  # name the online size when the error is about memory
            about_memory = (error.location or "").startswith("memory")
            message = (f"at online {format_size(size)}: {error.message}" if about_memory
                       else error.message)
            raise InputError(error.source, message, error.location) from None

    # The ends of the range first: a size the config cannot have (above the architecture's
    # physical memory, below one section) is refused before any point is computed.
    for end in (sizes[0], sizes[-1]) if sizes else ():
        try:
            machine_at(end)
        except InputError:
            for size in sizes:  # name the first size refused, as the run would have
                machine_at(size)
            raise
    points: list[dict[str, Any]] = []
    behaviours: list[dict[str, Any]] = []
    for size in sizes:
        machine = machine_at(size)
        if not has_standby_behaviours(machine.arch):
            raise InputError(source, f"frontier models the s390x standby behaviours; "
                             f"for {machine.arch} use check", "arch")
        p = resolve(machine)
        if not behaviours:
            behaviours = [{"key": variant.key, "title": variant.spec.title,
                           "mainline": variant.spec.mainline,
                           "kernel": None if variant.params is None else variant.kernel,
                           "yours": variant.yours, "applicable": variant.params is not None,
                           "effective": variant.effective, "why": variant.why,
                           "config_edits": dict(variant.edits)} for variant in variants(p)]
        point = frontier_point(p)
        points.append({
            "online": size,
            "max_standby": {key: None if limit is None else limit.max_standby
                            for key, limit in point.limits.items()},
            "capped": {key: limit is not None and limit.capped
                       for key, limit in point.limits.items()},
        })
    return {"schema_version": SCHEMA_VERSION,
            "tool": {"name": "memmapcalc", "version": __version__},
            "machine": {"name": name, "path": source, "standby": base["memory"].get("standby", 0)},
            "behaviours": behaviours, "points": points}
