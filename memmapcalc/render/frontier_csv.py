"""``memmapcalc frontier -f csv``: the frontier document in long form."""

from __future__ import annotations

import io
from typing import Any


def to_csv(document: dict[str, Any]) -> str:
    """Long form, one row per online size and applicable behaviour: ``online,behaviour,
    kernel,max_standby,capped`` (bytes; max_standby empty where nothing IPLs)."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["online", "behaviour", "kernel", "max_standby", "capped"])
    kernels = {b["key"]: b["kernel"] or "" for b in document["behaviours"]}
    applicable = [b["key"] for b in document["behaviours"] if b["applicable"]]
    for point in document["points"]:
        for key in applicable:
            value = point["max_standby"][key]
            writer.writerow([point["online"], key, kernels[key], "" if value is None else value,
                             str(point["capped"][key]).lower()])
    return buffer.getvalue()
