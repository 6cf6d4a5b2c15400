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

from rich.console import Console
from rich.table import Table
from rich.text import Text

from memmapcalc.render import RenderOptions
from memmapcalc.render.findings import headline, words
from memmapcalc.render.safe import markup, terminal
from memmapcalc.units import human_size

_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red", "error": "bold magenta"}
_LABELS = {
    "kernel_image": "kernel image",
    "initramfs": "initramfs",
    "crashkernel": "crashkernel",
    "online_memmap": "memmap of online memory",
    "standby_memmap": "memmap of standby memory",
    "page_tables": "page tables",
    "metadata": "sections, block devices",
    "min_free": "watermark reserves",
    "userspace": "user space",
}
FILE_WIDTH = 100


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=options.color, no_color=not options.color,
                      width=options.width or FILE_WIDTH, highlight=False, soft_wrap=False,
                      legacy_windows=False)
    for result in results:
        if options.quiet and result["verdict"] in ("pass", "warn"):
            continue
        _machine(console, result, options)
    return buffer.getvalue()


def _machine(console: Console, r: dict[str, Any], options: RenderOptions) -> None:
    verdict = r["verdict"]
    head = Text()
    head.append(f"{verdict.upper():5}", style=_STYLE[verdict])
    head.append(f"  {terminal(r['name'])}", style="bold")
    head.append(f"  {terminal(r['path'])}", style="dim")
    console.print(head)
    if verdict == "error":
        console.print(Text(f"       {terminal(r['error'])}"), soft_wrap=True)
        console.print()
        return
    console.print(Text(f"       {terminal(_summary_line(r))}"), soft_wrap=True)
    console.print(Text(f"       {terminal(_kernel_line(r))}"), soft_wrap=True)
    console.print(_budget_table(r), new_line_start=True)
    if options.color:  # a terminal (or forced colour): the budget as a picture too
        from memmapcalc.render.bar import budget_bar

        console.print(budget_bar(r), soft_wrap=True)
    console.print(Text(f"       {terminal(_limits_line(r))}"), soft_wrap=True)
    for tip in r["advice"]:
        console.print(f"       [bold]fix:[/bold] {markup(tip)}", soft_wrap=True)
    for note in r["notes"]:
        console.print(f"       [dim]note: {markup(note)}[/dim]", soft_wrap=True)
    if options.explain and "explain" in r:
        _explain(console, r["explain"])
    console.print()


def _summary_line(r: dict[str, Any]) -> str:
    return headline(r)


def _kernel_line(r: dict[str, Any]) -> str:
    kernel = r["kernel"]
    version = kernel["version"] or "not given (oldest behaviour assumed)"
    if r.get("arch", "s390x") != "s390x":
        mom = "yes" if r["memmap_on_memory"] else "no"
        return (f"{r['arch']}, kernel {version}; {r['standby_blocks']} hot-pluggable blocks of "
                f"{human_size(r['block_size'])} present at boot, memmap "
                f"{human_size(r['memmap_per_block'])} per block, memmap on memory: {mom}")
    standby = ("standby added at IPL" if kernel["standby"] == "boot-add" else
               "standby configured after IPL")
    mom = "yes" if r["memmap_on_memory"] else "no"
    return (f"kernel {version}, {standby}; {r['standby_blocks']} standby blocks of "
            f"{human_size(r['block_size'])}, memmap {human_size(r['memmap_per_block'])} per "
            f"block, memmap on memory: {mom}")


def _budget_table(r: dict[str, Any]) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    w = words(r)
    table.add_column(f"       {w['header']}", no_wrap=True)
    table.add_column("bytes", justify="right", no_wrap=True)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column(f"of {w['online']}", justify="right", no_wrap=True)
    online = r["online"]
    for key, value in r["charged_at_ipl"].items():
        label = w.get(key, _LABELS.get(key, key))
        table.add_row(Text(f"       {terminal(label)}"), str(value), human_size(value),
                      _percent(value, online))
    table.add_row("       [bold]required[/bold]", str(r["required"]), human_size(r["required"]),
                  _percent(r["required"], online))
    style = "red" if r["margin"] < 0 else "green"
    table.add_row("       [bold]margin[/bold]", f"[{style}]{r['margin']}[/{style}]",
                  f"[{style}]{human_size(r['margin'])}[/{style}]", _percent(r["margin"], online))
    return table


def _percent(value: int, whole: int) -> str:
    tenths = value * 1000 // whole if whole else 0
    sign = "-" if tenths < 0 else ""
    whole_part, frac = divmod(abs(tenths), 10)
    return f"{sign}{whole_part}.{frac} %"


def _limits_line(r: dict[str, Any]) -> str:
    w = words(r)
    standby = (f"none (fails even without {w['standby']})" if r["max_standby"] is None else
               human_size(r["max_standby"]) + (" (limit, see note)" if r["max_standby_capped"]
                                               else ""))
    online = "none" if r["min_online"] is None else human_size(r["min_online"])
    return f"max {w['standby']} {standby}; min {w['online']} {online}"


def _explain(console: Console, explain: dict[str, dict[str, dict[str, Any]]]) -> None:
    for group, items in explain.items():
        console.print(f"       [bold]{markup(group.replace('_', ' '))}[/bold]")
        for key, item in items.items():
            console.print(Text(f"         {key} = {terminal(item['value'])}"))
            console.print(Text(f"           {terminal(item['formula'])}"), soft_wrap=True)
            console.print(f"           [dim]{markup(item['source'])} — kernels "
                          f"{markup(item['versions'])}[/dim]", soft_wrap=True)
