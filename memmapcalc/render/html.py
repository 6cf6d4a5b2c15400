"""``--format html``: one self-contained page for a fleet — a sortable table of every
machine and, per machine, its online-memory budget as a stacked bar and its frontier as
a line chart (inline SVG, CSS and JS; nothing is fetched from the network).

Built from the JSON contract's result dicts (:mod:`memmapcalc.api.contract`); the frontier
points come from the result's ``frontier`` key, which ``check -f html`` adds
(:mod:`.frontier_sample`).  This module turns the numbers into drawing coordinates
(floats only here, for drawing); the page itself is the Jinja2 template
``templates/report.html.j2``, rendered with autoescaping on, so every user string
(names, paths, messages, SVG text) is escaped.  Jinja2 is imported only here.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from typing import Any, TextIO

from memmapcalc.errors import MemmapcalcError
from memmapcalc.records.budget import SHOWN_IF_CHARGED
from memmapcalc.render import RenderOptions
from memmapcalc.render.findings import command_lines, error_message, headline, words
from memmapcalc.render.markdown import show_controls
from memmapcalc.units import human_size

TEMPLATE = "report.html.j2"
#: Charged items in bar order, with labels and colours (Tableau 10, readable in print).
LABELS = {
    "kernel_image": "kernel image",
    "initramfs": "initramfs",
    "crashkernel": "crashkernel",
    "cma": "CMA area (z/VM vmcp)",
    "online_memmap": "memmap of online memory",
    "standby_memmap": "memmap of standby memory",
    "page_tables": "page tables",
    "metadata": "section and device metadata",
    "min_free": "watermark reserves",
    "userspace": "user space",
}
COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")
RANK = {"error": 0, "fail": 1, "warn": 2, "pass": 3}
#: Drawing sizes (SVG user units).
# Close to their width on a 1200-pixel page, so that 11-pixel SVG text stays 11 pixels.
BAR_WIDTH, BAR_HEIGHT = 640, 34
CHART_WIDTH, CHART_HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 420, 230, 62, 36, 10


class TemplateMissing(MemmapcalcError):
    """Jinja2 is not installed (it is a dependency; a stripped environment may lack it)."""


def _size(value: int | None, none: str = "none") -> str:
    return none if value is None else human_size(value)


def _percent(value: int, whole: int) -> str:
    tenths = value * 1000 // whole if whole else 0
    sign = "-" if tenths < 0 else ""
    whole_part, frac = divmod(abs(tenths), 10)
    return f"{sign}{whole_part}.{frac} %"


def _fix_text(fix: Any) -> str:
    return str(fix.get("text", fix)) if isinstance(fix, dict) else str(fix)


def cell(value: int | None, text: str | None = None) -> dict[str, Any]:
    """A numeric table cell: shown text and the exact byte value it sorts by."""
    return {"text": _size(value) if text is None else text,
            "sort": "" if value is None else str(value),
            "title": "" if value is None else f"{value:,} bytes".replace(",", " ")}


def bar(r: dict[str, Any]) -> dict[str, Any]:
    """Segments of the stacked bar: charged items side by side against online memory."""
    online, required = r["online"], r["required"]
    scale = max(online, required, 1)
    segments, x = [], 0.0
    w = words(r)
    shown = [(key, value) for key, value in r["charged_at_ipl"].items()
             if value or key not in SHOWN_IF_CHARGED]
    for index, (key, value) in enumerate(shown):
        width = value * BAR_WIDTH / scale
        segments.append({"key": key, "label": w.get(key, LABELS.get(key, key)),
                         "value": value, "size": human_size(value),
                         "share": _percent(value, online), "colour": COLOURS[index % 10],
                         "x": round(x, 2), "width": round(width, 2)})
        x += width
    return {"segments": segments, "online_x": round(online * BAR_WIDTH / scale, 2),
            "width": BAR_WIDTH, "height": BAR_HEIGHT, "short": required > online,
            "required_x": round(x, 2)}


#: Tick steps, in the largest binary unit below the axis' top (exact for units >= 1 KiB).
_STEPS = ((1, 8), (1, 4), (1, 2), (1, 1), (2, 1), (5, 2), (5, 1), (10, 1), (20, 1), (25, 1),
          (50, 1), (100, 1), (200, 1), (250, 1), (500, 1))


def ticks(top: int) -> list[int]:
    """Round axis ticks from 0 to at least ``top``, at most 6 of them: ``0, 512 GiB,
    1 TiB, 1.5 TiB, 2 TiB, 2.5 TiB`` rather than quarters of an odd number."""
    unit = 1
    while unit * 1024 <= top:
        unit *= 1024
    for numerator, denominator in _STEPS:
        step = max(1, unit * numerator // denominator)
        count = -(-top // step)  # ceiling
        if count <= 5:
            return [step * index for index in range(count + 1)]
    step = -(-top // 5)
    return [step * index for index in range(6)]


def frontier(r: dict[str, Any]) -> dict[str, Any]:
    """The frontier chart: polyline segments (broken where nothing IPLs), markers, axes."""
    data = r.get("frontier")
    if not data:
        return {"available": False, "why": "not computed for this report (check -f html draws it)"}
    if not data["available"]:
        return {"available": False, "why": data["why"]}
    points = data["points"]
    if not points:
        return {"available": False, "why": "no online size in the sampled range is valid"}
    values = [p["max_standby"] for p in points if p["max_standby"] is not None]
    yticks = ticks(max([*values, r["standby"], 1]))
    top = yticks[-1]
    low, high = points[0]["online"], max(points[-1]["online"], points[0]["online"] + 1)
    plot_w, plot_h = CHART_WIDTH - PAD_LEFT - 12, CHART_HEIGHT - PAD_BOTTOM - PAD_TOP

    def x_of(online: int) -> float:
        return round(PAD_LEFT + (online - low) * plot_w / (high - low), 2)

    def y_of(value: int) -> float:
        return round(PAD_TOP + plot_h - value * plot_h / top, 2)

    lines: list[list[tuple[float, float]]] = [[]]
    markers = []
    for p in points:
        value = p["max_standby"]
        if value is None:
            if lines[-1]:
                lines.append([])
            markers.append({"x": x_of(p["online"]), "y": y_of(0), "none": True,
                            "title": f"online {human_size(p['online'])}: nothing IPLs"})
            continue
        xy = (x_of(p["online"]), y_of(value))
        lines[-1].append(xy)
        cap = " (the s390 64 TiB limit)" if p["capped"] else ""
        markers.append({"x": xy[0], "y": xy[1], "none": False,
                        "title": f"online {human_size(p['online'])}: max standby "
                                 f"{human_size(value)}{cap} ({value} bytes)"})
    return {
        "available": True, "width": CHART_WIDTH, "height": CHART_HEIGHT,
        "left": PAD_LEFT, "right": CHART_WIDTH - 12, "top": PAD_TOP, "bottom": PAD_TOP + plot_h,
        "lines": [" ".join(f"{px},{py}" for px, py in line) for line in lines if line],
        "markers": markers,
        "yticks": [{"y": y_of(value), "label": human_size(value)} for value in yticks],
        "xticks": [{"x": x_of(p["online"]), "label": human_size(p["online"])}
                   for p in (points[0], points[len(points) // 2], points[-1])],
        "you": {"x": x_of(r["online"]), "y": y_of(r["standby"]),
                "title": f"as configured: online {human_size(r['online'])}, standby "
                         f"{human_size(r['standby'])}"},
        "capped": any(p["capped"] for p in points),
    }


def machine(index: int, r: dict[str, Any]) -> dict[str, Any]:
    """Everything the template shows about one result, as display strings."""
    # Autoescaping handles markup; control characters (invalid in HTML) are shown as \xNN.
    base = {"id": f"m{index}", "name": show_controls(r["name"]),
            "path": show_controls(r["path"]), "verdict": r["verdict"],
            "rank": RANK[r["verdict"]], "arch": show_controls(r.get("arch") or ""),
            "error": None if r.get("error") is None else show_controls(error_message(r))}
    if r["verdict"] == "error":
        return base
    kernel = show_controls(r["kernel"]["version"] or "oldest assumed")
    max_text = None if r["max_standby"] is None else (
        human_size(r["max_standby"]) + (" (cap)" if r["max_standby_capped"] else ""))
    w = words(r)
    return {**base, "headline": show_controls(headline(r)), "kernel": kernel, "words": w,
            "cells": [cell(r["online"]), cell(r["standby"]), cell(r["required"]),
                      cell(r["margin"]), cell(r["max_standby"], max_text),
                      cell(r["min_online"])],
            "margin_share": _percent(r["margin"], r["online"]),
            "blocks": f"{r['standby_blocks']} blocks of {human_size(r['block_size'])}, memmap "
                      f"{human_size(r['memmap_per_block'])} per block"
                      + (", memmap on the blocks" if r["memmap_on_memory"] else ""),
            "bar": bar(r), "frontier": frontier(r),
            "online": human_size(r["online"]), "standby": human_size(r["standby"]),
            "required": human_size(r["required"]),
            "advice": [show_controls(_fix_text(fix)) for fix in r.get("advice") or []],
            "commands": _commands(r),
            "reasons": [show_controls(reason) for reason in r.get("reasons") or []],
            "notes": [show_controls(note) for note in r.get("notes") or []]}


def _commands(r: dict[str, Any]) -> list[list[str]]:
    """Each advice's commands (``fixes``), one line each, in the order of ``advice``."""
    by_advice = {entry["advice"]: entry["commands"] for entry in r.get("fixes") or ()}
    return [[show_controls(line) for line in command_lines(by_advice.get(fix, ()))]
            for fix in r.get("advice") or []]


#: At most this many machine sections (errors, failures and warnings first); the table
#: always lists every machine.  A section is ~10 kB: 500 keep the page near 5 MB.
MAX_SECTIONS = 500
_ROW_KEYS = ("id", "name", "path", "arch", "verdict", "rank", "error", "kernel", "cells")


def page(results: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The template's data: one light row per machine, and the sections that fit, chosen
    as results stream past (so memory holds rows, not every machine's drawings)."""
    from memmapcalc.about import __version__

    counts = dict.fromkeys(("pass", "warn", "fail", "error"), 0)
    rows: list[dict[str, Any]] = []
    kept: list[tuple[int, int, dict[str, Any]]] = []  # heap: the section to drop first on top
    for index, r in enumerate(results, 1):
        counts[r["verdict"]] += 1
        view = machine(index, r)
        row = {key: view[key] for key in _ROW_KEYS if key in view}
        rows.append(row)
        heapq.heappush(kept, (-view["rank"], -index, view))
        if len(kept) > MAX_SECTIONS:
            heapq.heappop(kept)
    sections = [view for _, _, view in sorted(kept, key=lambda item: -item[1])]
    shown = {view["id"] for view in sections}
    for row in rows:
        row["linked"] = row["id"] in shown
    left_out = dict.fromkeys(counts, 0)
    for row in rows:
        if not row["linked"]:
            left_out[row["verdict"]] += 1
    return {"rows": rows, "sections": sections, "counts": counts, "total": len(rows),
            "left_out": {v: n for v, n in left_out.items() if n}, "version": __version__}


def _environment() -> Any:
    try:
        import jinja2
    except ImportError:
        raise TemplateMissing("-f html needs Jinja2, which is not installed: "
                              "pip install 'jinja2>=3.1'") from None
    return jinja2.Environment(loader=jinja2.PackageLoader("memmapcalc.render", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    return str(_environment().get_template(TEMPLATE).render(**page(results)))


def write(results: Iterable[dict[str, Any]], out: TextIO, options: RenderOptions) -> None:
    """Streamed in: results are turned into rows (and the sections kept) one by one."""
    for chunk in _environment().get_template(TEMPLATE).generate(**page(results)):
        out.write(chunk)
