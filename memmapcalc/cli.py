"""Command line: a click group whose subcommands are imported only when they run.

Start-up matters (pre-commit and TAB completion run this thousands of times), so this
module imports nothing but click and the standard library.  ``main()`` maps every way
a run can end onto the documented exit statuses instead of click's defaults (which
exit 1, "cannot IPL", for a missing file or an internal error):

    0  every machine passes or warns        1  at least one machine fails
    2  usage, input or internal error       130  interrupted (Ctrl-C)
    141  stdout closed early (``| head``), like a shell's SIGPIPE death, quietly
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

import click

from memmapcalc import __version__

EXIT_OK, EXIT_FAIL, EXIT_ERROR, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 0, 1, 2, 130, 141

#: name -> (module, attribute, one-line help).  The help is here so that ``--help``
#: can list the commands without importing them.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("memmapcalc.commands.check", "check", "Check machine configs: will they IPL?"),
    "import": ("memmapcalc.commands.importing", "import_group",
               "Write a machine config from lsmem output or a z/VM directory."),
    "probe": ("memmapcalc.commands.probe", "probe",
              "Read this system (or a --sysroot copy) and write its machine config."),
    "plan": ("memmapcalc.commands.plan", "plan",
             "Plan a machine: every kernel behaviour, the cheapest verified fix, after IPL."),
    "frontier": ("memmapcalc.commands.frontier", "frontier",
                 "Largest standby that IPLs per kernel behaviour over a range of online sizes."),
    "schema": ("memmapcalc.commands.schema", "schema",
               "Print the JSON Schema of machine config files (for editors and CI)."),
    "completion": ("memmapcalc.commands.completion", "completion",
                   "Print the shell completion script for bash, zsh or fish."),
}


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="memmapcalc")
def cli() -> None:
    """Will this IBM Z (s390x) Linux machine IPL with its standby memory?

    memmapcalc models, for a given kernel version, what IPL charges to online memory
    (kernel, memory maps of online and standby memory, page tables, watermarks, user
    space) and tells whether it fits, with how much room, and what would make it fit.
    """


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit status; never raises, never prints a traceback
    unless ``MEMMAPCALC_DEBUG`` is set."""
    from memmapcalc.errors import MemmapcalcError

    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="memmapcalc", standalone_mode=False)
    except click.exceptions.Exit as stop:
        return stop.exit_code
    except click.ClickException as error:  # usage errors and bad parameters
        error.show()
        return EXIT_ERROR
    except (click.exceptions.Abort, KeyboardInterrupt):
        _say("memmapcalc: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except MemmapcalcError as error:
        _say(f"memmapcalc: error: {error}")
        return EXIT_ERROR
    except Exception as error:  # noqa: BLE001 - the last line of defence: exit 2, not 1
        if os.environ.get("MEMMAPCALC_DEBUG"):
            raise
        _say(f"memmapcalc: internal error: {type(error).__name__}: {error} "
             f"(set MEMMAPCALC_DEBUG=1 for a traceback)")
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_OK


def _say(message: str) -> None:
    from memmapcalc.render.safe import terminal  # (a name in an error is the user's text)

    try:
        click.echo(terminal(message), err=True)
    except (OSError, ValueError):  # stderr closed too: nothing left to tell
        pass


def _quiet_broken_pipe() -> int:
    """The reader went away (``| head``): point stdout at /dev/null so the interpreter's
    final flush does not complain, and end quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return EXIT_BROKEN_PIPE
