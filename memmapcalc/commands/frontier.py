"""``memmapcalc frontier``: the largest standby that IPLs, per kernel behaviour, over a
range of online sizes — as a table and a chart, ``-f json``/``-f csv``, and ``--plot``.

Every point is the machine of ``--config`` (or of the options) with ``memory.online``
set, validated like a config file and evaluated with the same ``max_standby`` that
``check`` reports, so a frontier value is exactly what ``check`` says at that size.
Heavy modules (pydantic, yaml, the model, rich, matplotlib) are imported inside functions.
"""

from __future__ import annotations

import io
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from memmapcalc.errors import MemmapcalcError

if TYPE_CHECKING:
    from rich.console import Console

#: Frontier documents have their own schema version (the check contract is separate).
SCHEMA_VERSION = 1
MAX_POINTS = 4096
PLOT_EXTENSIONS = (".svg", ".png")
_HEADS = {"boot-add": "no mom", "boot-add-mom-off": "mom=N", "boot-add-mom-on": "mom=Y",
          "boot-add-mom-force": "mom=force", "deferred": "deferred"}
_COLOURS = ("magenta", "cyan", "yellow", "blue", "green")
CHART_WIDTH = 48
WIDTH = 100


class PlotError(MemmapcalcError):
    """``--plot`` cannot be honoured (matplotlib missing, bad file name): exit status 2."""


def _range(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, int]:
    from memmapcalc.units import SizeError, parse_size

    low, sep, high = value.partition("..")
    try:
        start = parse_size(low.strip())
        end = parse_size(high.strip()) if sep else start
    except SizeError as error:
        raise click.BadParameter(f"{error}; write a range such as 1G..64G") from None
    if start <= 0:
        raise click.BadParameter(f"{value!r} starts at 0; online memory must be more than 0")
    if end < start:
        raise click.BadParameter(f"{value!r} ends below its start; write LOW..HIGH")
    return start, end


def _size(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
    from memmapcalc.units import SizeError, parse_size

    if value is None:
        return None
    try:
        size = parse_size(value)
    except SizeError as error:
        raise click.BadParameter(str(error)) from None
    if size <= 0:
        raise click.BadParameter(f"{value!r} must be more than 0")
    return size


def _plot_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.lower().endswith(PLOT_EXTENSIONS):
        raise click.BadParameter(f"{value!r}: the plot is written as .svg or .png; name the file "
                                 f"FILE.svg or FILE.png")
    return value


@click.command()
@click.option("-c", "--config", "config", type=click.Path(allow_dash=True, readable=False),
              help="The machine's config file; its online size is replaced by --online.")
@click.option("--machine", "machine_name", help="Which machine of a fleet file.")
@click.option("--online", "online", required=True, callback=_range,
              help="Online sizes: LOW..HIGH (e.g. 1G..64G) or one size.")
@click.option("--step", callback=_size, help="Step between online sizes (default: LOW).")
@click.option("--kernel", "kernel", help="kernel.version, e.g. 6.8 (overrides the config).")
@click.option("--increment", callback=_size, help="memory.increment (storage increment).")
@click.option("--block-size", callback=_size, help="memory.block_size.")
@click.option("--edat1/--no-edat1", default=None, help="cpu.edat1 (default: the config's, or on).")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Any config key, as check --set, e.g. --set kernel.crashkernel=512M "
                   "(repeatable).")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text",
              show_default=True, help="Report format.")
@click.option("-o", "--output",
              type=click.Path(dir_okay=False, allow_dash=True, readable=False),
              help="Write the report to FILE (atomically) instead of stdout.")
@click.option("--plot", callback=_plot_path, type=click.Path(dir_okay=False, readable=False),
              help="Also draw the frontier to FILE.svg or FILE.png (needs memmapcalc[plot]).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour in text output (NO_COLOR/FORCE_COLOR honoured).")
def frontier(config: str | None, machine_name: str | None, online: tuple[int, int],
             step: int | None, kernel: str | None, increment: int | None,
             block_size: int | None, edat1: bool | None, settings: tuple[str, ...], fmt: str,
             output: str | None, plot: str | None, color: str) -> int:
    """The largest standby that IPLs for each kernel behaviour, over a range of online
    sizes; the other settings come from --config and/or the options.

    Exit status: 0 done, 2 any input or usage error.
    """
    from memmapcalc.terminal import use_color

    if plot is not None:
        _matplotlib()  # fail before any work when the extra is missing
    low, high = online
    step = step or low
    count = (high - low) // step + 1
    if count > MAX_POINTS:
        raise click.BadParameter(f"{count} online sizes; at most {MAX_POINTS}: use a larger --step",
                                 param_hint="'--step'")
    sizes = [low + index * step for index in range(count)]
    base, source, name = _base(config, machine_name)
    base = _overlay(base, kernel, increment, block_size, edat1, settings)
    document = compute(base, source, name, sizes)
    if fmt == "json":
        from memmapcalc.render.safe import dumps

        text = dumps(document, indent=2) + "\n"
    elif fmt == "csv":
        text = to_csv(document)
    else:
        colored = output in (None, "-") and use_color(color, sys.stdout)
        text = to_text(document, colored)
    from memmapcalc.atomic import emit

    emit(text, output)
    if plot is not None:
        draw(document, plot)
    return 0


# --------------------------------------------------------------------------- inputs


def _base(config: str | None, machine_name: str | None) -> tuple[dict[str, Any], str, str]:
    """The base config mapping, its source and the machine's name."""
    from memmapcalc.config.load import iter_stdin, load_path
    from memmapcalc.errors import InputError

    if config is None:
        return {"memory": {"online": 1 << 30}}, "<options>", "frontier"
    if config != "-" and not os.path.exists(config):
        raise InputError(config, "no such file or directory")
    loaded = list(iter_stdin()) if config == "-" else load_path(config)
    for item in loaded:
        if item.error is not None:
            raise item.error
    if machine_name is not None:
        loaded = [item for item in loaded if item.name == machine_name]
        if not loaded:
            raise InputError(config, f"no machine named {machine_name!r}")
    if len(loaded) != 1:
        names = ", ".join(item.name for item in loaded)
        raise InputError(config, f"holds {len(loaded)} machines ({names}); "
                         f"choose one with --machine")
    machine = loaded[0].machine
    assert machine is not None
    if getattr(machine, "arch", "s390x") != "s390x":
        raise InputError(config, f"frontier models the s390x standby behaviours; "
                         f"for {machine.arch} use check", "arch")
    return machine.model_dump(by_alias=True, exclude_none=True, mode="json"), loaded[0].source, \
        loaded[0].name


def _overlay(base: dict[str, Any], kernel: str | None, increment: int | None,
             block_size: int | None, edat1: bool | None,
             settings: tuple[str, ...]) -> dict[str, Any]:
    from memmapcalc.config.load import deep_merge

    edits: list[tuple[str, Any]] = []
    if kernel is not None:
        edits.append(("kernel.version", kernel))
    if increment is not None:
        edits.append(("memory.increment", increment))
    if block_size is not None:
        edits.append(("memory.block_size", block_size))
    if edat1 is not None:
        edits.append(("cpu.edat1", edat1))
    for key, value in edits:
        base = deep_merge(base, nested(key, value))
    if settings:  # the same --set as check: parsed and validated once, applied last
        from memmapcalc.overrides import apply_overrides, parse_overrides

        base = apply_overrides(base, parse_overrides(settings))
    return base


def nested(key: str, value: Any) -> dict[str, Any]:
    """``nested("kernel.version", "6.8") == {"kernel": {"version": "6.8"}}``."""
    out: Any = value
    for part in reversed(key.split(".")):
        out = {part: out}
    assert isinstance(out, dict)
    return out


# --------------------------------------------------------------------------- compute


def compute(base: dict[str, Any], source: str, name: str, sizes: list[int]) -> dict[str, Any]:
    """The frontier document: behaviours, and per online size the largest standby that
    IPLs for each (``None`` where none does or the behaviour does not apply)."""
    from memmapcalc.about import __version__
    from memmapcalc.config.load import deep_merge, machine_from_mapping
    from memmapcalc.core.params import resolve
    from memmapcalc.core.plan import frontier_point, variants
    from memmapcalc.errors import InputError
    from memmapcalc.units import format_size

    points: list[dict[str, Any]] = []
    behaviours: list[dict[str, Any]] = []
    for size in sizes:
        try:
            machine = machine_from_mapping(deep_merge(base, {"memory": {"online": size}}),
                                           source, name)
        except InputError as error:  # name the online size when the error is about memory
            about_memory = (error.location or "").startswith("memory")
            message = (f"at online {format_size(size)}: {error.message}" if about_memory
                       else error.message)
            raise InputError(error.source, message, error.location) from None
        if getattr(machine, "arch", "s390x") != "s390x":
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


# --------------------------------------------------------------------------- output


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


def cell(value: int | None, capped: bool) -> str:
    """Table cell: exact size (as a config would write it), ``64T cap`` or ``none``."""
    from memmapcalc.units import format_size

    if value is None:
        return "none"
    return "64T cap" if capped else format_size(value)


def label(value: int | None, capped: bool) -> str:
    """Chart label: readable size, ``64T cap`` or ``none``."""
    from memmapcalc.units import human_size

    if value is None:
        return "none"
    return "64T cap" if capped else human_size(value)


def series(document: dict[str, Any]) -> list[tuple[list[str], list[tuple[int | None, bool]]]]:
    """Applicable behaviours grouped by identical frontiers: ``(keys, [(value, capped)])``."""
    groups: dict[tuple[tuple[int | None, bool], ...], list[str]] = {}
    for behaviour in document["behaviours"]:
        if not behaviour["applicable"]:
            continue
        key = behaviour["key"]
        values = tuple((point["max_standby"][key], point["capped"][key])
                       for point in document["points"])
        groups.setdefault(values, []).append(key)
    return [(keys, list(values)) for values, keys in groups.items()]


def to_text(document: dict[str, Any], colored: bool) -> str:
    from rich.console import Console
    from rich.table import Table

    from memmapcalc.render.safe import markup
    from memmapcalc.units import format_size

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=colored, no_color=not colored, width=WIDTH,
                      highlight=False, soft_wrap=False, emoji=False, legacy_windows=False)
    machine = document["machine"]
    points = document["points"]
    sizes = [point["online"] for point in points]
    span = (f"online {format_size(sizes[0])}" if len(sizes) == 1 else
            f"online {format_size(sizes[0])} to {format_size(sizes[-1])}, {len(sizes)} sizes")
    console.print(f"[bold]largest standby that IPLs[/bold] — {markup(machine['name'])}  "
                  f"[dim]{markup(machine['path'])}[/dim]; {span}", soft_wrap=True)
    table = Table(box=None, padding=(0, 1), show_edge=False, pad_edge=False)
    table.add_column("       online", justify="right", no_wrap=True)
    behaviours = document["behaviours"]
    for behaviour in behaviours:
        kernel = behaviour["kernel"] or "—"
        head = f"{behaviour['mainline']}\n{_HEADS[behaviour['key']]}\n{markup(kernel)}"
        table.add_column(head + ("\n(yours)" if behaviour["yours"] else ""), justify="right",
                         no_wrap=True)
    for point in points:
        cells = [cell(point["max_standby"][b["key"]], point["capped"][b["key"]])
                 if b["applicable"] else "n/a" for b in behaviours]
        table.add_row(f"       {format_size(point['online'])}", *cells)
    console.print(table, new_line_start=True)
    for behaviour in behaviours:
        if not behaviour["applicable"] or not behaviour["effective"]:
            console.print(f"       [dim]{behaviour['mainline']} {_HEADS[behaviour['key']]}: "
                          f"{markup(behaviour['why'])}[/dim]", soft_wrap=True)
    console.print()
    _chart(console, document)
    return buffer.getvalue()


def _chart(console: Console, document: dict[str, Any]) -> None:
    """One horizontal bar chart per group of behaviours with the same frontier, each on
    its own scale (a full bar is the group's largest value; the frontiers differ by orders
    of magnitude); groups capped at every size are one line, capped points a full bar ▶."""
    from memmapcalc.render.bar import hbar
    from memmapcalc.units import format_size

    titles = {b["key"]: f"{b['mainline']} {_HEADS[b['key']]}" for b in document["behaviours"]}
    groups = series(document)
    sizes = [format_size(point["online"]) for point in document["points"]]
    width = max(len(size) for size in sizes)
    for index, (keys, values) in enumerate(groups):
        colour = _COLOURS[index % len(_COLOURS)]
        name = " = ".join(titles[key] for key in keys)
        if all(capped for _, capped in values):
            console.print(f"       [{colour}]{name}[/]: no limit below the 64 TiB s390 maximum "
                          f"at every size (64T cap)", soft_wrap=True)
            continue
        scale = max((value for value, capped in values if value is not None and not capped),
                    default=0)
        console.print(f"       [bold {colour}]{name}[/]  "
                      f"[dim](full bar: {label(scale, False)})[/dim]", soft_wrap=True)
        for size, (value, capped) in zip(sizes, values, strict=True):
            bar = "█" * CHART_WIDTH + "▶" if capped else hbar(value or 0, scale, CHART_WIDTH)
            console.print(f"       {size:>{width}} │[{colour}]{bar}[/] {label(value, capped)}",
                          soft_wrap=True)




# --------------------------------------------------------------------------- plot


def _matplotlib() -> Any:
    """matplotlib with a file-only backend, or a clear error naming the extra."""
    try:
        import matplotlib  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise PlotError("--plot needs matplotlib, which is not installed: "
                        "pip install 'memmapcalc[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot  # type: ignore[import-not-found, unused-ignore]

    return pyplot


def plot_series(document: dict[str, Any]) -> list[tuple[str, list[float], list[float | None]]]:
    """What the plot draws: per group ``(legend, online GiB, max standby GiB or None)`` —
    the JSON's numbers in GiB; a capped point is drawn at its value (64 TiB − online, the
    architecture's limit), a size where nothing IPLs is a gap (``None``).  Floats only here,
    for drawing."""
    titles = {b["key"]: f"{b['mainline']} {_HEADS[b['key']]}" for b in document["behaviours"]}
    xs = [point["online"] / (1 << 30) for point in document["points"]]
    out = []
    for keys, values in series(document):
        ys = [None if value is None else value / (1 << 30) for value, _ in values]
        legend = " = ".join(titles[key] for key in keys)
        if any(capped for _, capped in values):
            legend += " (at 64 TiB: no limit below the s390 maximum)"
        out.append((legend, xs, ys))
    return out


def draw(document: dict[str, Any], path: str) -> None:
    """Write the frontier as a line chart to ``path`` (.svg or .png), atomically."""
    from memmapcalc.atomic import write_bytes_atomically

    pyplot = _matplotlib()
    figure, axes = pyplot.subplots(figsize=(8, 5))
    for legend, xs, ys in plot_series(document):
        axes.plot(xs, [float("nan") if y is None else y for y in ys], marker="o",
                  markersize=3, label=legend)
    axes.set_xlabel("online memory (GiB)")
    axes.set_ylabel("largest standby that IPLs (GiB, log scale)")
    axes.set_yscale("log")  # the behaviours differ by orders of magnitude
    axes.set_title(f"memmapcalc frontier: {document['machine']['name']}")
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize="small")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=path.rsplit(".", 1)[-1].lower())
    pyplot.close(figure)
    write_bytes_atomically(path, buffer.getvalue())
