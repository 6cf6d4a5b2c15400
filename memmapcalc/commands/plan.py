"""``memmapcalc plan``: one machine across the kernel's standby behaviours, the cheapest
verified change that makes it IPL, and how its standby memory comes into use after IPL.

Heavy modules (pydantic, yaml, the model, rich) are imported inside the command body.
"""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING, Any

import click

from memmapcalc.render.safe import markup

if TYPE_CHECKING:
    from rich.console import Console

    from memmapcalc.config.load import Loaded
    from memmapcalc.core.after_ipl import AfterIpl, Bringup
    from memmapcalc.core.plan import Change, Column, Plan

#: Plan documents have their own schema version (the check contract is separate).
SCHEMA_VERSION = 1
_STYLE = {"pass": "bold green", "warn": "bold yellow", "fail": "bold red", "error": "bold magenta"}
_HEADS = {"boot-add": "no mom", "boot-add-mom-off": "mom=N", "boot-add-mom-on": "mom=Y",
          "boot-add-mom-force": "mom=force", "deferred": "deferred"}
WIDTH = 100


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, readable=False))
@click.option("-c", "--config", "configs", multiple=True,
              type=click.Path(allow_dash=True, readable=False),
              help="A machine config file (repeatable); same as a positional PATH.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True, help="Report format.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="What-if: set a config key for every machine (repeatable), e.g. "
                   "--set memory.standby=512G.")
@click.option("--zone", type=click.Choice(["movable", "normal"]), default="movable",
              show_default=True,
              help="Zone standby blocks are onlined to after IPL: movable (chmem's default) "
                   "cannot hold the next block's memmap; normal (kernel memory) can.")
@click.option("-o", "--output",
              type=click.Path(dir_okay=False, allow_dash=True, readable=False),
              help="Write the report to FILE (atomically) instead of stdout.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour in text output (NO_COLOR/FORCE_COLOR honoured).")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when a machine fails as configured; input errors still exit 2.")
def plan(paths: tuple[str, ...], configs: tuple[str, ...], fmt: str, sets: tuple[str, ...],
         zone: str, output: str | None, color: str, exit_zero: bool) -> int:
    """Plan machine configs: every kernel behaviour side by side, the cheapest change that
    makes a failing machine IPL (verified by the model) and standby use after IPL.

    Exit status: 0 every machine passes or warns as configured, 1 at least one fails,
    2 any input or usage error.
    """
    from memmapcalc.config.load import iter_inputs
    from memmapcalc.core.after_ipl import Zone
    from memmapcalc.exits import EXIT_ERROR, EXIT_FAIL, EXIT_OK
    from memmapcalc.terminal import use_color

    inputs = [*configs, *paths]
    if not inputs:
        raise click.UsageError("give at least one config file or directory (or --config FILE)")
    overrides: tuple[Any, ...] = ()
    if sets:
        from memmapcalc.overrides import parse_overrides

        overrides = parse_overrides(sets)
    entries = [_plan_one(loaded, Zone(zone)) for loaded in iter_inputs(inputs, None, overrides)]
    if fmt == "json":
        text = _json_document([entry for entry, _ in entries])
    elif fmt == "markdown":
        from memmapcalc.render.markdown import render_plans

        text = render_plans(entry for entry, _ in entries)
    else:
        colored = output in (None, "-") and use_color(color, sys.stdout)
        text = _text([(entry, planned) for entry, planned in entries], colored)
    from memmapcalc.atomic import emit

    emit(text, output)
    verdicts = {entry["verdict"] for entry, _ in entries}
    if "error" in verdicts:
        return EXIT_ERROR
    return EXIT_FAIL if "fail" in verdicts and not exit_zero else EXIT_OK


def _plan_one(loaded: Loaded, zone: Any) -> tuple[dict[str, Any], Plan | None]:
    from memmapcalc.core.params import resolve
    from memmapcalc.core.plan import plan

    if loaded.machine is None:
        return {"name": loaded.name, "path": loaded.source, "verdict": "error",
                "error": str(loaded.error)}, None
    arch = getattr(loaded.machine, "arch", "s390x")
    if arch != "s390x":
        return _other_arch(loaded, arch), None
    from memmapcalc.config.edits import refusal

    machine = loaded.machine
    planned = plan(resolve(machine), zone, lambda edits: refusal(machine, edits))
    return plan_dict(loaded.name, loaded.source, planned), planned


def _other_arch(loaded: Loaded, arch: str) -> dict[str, Any]:
    """Machines of other architectures have no s390 standby behaviours to compare: their
    plan is the verdict and ``check``'s fixes (verified by the model there)."""
    from memmapcalc.core.evaluate import evaluate

    assert loaded.machine is not None
    evaluation = evaluate(loaded.machine)
    return {"name": loaded.name, "path": loaded.source, "verdict": evaluation.verdict,
            "ipl": evaluation.ipl, "error": None, "arch": arch,
            "note": f"{arch}: the kernel behaviours, changes and after-IPL use that plan "
                    f"compares are modelled for s390x standby memory; these are check's fixes",
            "behaviours": [], "cheapest": None, "changes": [], "limits": [],
            "after_ipl": None, "advice": list(evaluation.advice)}


# --------------------------------------------------------------------------- JSON


def plan_dict(name: str, path: str, planned: Plan) -> dict[str, Any]:
    """One machine's plan as plain data (sizes in bytes)."""
    evaluation = planned.evaluation
    return {
        "name": name, "path": path, "verdict": evaluation.verdict, "ipl": evaluation.ipl,
        "error": None, "arch": "s390x",
        "zone": planned.after_ipl.zone.value,
        "behaviours": [_column_dict(column) for column in planned.columns],
        "cheapest": None if planned.cheapest is None else _change_dict(planned.cheapest),
        "changes": [_change_dict(change) for change in planned.changes],
        "limits": [_change_dict(change) for change in planned.limits],
        "after_ipl": _after_dict(planned.after_ipl),
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
        "after_ipl": None if column.after is None else _after_dict(column.after),
    })
    return out


def _change_dict(change: Change) -> dict[str, Any]:
    return {"kind": change.kind, "rank": change.rank, "text": change.text,
            "config_edits": dict(change.edits), "verdict": change.verdict,
            "margin": change.margin, "minimal": change.minimal, "evidence": change.evidence}


def _after_dict(after: AfterIpl) -> dict[str, Any]:
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


def _json_document(entries: list[dict[str, Any]]) -> str:
    from memmapcalc.about import __version__
    from memmapcalc.render.safe import dumps

    verdicts = [entry["verdict"] for entry in entries]
    document = {"schema_version": SCHEMA_VERSION,
                "tool": {"name": "memmapcalc", "version": __version__},
                "summary": {"planned": len(entries), **{v: verdicts.count(v) for v in
                                                        ("pass", "warn", "fail", "error")}},
                "plans": entries}
    return dumps(document, indent=2) + "\n"


# --------------------------------------------------------------------------- text


def _text(entries: list[tuple[dict[str, Any], Plan | None]], colored: bool) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=colored, no_color=not colored, width=WIDTH,
                      highlight=False, soft_wrap=False, emoji=False, legacy_windows=False)
    for entry, planned in entries:
        _machine(console, entry, planned)
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
    console.print(_behaviour_table(planned), new_line_start=True)
    _changes(console, planned)
    _after(console, planned.after_ipl)
    for note in planned.evaluation.notes:
        console.print(f"       [dim]note: {markup(note)}[/dim]", soft_wrap=True)
    console.print()


def _configured(planned: Plan) -> str:
    from memmapcalc.config.model import StandbyHandling
    from memmapcalc.units import human_size

    p, b = planned.params, planned.evaluation.budget
    kernel = "oldest behaviour (no version)" if p.version is None else str(p.version)
    standby = ("standby added at IPL" if p.standby_handling is StandbyHandling.BOOT_ADD else
               "standby configured after IPL")
    state = (f"IPLs with {human_size(b.margin)} left" if planned.evaluation.ipl else
             f"cannot IPL, short by {human_size(-b.margin)}" if b.margin < 0 else
             f"IPLs with {human_size(b.margin)} left, below boot.min_margin")
    return (f"kernel {kernel}, {standby}, memory_hotplug.memmap_on_memory="
            f"{p.memmap_on_memory.kernel_value}: {state}")


def _behaviour_table(planned: Plan) -> Any:
    from rich.table import Table

    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    table.add_column("       standby at IPL", no_wrap=True)
    for column in planned.columns:
        variant = column.variant
        head = f"{variant.spec.mainline}\n{_HEADS[variant.key]}"
        table.add_column(head + ("\n(yours)" if variant.yours else ""), justify="right",
                         no_wrap=True, style="bold" if variant.yours else None)
    rows: list[tuple[str, list[str]]] = [
        ("kernel evaluated", [_kernel_cell(c) for c in planned.columns]),
        ("standby memmap at IPL", [_cell(c, _memmap_at_ipl) for c in planned.columns]),
        ("verdict", [_cell(c, _verdict) for c in planned.columns]),
        ("margin", [_cell(c, _margin) for c in planned.columns]),
        ("max standby", [_cell(c, _max_standby) for c in planned.columns]),
        ("min online", [_cell(c, _min_online) for c in planned.columns]),
        ("standby blocks", [_cell(c, _blocks) for c in planned.columns]),
        ("in use after IPL¹", [_cell(c, _blocks_after) for c in planned.columns]),
        ("usable after IPL¹", [_cell(c, _usable_after) for c in planned.columns]),
    ]
    for label, cells in rows:
        table.add_row(f"       {label}", *cells)
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


def _short(nbytes: int, up: bool = False) -> str:
    """Table size: ``3.53G``, ``-412.23M`` (human_size's truncated decimals, unit letter;
    ``up``: rounded up, for a lower limit, so that the size shown never fails)."""
    from memmapcalc.units import human_size, human_size_at_least

    text = (human_size_at_least if up else human_size)(nbytes).replace(" ", "").replace("iB", "")
    return "0" if text == "0B" else text


def _memmap_at_ipl(column: Column) -> str:
    assert column.evaluation is not None
    return _short(column.evaluation.budget.charged["standby_memmap"].value)


def _verdict(column: Column) -> str:
    assert column.evaluation is not None
    outcome = column.evaluation.verdict
    return f"[{_STYLE[outcome]}]{outcome.upper()}[/]"


def _margin(column: Column) -> str:
    assert column.evaluation is not None
    return _short(column.evaluation.budget.margin)


def _max_standby(column: Column) -> str:
    evaluation = column.evaluation
    assert evaluation is not None
    if evaluation.max_standby is None:
        return "none"
    return "64T cap" if evaluation.max_standby_capped else _short(evaluation.max_standby.value)


def _min_online(column: Column) -> str:
    assert column.evaluation is not None
    limit = column.evaluation.min_online
    return "none" if limit is None else _short(limit.value, up=True)


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
    return " / ".join("—" if way.total_usable is None else _short(way.total_usable)
                      for way in _ways(column))


def _changes(console: Console, planned: Plan) -> None:
    console.print("       [dim]¹ after IPL: ≥ 6.19 without / with memmap-on-memory per block, "
                  f"blocks onlined to {planned.after_ipl.zone.label}; "
                  "² the setting has no effect here and falls back[/dim]", soft_wrap=True)
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
    elif not planned.evaluation.ipl:
        console.print("       no single change of online memory, standby memory, kernel parameter "
                      "or kernel makes this machine IPL: check kernel.image, kernel.initramfs, "
                      "kernel.crashkernel and boot.userspace", soft_wrap=True)
    else:
        console.print("       limits, each verified by re-running the model:")
        for change in planned.limits:
            console.print(f"       - {markup(_change_line(change))}", soft_wrap=True)


def _change_line(change: Change) -> str:
    from memmapcalc.units import human_size

    check = f"{change.verdict.upper()} with {human_size(change.margin)} left"
    return f"{change.text} — {check}; {change.evidence}"


def _after(console: Console, after: AfterIpl) -> None:
    from memmapcalc.config.model import StandbyHandling
    from memmapcalc.units import human_size

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
        usable = "—" if way.total_usable is None else human_size(way.total_usable)
        console.print(f"         {name}: each block adds {human_size(way.usable_per_block)}, "
                      f"{memmap}{cost}; {way.blocks} of {after.standby_blocks} blocks can be "
                      f"brought into use ({way.limit}); usable memory then {usable}",
                      soft_wrap=True)
        if way.memmap_on_memory and after.era is StandbyHandling.DEFERRED:
            console.print(f"           {markup(way.why)}", soft_wrap=True)
    for note in after.notes:
        console.print(f"         [dim]{markup(note)}[/dim]", soft_wrap=True)


