"""``memmapcalc check``: evaluate machine configs and report; the exit status is the verdict.

Heavy modules (pydantic, yaml, the model, rich) are imported inside the command body so
that ``--help`` and completion stay fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import click

from memmapcalc.render import FORMATS

_EXTENSIONS = (".yaml", ".yml", ".toml", ".json")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-c", "--config", "configs", multiple=True, type=click.Path(allow_dash=True),
              help="A machine config file (repeatable); same as a positional PATH.")
@click.option("-f", "--format", "fmt", type=click.Choice(sorted(FORMATS)), default=None,
              envvar="MEMMAPCALC_FORMAT", show_envvar=True,
              help="Report format (default: text).")
@click.option("--explain", is_flag=True, help="Show every number with its formula and kernel source.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the report to FILE (atomically) instead of stdout.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour in text output (NO_COLOR/FORCE_COLOR honoured).")
@click.option("-q", "--quiet", count=True, help="Text: only failing machines (-qq: nothing).")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when machines fail (report-only runs); input errors still exit 2.")
def check(paths: tuple[str, ...], configs: tuple[str, ...], fmt: str | None, explain: bool,
          output: str | None, color: str, quiet: int, exit_zero: bool) -> int:
    """Check machine configs (files or directories): will each machine IPL?

    Exit status: 0 every machine passes or warns, 1 at least one fails, 2 any input or
    usage error.
    """
    from memmapcalc.cli import EXIT_ERROR, EXIT_FAIL, EXIT_OK
    from memmapcalc.render import RenderOptions, renderer
    from memmapcalc.terminal import use_color

    inputs = [*configs, *paths]
    if not inputs:
        raise click.UsageError("give at least one config file or directory (or --config FILE)")
    fmt = fmt or "text"
    results = [_evaluate(loaded, explain) for loaded in _load_all(inputs)]
    colored = fmt == "text" and output in (None, "-") and use_color(color, sys.stdout)
    text = renderer(fmt)(results, RenderOptions(color=colored, quiet=quiet, explain=explain))
    if quiet < 2:
        _emit(text, output)
    if fmt == "text":
        click.echo(_summary(results), err=True)
    verdicts = {r["verdict"] for r in results}
    if "error" in verdicts:
        return EXIT_ERROR
    return EXIT_FAIL if "fail" in verdicts and not exit_zero else EXIT_OK


def _load_all(inputs: list[str]) -> Iterator[Any]:
    from memmapcalc.config.load import Loaded, load_bytes, load_path
    from memmapcalc.errors import InputError

    for path in inputs:
        if path == "-":
            yield from load_bytes(sys.stdin.buffer.read(), "<stdin>", "yaml")
        elif os.path.isdir(path):
            yield from (loaded for file in _walk(path) for loaded in load_path(file))
        elif not os.path.exists(path):
            yield Loaded(path, path, None, InputError(path, "no such file or directory"))
        else:
            yield from load_path(path)


def _walk(directory: str) -> list[str]:
    """Config files below ``directory``, sorted, following no directory symlink twice."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(directory, followlinks=True):
        stat = os.stat(root)
        if (stat.st_dev, stat.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs.sort()
        found.extend(os.path.join(root, f) for f in files if f.lower().endswith(_EXTENSIONS))
    return sorted(found)


def _evaluate(loaded: Any, explain: bool) -> dict[str, Any]:
    from memmapcalc.contract import error_dict, result_dict
    from memmapcalc.core.evaluate import evaluate

    if loaded.machine is None:
        return error_dict(loaded)
    return result_dict(loaded, evaluate(loaded.machine), explain)


def _emit(text: str, output: str | None) -> None:
    if output in (None, "-"):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from memmapcalc.atomic import write_atomically

    write_atomically(output, text)


def _summary(results: list[dict[str, Any]]) -> str:
    counts = {v: sum(r["verdict"] == v for r in results) for v in ("pass", "warn", "fail", "error")}
    noun = "machine" if len(results) == 1 else "machines"
    return (f"{len(results)} {noun}: {counts['pass']} pass, {counts['warn']} warn, "
            f"{counts['fail']} fail, {counts['error']} error")
