"""``memmapcalc plan``: one machine across the kernel's standby behaviours, the cheapest
verified change that makes it IPL, and how its standby memory comes into use after IPL.

This module parses the options and calls :mod:`memmapcalc.api.plan` (the plans, the JSON
document) and :mod:`memmapcalc.render.plan_text` (the text).  Heavy modules (pydantic,
yaml, the model, rich) are imported inside the command body.
"""

from __future__ import annotations

import sys
from typing import Any

import click


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
    from memmapcalc.api.plan import plan_one
    from memmapcalc.config.sources import iter_inputs
    from memmapcalc.exits import EXIT_ERROR, EXIT_FAIL, EXIT_OK
    from memmapcalc.model.after_ipl.bringup import Zone
    from memmapcalc.terminal import terminal_width, use_color

    inputs = [*configs, *paths]
    if not inputs:
        raise click.UsageError("give at least one config file or directory (or --config FILE)")
    overrides: tuple[Any, ...] = ()
    if sets:
        from memmapcalc.config.overrides import parse_overrides

        overrides = parse_overrides(sets)
    entries = [plan_one(loaded, Zone(zone)) for loaded in iter_inputs(inputs, None, overrides)]
    if fmt == "json":
        from memmapcalc.api.plan import plan_document
        from memmapcalc.render.safe import dumps

        text = dumps(plan_document([entry for entry, _ in entries]), indent=2) + "\n"
    elif fmt == "markdown":
        from memmapcalc.render.markdown import render_plans

        text = render_plans(entry for entry, _ in entries)
    else:
        from memmapcalc.render.plan_text import render

        to_stdout = output in (None, "-")
        colored = to_stdout and use_color(color, sys.stdout)
        text = render([(entry, planned) for entry, planned in entries], colored,
                      terminal_width(sys.stdout) if to_stdout else None)
    from memmapcalc.atomic import emit

    emit(text, output)
    verdicts = {entry["verdict"] for entry, _ in entries}
    if "error" in verdicts:
        return EXIT_ERROR
    return EXIT_FAIL if "fail" in verdicts and not exit_zero else EXIT_OK
