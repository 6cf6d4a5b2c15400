"""``memmapcalc frontier``: the largest standby that IPLs, per kernel behaviour, over a
range of online sizes — as a table and a chart, ``-f json``/``-f csv``, and ``--plot``.

Every point is the machine of ``--config`` (or of the options) with ``memory.online``
set, validated like a config file and evaluated with the same ``max_standby`` that
``check`` reports, so a frontier value is exactly what ``check`` says at that size.
This module parses the options and builds the base config; the document comes from
:mod:`memmapcalc.api.frontier`, its text, CSV and plot from ``memmapcalc.render.frontier_*``.
Heavy modules (pydantic, yaml, the model, rich, matplotlib) are imported inside functions.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from memmapcalc.render.frontier_plot import PLOT_EXTENSIONS

MAX_POINTS = 4096


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
    from memmapcalc.api.frontier import frontier_document
    from memmapcalc.render.frontier_plot import draw, load_matplotlib
    from memmapcalc.terminal import terminal_width, use_color

    if plot is not None:
        load_matplotlib()  # fail before any work when the extra is missing
    low, high = online
    step = step or low
    count = (high - low) // step + 1
    if count > MAX_POINTS:
        raise click.BadParameter(f"{count} online sizes; at most {MAX_POINTS}: use a larger --step",
                                 param_hint="'--step'")
    sizes = [low + index * step for index in range(count)]
    base, source, name = _base(config, machine_name)
    base = _overlay(base, kernel, increment, block_size, edat1, settings)
    document = frontier_document(base, source, name, sizes)
    if fmt == "json":
        from memmapcalc.render.safe import dumps

        text = dumps(document, indent=2) + "\n"
    elif fmt == "csv":
        from memmapcalc.render.frontier_csv import to_csv

        text = to_csv(document)
    else:
        from memmapcalc.render.frontier_text import render

        to_stdout = output in (None, "-")
        colored = to_stdout and use_color(color, sys.stdout)
        text = render(document, colored, terminal_width(sys.stdout) if to_stdout else None)
    from memmapcalc.atomic import emit

    emit(text, output)
    if plot is not None:
        draw(document, plot)
    return 0


# --------------------------------------------------------------------------- inputs


def _base(config: str | None, machine_name: str | None) -> tuple[dict[str, Any], str, str]:
    """The base config mapping, its source and the machine's name."""
    from memmapcalc.config.load import load_path
    from memmapcalc.config.sources import iter_stdin
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
    from memmapcalc.arch.registry import has_standby_behaviours

    if not has_standby_behaviours(machine.arch):
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
        from memmapcalc.config.overrides import apply_overrides, parse_overrides

        base = apply_overrides(base, parse_overrides(settings))
    return base


def nested(key: str, value: Any) -> dict[str, Any]:
    """``nested("kernel.version", "6.8") == {"kernel": {"version": "6.8"}}``."""
    out: Any = value
    for part in reversed(key.split(".")):
        out = {part: out}
    assert isinstance(out, dict)
    return out
