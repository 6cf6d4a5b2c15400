"""``memmapcalc check``: evaluate machine configs and report; the exit status is the verdict.

The run streams: each machine is loaded, evaluated and handed to the format's writer
before the next is read, so ``-f jsonl`` writes every result as soon as it exists and a
run over 100,000 machines holds one machine at a time (json, sarif and a junit suite
need all their results before writing and keep them).  Heavy modules (pydantic, yaml,
the model, rich) are imported inside the command body so that ``--help`` and completion
stay fast; rich only for ``-f text``.

Exit status: 0 every machine passes or warns; 1 at least one fails (or warns, with
``--fail-on warn``) and every input was understood; 2 any usage or input error, whatever
else happened (an unreadable config is never hidden behind a verdict); ``--exit-zero``
turns 1 into 0 but never 2 into 0.  130 (Ctrl-C), 141 (stdout closed), 143 (SIGTERM)
and 129 (SIGHUP) come from :func:`memmapcalc.cli.main`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import click

from memmapcalc.render import FORMATS

VERDICTS = ("pass", "warn", "fail", "error")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True, readable=False))
@click.option("-c", "--config", "configs", multiple=True,
              type=click.Path(allow_dash=True, readable=False),
              help="A machine config file (repeatable); same as a positional PATH.")
@click.option("--stdin-filename", metavar="NAME",
              help="Name for standard input ('-') in results; its extension picks the format "
                   "(YAML when it has none).")
@click.option("-f", "--format", "fmt", type=click.Choice(list(FORMATS)), default=None,
              envvar="MEMMAPCALC_FORMAT", show_envvar=True,
              help="Report format (default: text).")
@click.option("-o", "--output",
              type=click.Path(dir_okay=False, allow_dash=True, readable=False),
              help="Write the report to FILE (a regular file is replaced atomically; a device "
                   "or FIFO is written as a stream) instead of stdout.")
@click.option("--set", "sets", multiple=True, metavar="KEY=VALUE",
              help="What-if: set a config key for every machine (repeatable), e.g. "
                   "--set kernel.version=6.19.")
@click.option("--explain", is_flag=True,
              help="Show every number with its formula and kernel source.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto",
              show_default=True, help="Colour in text output (NO_COLOR/FORCE_COLOR honoured).")
@click.option("-q", "--quiet", count=True,
              help="No summary; text shows failing machines only (-qq: no report on stdout).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Check files in N processes, at most the CPUs available (default: the CPUs "
                   "available, up to 8; 1: this process only).  Output order never changes.")
@click.option("--online", metavar="SIZE",
              help="Ask without a file: online memory of the machine (e.g. 4G); with "
                   "--standby, --increment, --kernel and any --set.")
@click.option("--standby", metavar="SIZE", help="With --online: standby memory (e.g. 252G).")
@click.option("--increment", metavar="SIZE", help="With --online: the storage increment.")
@click.option("--kernel", metavar="VERSION",
              help="With --online: the kernel release (e.g. 6.8, or what uname -r prints).")
@click.option("--name", "machine_name", metavar="NAME", default="machine", show_default=True,
              help="With --online: the machine's name in the report.")
@click.option("--fail-on", type=click.Choice(["fail", "warn"]), default="fail", show_default=True,
              help="Lowest verdict that makes the exit status 1 (warn: a stricter gate).")
@click.option("--exit-zero", is_flag=True,
              help="Exit 0 even when machines fail (report-only runs); input errors still exit 2.")
def check(paths: tuple[str, ...], configs: tuple[str, ...], stdin_filename: str | None,
          fmt: str | None, output: str | None, sets: tuple[str, ...], explain: bool, color: str,
          quiet: int, jobs: int | None, online: str | None, standby: str | None,
          increment: str | None, kernel: str | None, machine_name: str, fail_on: str,
          exit_zero: bool) -> int:
    """Check machine configs (files, directories, '-' for stdin): will each machine IPL?

    Without a file: ``check --online 4G --standby 252G --kernel 6.8`` checks that machine.

    Exit status: 0 every machine passes or warns, 1 at least one fails, 2 any input or
    usage error.
    """
    from memmapcalc.exits import EXIT_ERROR, EXIT_FAIL, EXIT_OK
    from memmapcalc.render import MACHINE_FORMATS, RenderOptions, writer
    from memmapcalc.render.stderr import say

    asked = _asked(online, standby, increment, kernel, machine_name)
    inputs = [] if asked is not None else _inputs([*configs, *paths], stdin_filename)
    if asked is not None and (configs or paths or stdin_filename):
        raise click.UsageError("--online describes the machine on the command line; give "
                               "either it or config files, not both")
    overrides: Sequence[Any] = ()
    if sets:
        from memmapcalc.config.overrides import parse_overrides

        overrides = parse_overrides(sets)
    fmt = fmt or "text"
    to_stdout = output in (None, "-")
    options = RenderOptions(color=fmt not in MACHINE_FORMATS and _color(color, to_stdout),
                            quiet=quiet, explain=explain, width=_width(fmt, to_stdout))
    # Error lines on stderr unless the report itself shows them on the terminal (text).
    tell_errors = quiet < 2 and not (fmt == "text" and to_stdout)
    tally = Tally(tell_errors)
    from memmapcalc.api import batch

    annotate = _with_frontier if fmt == "html" else None
    if asked is not None:
        from memmapcalc.config.load import iter_document

        checker = batch.Checker(overrides, explain, annotate)
        results = tally.count(checker.result(loaded) for loaded in
                              iter_document(asked, COMMAND_LINE, None, overrides))
    else:
        results = tally.count(batch.results(inputs, stdin_filename, overrides, explain,
                                            batch.worker_count(jobs), annotate))
    if to_stdout and quiet >= 2:
        for _ in results:  # check everything, print nothing: the exit status is the answer
            pass
    else:
        from memmapcalc.atomic import open_output

        # stdout, a stream or a file replaced in one step; a reader leaving early ends the
        # run with 141 (memmapcalc.cli.main), a full disk with a one-line error (2).
        with open_output(output) as stream:
            writer(fmt)(results, stream, options)
    # The summary is for people: with text, or when the report went to a file.  A machine
    # format on stdout is read by a program, and stderr stays quiet unless input is bad.
    if not quiet and (fmt == "text" or not to_stdout):
        for line in _fitted(tally.summary()):
            say(line)
    if tally.counts["error"]:
        return EXIT_ERROR
    failing = tally.counts["fail"] + (tally.counts["warn"] if fail_on == "warn" else 0)
    return EXIT_FAIL if failing and not exit_zero else EXIT_OK


#: How results name a machine described by --online and friends (no file behind it).
COMMAND_LINE = "<command line>"


def _asked(online: str | None, standby: str | None, increment: str | None,
           kernel: str | None, name: str) -> dict[str, Any] | None:
    """The config mapping of a machine given by options, or None when none is.  The values
    stay text, so they are read by the config files' size and version grammar."""
    if online is None:
        given = [option for option, value in (("--standby", standby), ("--increment", increment),
                                              ("--kernel", kernel)) if value is not None]
        if given:
            raise click.UsageError(f"{given[0]} describes a machine without a file: give "
                                   f"--online too")
        return None
    sizes = {key: _size_word(value) for key, value in (("online", online), ("standby", standby),
                                                       ("increment", increment))
             if value is not None}
    memory: dict[str, Any] = sizes
    asked: dict[str, Any] = {"name": name, "memory": memory}
    if kernel is not None:
        asked["kernel"] = {"version": kernel}
    return asked


def _size_word(value: str) -> str | int:
    """A size as typed: digits alone are bytes, as in a config file (where they are an
    integer), so ``--online 4096`` gets the config's answer: 4096 bytes, write 4096M."""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 20 else value


def _inputs(given: list[str], stdin_filename: str | None) -> list[str]:
    if not given and stdin_filename is not None:
        given = ["-"]  # `--stdin-filename x.yaml < x.yaml` reads stdin, as ruff does
    if not given:
        raise click.UsageError("give at least one config file or directory (or '-' for stdin)")
    if given.count("-") > 1:
        raise click.UsageError("'-' (standard input) can be given only once")
    if stdin_filename is not None and "-" not in given:
        raise click.UsageError("--stdin-filename names standard input; add '-' to the inputs")
    return given


def _color(choice: str, to_stdout: bool) -> bool:
    from memmapcalc.terminal import use_color

    if not to_stdout:  # a report file: colour only when asked for explicitly
        return choice == "always"
    return use_color(choice, sys.stdout)


def _fitted(summary: str) -> list[str]:
    """The summary's lines on a terminal stderr of its width (a file or pipe: one line)."""
    from memmapcalc.terminal import terminal_width

    width = terminal_width(sys.stderr)
    if width is None or len(summary) <= width:
        return [summary]
    import textwrap

    return textwrap.wrap(summary, max(width, 20), subsequent_indent="  ")


def _width(fmt: str, to_stdout: bool) -> int | None:
    """Text on a terminal is wrapped to its width; files and pipes are not (byte-stable)."""
    from memmapcalc.terminal import terminal_width

    return terminal_width(sys.stdout) if fmt == "text" and to_stdout else None


class Tally:
    """Counts verdicts as results stream past (for the summary and the exit status) and
    tells unreadable configs on stderr when the report does not show them there."""

    def __init__(self, tell_errors: bool) -> None:
        self.counts = dict.fromkeys(VERDICTS, 0)
        self.tell_errors = tell_errors

    def count(self, results: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for result in results:
            self.counts[result["verdict"]] += 1
            if self.tell_errors and result["verdict"] == "error":
                from memmapcalc.render.stderr import say

                say(f"memmapcalc: error: {result['error']}")
            yield result

    def summary(self) -> str:
        total = sum(self.counts.values())
        noun = "machine" if total == 1 else "machines"
        return f"{total} {noun}: " + ", ".join(f"{self.counts[v]} {v}" for v in VERDICTS)


def _with_frontier(machine: Any, result: dict[str, Any]) -> None:
    """``-f html`` draws each machine's frontier: its sample rides on the result dict (not
    part of the JSON contract; only the html report reads it)."""
    from memmapcalc.render.frontier_sample import sample

    result["frontier"] = sample(machine, result["online"], result["block_size"])
