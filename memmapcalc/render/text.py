"""``--format text``: a verdict, the online-memory budget table and the advice, per machine.
On a terminal (colour on) the budget is also drawn as a stacked bar (:mod:`.bar`).
What a config or its file name controls (name, path, error, advice and notes that quote
it) is never read as rich markup and has its control characters made visible
(:mod:`.safe`).

Output written to a file or pipe is one line per fact, never wrapped, so it does not
depend on the terminal it was produced on; on a terminal the finished lines are wrapped
to its width (:mod:`.fit`) and the budget table drops columns it has no room for.
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
from memmapcalc.render.fit import fit
from memmapcalc.render.safe import terminal
from memmapcalc.units import human_size, human_size_at_least, human_size_at_most, percent

_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red", "error": "bold magenta"}
_LABELS = {
    "kernel_image": "kernel image",
    "initramfs": "initramfs",
    "crashkernel": "crashkernel",
    "cma": "CMA area (z/VM vmcp)",
    "online_memmap": "memmap of online memory",
    "standby_memmap": "memmap of standby memory",
    "page_tables": "page tables",
    # struct mem_section / mem_section_usage and struct memory_block: not "block devices",
    # which on IBM Z are DASD and FCP disks
    "metadata": "memory sections and blocks",
    "min_free": "watermark reserves",
    "userspace": "user space",
}
FILE_WIDTH = 100


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    lines = [line for result in results
             if not (options.quiet and result["verdict"] in ("pass", "warn"))
             for line in _machine(result, options)]
    lines = fit(lines, options.width)  # a terminal: every line within its width
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
              Text(f"       {terminal(_kernel_line(r))}"), Text(),
              *_budget_table(r, options.width)]
    if options.color:  # a terminal (or forced colour): the budget as a picture too
        from memmapcalc.render.bar import budget_bar

        lines.extend(budget_bar(r, line_width=options.width).split("\n"))
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
        mom="yes" if r["memmap_on_memory"] else "no")  # words.py: "memmap-on-memory: {mom}"


def _budget_table(r: dict[str, Any], width: int | None = None) -> list[Text]:
    """Label, bytes, size and share of online memory: the label column left-aligned, the
    others right-aligned, two spaces apart.  Narrower than the table (``width``, a
    terminal's), the heading goes on a line of its own and the share column is left out;
    narrower still, each item's numbers (all three) go on the line below its label."""
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
                     (human_size(value), None), (percent(value, online), None)])
    rows.append([("       required", "bold"), (str(r["required"]), None),
                 (human_size(r["required"]), None), (percent(r["required"], online), None)])
    style = "red" if r["margin"] < 0 else "green"
    rows.append([("       margin", "bold"), (str(r["margin"]), style),
                 (human_size_at_most(r["margin"]), style),
                 (percent(r["margin"], online, "floor"), None)])
    return _layout(rows, width)


Row = list[tuple[str, "str | None"]]


def _layout(rows: list[Row], width: int | None) -> list[Text]:
    """The first layout of :func:`_budget_table` that fits ``width``."""
    if width is None or _table_width(rows) <= width:
        return _aligned(rows)
    (label, style), *heads = rows[0]
    heading = [Text(label, style=style or "")]
    body = [[("", None), *heads], *rows[1:]]
    narrowed = [row[:3] for row in body]  # without the share (size / online memory)
    if _table_width(narrowed) <= width:
        return heading + _aligned(narrowed)
    heads = [*body[0][1:3], ("share", "bold")]  # "of boot memory" is wider than any share
    stacked = _aligned([[("     ", None), *row[1:]] for row in [[("", None), *heads],
                                                                    *body[1:]]])
    lines = heading + stacked[:1]
    for row, numbers in zip(body[1:], stacked[1:], strict=True):
        lines += [Text(row[0][0], style=row[0][1] or ""), numbers]
    return lines


def _table_width(rows: list[Row]) -> int:
    widths = [max(cell_len(text) for text, _ in column) for column in zip(*rows, strict=True)]
    return sum(widths) + 2 * (len(widths) - 1)


def _aligned(rows: list[Row]) -> list[Text]:
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


def _limits_line(r: dict[str, Any]) -> str:
    w = words(r)
    if not has_standby(r.get("platform")):  # a KVM guest: no standby to bound (see note)
        standby = "none (no standby memory on this platform)"
    elif r["max_standby"] is None:
        standby = f"none (fails even without {w['standby']})"
    else:
        standby = (
            human_size_at_most(r["max_standby"])
            + (" (limit, see note)" if r["max_standby_capped"] else ""))
    online = "none" if r["min_online"] is None else human_size_at_least(r["min_online"])
    return f"max {w['standby']} {standby}; min {w['online']} {online}"


#: The ``explain`` groups in words (the JSON keys stay).
_GROUPS = {"derived": "derived values", "charged_at_ipl": "charged at IPL",
           "page_tables": "page tables", "limits": "limits"}


def _explain(explain: dict[str, dict[str, dict[str, Any]]]) -> list[Text]:
    lines = []
    for group, items in explain.items():
        title = _GROUPS.get(group, group.replace("_", " "))
        lines.append(Text(f"       {terminal(title)}", style="bold"))
        for key, item in items.items():
            lines.append(Text(f"         {key} = {terminal(_value(item['value']))}"))
            lines.append(Text(f"           {terminal(item['formula'])}"))
            lines.append(Text(f"           {terminal(item['source'])} — "
                              f"{terminal(_versions(item['versions']))}", style="dim"))
    return lines


def _value(value: object) -> object:
    """An explained value as an admin reads it: a yes/no, not Python's True/False."""
    return ("yes" if value else "no") if isinstance(value, bool) else value


def _versions(versions: str) -> str:
    """``all`` -> ``all kernels``; ``5.13 on`` / ``before 6.9`` / ``≤ 6.18 (boot-add)`` ->
    ``kernels 5.13 on`` ...; a condition that is not a version range: ``when …``."""
    if versions == "all":
        return "all kernels"
    if versions[:1].isdigit() or versions.startswith(("≤", "≥", "<", ">", "before", "since")):
        return f"kernels {versions}"
    return f"when {versions}"
