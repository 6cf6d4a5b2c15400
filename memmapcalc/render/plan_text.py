"""``memmapcalc plan`` as text: per machine the kernel behaviours side by side, the
verified changes, and how standby memory comes into use after IPL (rich).  A file or pipe
gets the table at its natural width and lines unwrapped; a terminal gets lines wrapped to
its width and the table in as many parts as fit (:mod:`memmapcalc.render.fit`).

Every string a user controls goes through :mod:`memmapcalc.render.safe`.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from memmapcalc.render.findings import command_lines, kernel_shown
from memmapcalc.render.safe import markup

if TYPE_CHECKING:
    from rich.console import Console

    from memmapcalc.model.after_ipl.bringup import AfterIpl, Bringup
    from memmapcalc.model.plan.plan import Change, Column, Plan

_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red", "error": "bold magenta"}
_HEADS = {"boot-add": "no mom", "boot-add-mom-off": "mom=0", "boot-add-mom-on": "mom=1",
          "boot-add-mom-force": "mom=force", "deferred": "deferred"}
#: rich's line width: wide enough that a table is never cropped (files and pipes get it at
#: its natural width, lines unwrapped; a terminal gets its own width, render/fit.py).
WIDTH = 1000


def render(entries: list[tuple[dict[str, Any], Plan | None]], colored: bool,
           width: int | None = None) -> str:
    """The plan text of every ``(entry, plan)`` of :func:`memmapcalc.api.plan.plan_one`,
    wrapped to ``width`` (a terminal's; None: a file or pipe)."""
    from rich.console import Console

    from memmapcalc.render.fit import Fitted

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=colored, no_color=not colored,
                      width=WIDTH,
                      highlight=False, soft_wrap=False, emoji=False, legacy_windows=False)
    fitted = Fitted(console, width)
    for entry, planned in entries:
        _machine(fitted, entry, planned)  # type: ignore[arg-type]
    return buffer.getvalue()


def _machine(console: Console, entry: dict[str, Any], planned: Plan | None) -> None:
    from rich.text import Text

    from memmapcalc.render.safe import terminal

    head = Text()
    head.append(f"{entry['verdict'].upper():5}", style=_STYLE[entry["verdict"]])
    head.append(f"  {terminal(entry['name'])}", style="bold")
    head.append(f"  {terminal(entry['path'])}", style="dim")
    console.print(head)
    if planned is None:
        if entry["error"] is not None:
            console.print(Text(f"       {terminal(entry['error'])}"), soft_wrap=True)
        else:
            console.print(f"       [dim]note: {markup(entry['note'])}[/dim]", soft_wrap=True)
            for tip in entry["advice"]:
                console.print(f"       [bold]fix:[/bold] {markup(tip)}", soft_wrap=True)
        console.print()
        return
    console.print(f"       as configured: {markup(_configured(planned))}", soft_wrap=True)
    from memmapcalc.render.fit import column_groups

    width = getattr(console, "width", None)
    real = getattr(console, "console", console)
    for table in column_groups(lambda shown, indent: _behaviour_table(planned, shown, indent),
                               len(planned.columns), real, width):
        console.print(table, new_line_start=True)
    _changes(console, planned, entry)
    _after(console, planned.after_ipl)
    from memmapcalc.render.plan_release import give_back, summary

    summary(console, entry)
    give_back(console, planned)
    for note in planned.evaluation.notes:
        console.print(f"       [dim]note: {markup(note)}[/dim]", soft_wrap=True)
    console.print()


def _configured(planned: Plan) -> str:
    from memmapcalc.config.model import StandbyHandling
    from memmapcalc.units import human_size_at_least, human_size_at_most

    p, b = planned.params, planned.evaluation.budget
    identity = p.kernel_identity  # the release as written, with its distribution
    kernel = "oldest behaviour (no version)" if p.version is None else kernel_shown(
        {"version": str(p.version), "release": identity and identity.release.release,
         "distribution": identity and identity.distribution})
    standby = ("standby added at IPL" if p.standby_handling is StandbyHandling.BOOT_ADD else
               "standby configured after IPL")
    state = (f"IPLs with {human_size_at_most(b.margin)} left" if planned.evaluation.ipl else
             f"cannot IPL, short by {human_size_at_least(-b.margin)}" if b.margin < 0 else
             f"IPLs with {human_size_at_most(b.margin)} left, below boot.min_margin")
    return (f"kernel {kernel}, {standby}, memory_hotplug.memmap_on_memory="
            f"{p.memmap_on_memory.cmdline_value}: {state}")


def _behaviour_table(planned: Plan, shown: list[int] | None = None, indent: int = 7) -> Any:
    """The behaviours side by side: the columns ``shown`` (all by default), their labels
    indented by ``indent``."""
    from rich.table import Table

    pad = " " * indent
    columns = [planned.columns[index] for index in shown] if shown is not None else \
        planned.columns
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    table.add_column(f"{pad}standby at IPL", no_wrap=True)
    for column in columns:
        variant = column.variant
        head = f"{variant.spec.mainline}\n{_HEADS[variant.key]}"
        table.add_column(head + ("\n(yours)" if variant.yours else ""), justify="right",
                         no_wrap=True, style="bold" if variant.yours else None)
    rows: list[tuple[str, list[str]]] = [
        ("kernel evaluated", [_kernel_cell(c) for c in columns]),
        ("standby memmap at IPL", [_cell(c, _memmap_at_ipl) for c in columns]),
        ("verdict", [_cell(c, _verdict) for c in columns]),
        ("margin", [_cell(c, _margin) for c in columns]),
        ("max standby", [_cell(c, _max_standby) for c in columns]),
        ("min online", [_cell(c, _min_online) for c in columns]),
        ("standby blocks", [_cell(c, _blocks) for c in columns]),
        ("in use after IPL¹", [_cell(c, _blocks_after) for c in columns]),
        ("usable after IPL¹", [_cell(c, _usable_after) for c in columns]),
    ]
    for label, cells in rows:
        table.add_row(f"{pad}{label}", *cells)
    return table


def _kernel_cell(column: Column) -> str:
    variant = column.variant
    if variant.params is None:
        return "n/a"
    return markup(variant.kernel) + ("" if variant.effective else " ²")


def _cell(column: Column, render: Any) -> str:
    if column.evaluation is None:
        return "—"
    return str(render(column))


def _short(nbytes: int, limit: str = "") -> str:
    """Table size, as every report shows sizes: ``3.94 GiB``, ``-412.23 MiB``; a limit
    (``limit`` ``min``: a lower limit or ``max``: an upper one, or what is left) rounded
    towards safety, so that the size shown never fails."""
    from memmapcalc.units import human_size, human_size_at_least, human_size_at_most

    show = {"min": human_size_at_least, "max": human_size_at_most}.get(limit, human_size)
    return show(nbytes)


def _memmap_at_ipl(column: Column) -> str:
    assert column.evaluation is not None
    return _short(column.evaluation.budget.charged["standby_memmap"].value)


def _verdict(column: Column) -> str:
    assert column.evaluation is not None
    outcome = column.evaluation.verdict
    return f"[{_STYLE[outcome]}]{outcome.upper()}[/]"


def _margin(column: Column) -> str:
    assert column.evaluation is not None
    return _short(column.evaluation.budget.margin, "max")


def _max_standby(column: Column) -> str:
    evaluation = column.evaluation
    assert evaluation is not None
    if evaluation.max_standby is None:
        return "none"
    if evaluation.max_standby_capped:
        return "64 TiB cap"
    return _short(evaluation.max_standby.value, "max")


def _min_online(column: Column) -> str:
    assert column.evaluation is not None
    limit = column.evaluation.min_online
    return "none" if limit is None else _short(limit.value, "min")


def _ways(column: Column) -> list[Bringup]:
    """The ways this behaviour brings standby into use: boot-add kernels decided at IPL
    (the column's own setting); ≥ 6.19 can do either, per block."""
    from memmapcalc.config.model import MemmapMode, StandbyHandling

    after = column.after
    assert after is not None and column.variant.params is not None
    if after.era is StandbyHandling.DEFERRED:
        return [after.without, after.with_memmap_on_memory]
    mode = column.variant.params.memmap_on_memory
    uses = mode is not MemmapMode.OFF and after.with_memmap_on_memory.available
    return [after.with_memmap_on_memory if uses else after.without]


def _blocks(column: Column) -> str:
    assert column.evaluation is not None
    return str(column.evaluation.budget.standby_blocks.value)


def _blocks_after(column: Column) -> str:
    return " / ".join(str(way.blocks) if way.available else "—" for way in _ways(column))


def _usable_after(column: Column) -> str:
    return " / ".join("—" if way.total_usable is None else _short(way.total_usable, "max")
                      for way in _ways(column))


def _changes(console: Console, planned: Plan, entry: dict[str, Any]) -> None:
    # A footnote only where a cell refers to it: ¹ is on two rows, ² only on a kernel
    # whose setting falls back.
    falls_back = any(c.variant.params is not None and not c.variant.effective
                     for c in planned.columns)
    console.print("       [dim]mom: memmap-on-memory (memory_hotplug.memmap_on_memory=0, 1 or "
                  "force)[/dim]", soft_wrap=True)
    console.print("       [dim]¹ after IPL: ≥ 6.19 without / with memmap-on-memory per block, "
                  f"blocks onlined to {planned.after_ipl.zone.label}[/dim]", soft_wrap=True)
    if falls_back:
        console.print("       [dim]² the setting has no effect here and falls back[/dim]",
                      soft_wrap=True)
    for column in planned.columns:
        variant = column.variant
        if variant.params is None or not variant.effective:
            console.print(f"       [dim]{variant.spec.mainline} {_HEADS[variant.key]}: "
                          f"{markup(variant.why)}[/dim]", soft_wrap=True)
    if planned.changes:
        console.print("       changes that make it IPL, each verified by re-running the model "
                      "(cheapest first):")
        for index, change in enumerate(planned.changes, 1):
            lead = "[bold]cheapest:[/bold] " if index == 1 else ""
            console.print(f"       {index}. {lead}{markup(_change_line(change))}", soft_wrap=True)
            for line in command_lines(entry["changes"][index - 1]["commands"]):  # admin's words
                console.print(f"            [dim]{markup(line)}[/dim]", soft_wrap=True)
    elif not planned.evaluation.ipl:
        console.print("       no single change of online memory, standby memory, kernel parameter "
                      "or kernel makes this machine IPL: check kernel.image, kernel.initramfs, "
                      "kernel.crashkernel and boot.userspace", soft_wrap=True)
    else:
        console.print("       limits, each verified by re-running the model:")
        for change in planned.limits:
            console.print(f"       - {markup(_change_line(change))}", soft_wrap=True)


def _change_line(change: Change) -> str:
    from memmapcalc.units import human_size_at_least, human_size_at_most

    check = (f"{change.verdict.upper()} with {human_size_at_most(change.margin)} left"
             if change.margin >= 0 else
             f"{change.verdict.upper()}, short by {human_size_at_least(-change.margin)}")
    return f"{change.text} — {check}; {change.evidence}"


def _after(console: Console, after: AfterIpl) -> None:
    from memmapcalc.config.model import StandbyHandling
    from memmapcalc.units import human_size, human_size_at_most

    console.print(f"       after IPL, as configured ({after.standby_blocks} standby blocks of "
                  f"{human_size(after.block_size)}, onlined to {after.zone.label}):",
                  soft_wrap=True)
    for way in after.ways:
        name = ("without memmap-on-memory" if way is after.without else
                "with memmap-on-memory")
        if not way.available:
            console.print(f"         {name}: {markup(way.why)}", soft_wrap=True)
            continue
        if not way.ipl:
            console.print(f"         {name}: does not IPL, nothing to bring into use",
                          soft_wrap=True)
            continue
        memmap = (f"its {human_size(way.memmap_in_block)} memmap stays in the block"
                  + (f" ({human_size(way.wasted_per_block)} of it wasted by force)"
                     if way.wasted_per_block else "")
                  if way.memmap_on_memory else
                  f"its {human_size(way.memmap_per_block)} memmap comes from "
                  + ("online memory at IPL" if after.era is StandbyHandling.BOOT_ADD else
                     "kernel memory when it is configured"))
        cost = ("" if after.era is StandbyHandling.BOOT_ADD else
                f", configuring the first costs {human_size(way.first_block_cost)} of kernel "
                f"memory")
        usable = "—" if way.total_usable is None else human_size_at_most(way.total_usable)
        console.print(f"         {name}: each block adds {human_size(way.usable_per_block)}, "
                      f"{memmap}{cost}; {way.blocks} of {after.standby_blocks} blocks can be "
                      f"brought into use ({way.limit}); usable memory then {usable}",
                      soft_wrap=True)
        if way.memmap_on_memory and after.era is StandbyHandling.DEFERRED:
            console.print(f"           {markup(way.why)}", soft_wrap=True)
    for note in after.notes:
        console.print(f"         [dim]{markup(note)}[/dim]", soft_wrap=True)

