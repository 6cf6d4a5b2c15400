"""``--explain``: every number of an evaluation with its formula, source and versions.

Nothing here computes: it collects the :class:`~memmapcalc.explained.Explained`
records that the model built while computing each value, so an explanation can never
disagree with the number it explains.
"""

from __future__ import annotations

from typing import Any

from memmapcalc.explained import Explained
from memmapcalc.model.evaluate import Evaluation
from memmapcalc.records.budget import CHARGED_ITEMS


def explained_items(evaluation: Evaluation) -> dict[str, dict[str, Explained[Any]]]:
    """The records by group: derived values, charged items, page-table parts, limits."""
    b = evaluation.budget
    base, raised, thp = b.min_free_parts
    derived: dict[str, Explained[Any]] = {
        "section_size": b.section_size,
        "block_size": b.block_size,
        "standby_blocks": b.standby_blocks,
        "memmap_per_block": b.memmap_per_block,
        "memmap_on_memory": b.memmap_on_memory.used,
        "min_free_kbytes": base,
        "thp_khugepaged": thp,
    }
    if raised is not None:
        derived["khugepaged_min_free_kbytes"] = raised
    if b.lowmem_reserve is not None:
        derived["dma_lowmem_reserve"] = b.lowmem_reserve
    if b.section_usage is not None:
        derived["section_usage"] = b.section_usage
    limits: dict[str, Explained[Any]] = {}
    if evaluation.max_standby is not None:
        limits["max_standby"] = evaluation.max_standby
    if evaluation.min_online is not None:
        limits["min_online"] = evaluation.min_online
    groups = {
        "derived": derived,
        "charged_at_ipl": {key: b.charged[key] for key in CHARGED_ITEMS},
        "page_tables": dict(b.page_table_parts),
    }
    if b.metadata_parts:  # s390x: the parts of charged_at_ipl.metadata
        groups["metadata"] = dict(b.metadata_parts)
    groups["limits"] = limits
    return groups


def explanation(evaluation: Evaluation) -> dict[str, dict[str, dict[str, Any]]]:
    """The ``explain`` object of the JSON contract."""
    return {group: {key: item.to_dict() for key, item in items.items()}
            for group, items in explained_items(evaluation).items()}
