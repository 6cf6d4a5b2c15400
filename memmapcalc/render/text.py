"""``--format text``: a verdict, the online-memory budget table and the advice, per machine.
On a terminal (colour on) the budget is also drawn as a stacked bar (:mod:`.bar`).
What a config or its file name controls (name, path, error, advice and notes that quote
it) is never read as rich markup and has its control characters made visible
(:mod:`.safe`).

The only module that imports rich.  Output written to a file or pipe has a fixed width
so it does not depend on the terminal it was produced on.
"""

from __future__ import annotations

import io
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.text import Span, Text

from memmapcalc.arch.registry import vocabulary
from memmapcalc.records.budget import SHOWN_IF_CHARGED
from memmapcalc.render import RenderOptions
from memmapcalc.render.findings import (
    after_ipl_line,
    command_lines,
    has_standby,
    headline,
    kernel_shown,
    platform_shown,
    words,
)
from memmapcalc.render.safe import terminal
from memmapcalc.units import human_size, human_size_at_least

_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red", "error": "bold magenta"}
_LABELS = {
    "kernel_image": "kernel image",
    "initramfs": "initramfs",
    "crashkernel": "crashkernel",
    "cma": "CMA area (z/VM vmcp)",
    "online_memmap": "memmap of online memory",
    "standby_memmap": "memmap of standby memory",
    "page_tables": "page tables",
    "metadata": "sections, block devices",
    "min_free": "watermark reserves",
    "userspace": "user space",
}
FILE_WIDTH = 100


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    lines = [line for result in results
             if not (options.quiet and result["verdict"] in ("pass", "warn"))
             for line in _machine(result, options)]
    if not options.color:  # a file or pipe: the text itself, no terminal to render for
        return "".join(line.plain + "\n" for line in lines)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=options.width or FILE_WIDTH,
                      highlight=False, soft_wrap=True, emoji=False, markup=False,
                      legacy_windows=False)
    for line in lines:
        console.print(line)
    return buffer.getvalue()


def _machine(r: dict[str, Any], options: RenderOptions) -> list[Text]:
    """The lines of one machine's report, styled.  Lines are never wrapped (a line per
    fact stays grep-able), and the table is laid out here: rich's Table measured and
    rendered each machine's table cell by cell, 40 times the cost of the rest."""
    verdict = r["verdict"]
    head = Text()
    head.append(f"{verdict.upper():5}", style=_STYLE[verdict])
    head.append(f"  {terminal(r['name'])}", style="bold")
    head.append(f"  {terminal(r['path'])}", style="dim")
    lines = [head]
    if verdict == "error":
        return [*lines, Text(f"       {terminal(r['error'])}"), Text()]
    lines += [Text(f"       {terminal(_summary_line(r))}"), *_after_ipl_lines(r),
              Text(f"       {terminal(_kernel_line(r))}"), Text(), *_budget_table(r)]
    if options.color:  # a terminal (or forced colour): the budget as a picture too
        from memmapcalc.render.bar import budget_bar

        lines.extend(budget_bar(r).split("\n"))
    lines.append(Text(f"       {terminal(_limits_line(r))}"))
    commands = {entry["advice"]: entry["commands"] for entry in r.get("fixes") or ()}
    for tip in r["advice"]:
        lines.append(Text.assemble("       ", ("fix:", "bold"), f" {terminal(tip)}"))
        lines.extend(Text(f"            {terminal(line)}", style="dim")
                     for line in command_lines(commands.get(tip, ())))
    for note in r["notes"]:
        lines.append(Text(f"       note: {terminal(note)}", style="dim"))
    if options.explain and "explain" in r:
        lines.extend(_explain(r["explain"]))
    lines.append(Text())
    return lines


def _summary_line(r: dict[str, Any]) -> str:
    return headline(r)


def _after_ipl_lines(r: dict[str, Any]) -> list[Text]:
    """What after IPL gives (issue 14), under the IPL line; yellow when not all is usable."""
    line = after_ipl_line(r)
    if line is None:
        return []
    after = r["after_ipl"]
    short = after["usable_blocks"] is not None and after["usable_blocks"] < after["standby_blocks"]
    return [Text(f"       {terminal(line)}", style="yellow" if short else "")]


def _kernel_line(r: dict[str, Any]) -> str:
    kernel = r["kernel"]
    report = vocabulary(r.get("arch"))
    return report.kernel_line.format(
        platform=platform_shown(r.get("platform")), arch=r.get("arch"),
        version=kernel_shown(kernel),
        standby=report.standby_state(kernel.get("standby")), blocks=r["standby_blocks"],
        block_size=human_size(r["block_size"]),
        memmap_per_block=human_size(r["memmap_per_block"]),
        mom="yes" if r["memmap_on_memory"] else "no")


def _budget_table(r: dict[str, Any]) -> list[Text]:
    """Label, bytes, size and share of online memory: the label column left-aligned, the
    others right-aligned, two spaces apart."""
    w = words(r)
    online = r["online"]
    rows: list[list[tuple[str, str | None]]] = [
        [(f"       {w['header']}", "bold"), ("bytes", "bold"), ("size", "bold"),
         (f"of {w['online']}", "bold")]]
    for key, value in r["charged_at_ipl"].items():
        if key in SHOWN_IF_CHARGED and not value:
            continue
        label = w.get(key, _LABELS.get(key, key))
        rows.append([(f"       {terminal(label)}", None), (str(value), None),
                     (human_size(value), None), (_percent(value, online), None)])
    rows.append([("       required", "bold"), (str(r["required"]), None),
                 (human_size(r["required"]), None), (_percent(r["required"], online), None)])
    style = "red" if r["margin"] < 0 else "green"
    rows.append([("       margin", "bold"), (str(r["margin"]), style),
                 (human_size(r["margin"]), style), (_percent(r["margin"], online), None)])
    widths = [max(cell_len(text) for text, _ in column) for column in zip(*rows, strict=True)]
    lines = []
    for row in rows:  # the plain line and its styled spans, built at once (fast)
        parts: list[str] = []
        spans: list[Span] = []
        offset = 0
        for index, ((text, cell_style), width) in enumerate(zip(row, widths, strict=True)):
            pad = " " * (width - cell_len(text))
            lead, tail = ("  " + pad, "") if index else ("", pad)
            start = offset + len(lead)
            if cell_style:
                spans.append(Span(start, start + len(text), cell_style))
            parts.append(lead + text + tail)
            offset = start + len(text) + len(tail)
        lines.append(Text("".join(parts), spans=spans))
    return lines


def _percent(value: int, whole: int) -> str:
    tenths = value * 1000 // whole if whole else 0
    sign = "-" if tenths < 0 else ""
    whole_part, frac = divmod(abs(tenths), 10)
    return f"{sign}{whole_part}.{frac} %"


def _limits_line(r: dict[str, Any]) -> str:
    w = words(r)
    if not has_standby(r.get("platform")):  # a KVM guest: no standby to bound (see note)
        standby = "none (no standby memory on this platform)"
    elif r["max_standby"] is None:
        standby = f"none (fails even without {w['standby']})"
    else:
        standby = (
            human_size(r["max_standby"]) + (" (limit, see note)" if r["max_standby_capped"]
                                            else ""))
    online = "none" if r["min_online"] is None else human_size_at_least(r["min_online"])
    return f"max {w['standby']} {standby}; min {w['online']} {online}"


def _explain(explain: dict[str, dict[str, dict[str, Any]]]) -> list[Text]:
    lines = []
    for group, items in explain.items():
        lines.append(Text(f"       {terminal(group.replace('_', ' '))}", style="bold"))
        for key, item in items.items():
            lines.append(Text(f"         {key} = {terminal(item['value'])}"))
            lines.append(Text(f"           {terminal(item['formula'])}"))
            lines.append(Text(f"           {terminal(item['source'])} — kernels "
                              f"{terminal(item['versions'])}", style="dim"))
    return lines
