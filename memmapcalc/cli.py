"""Command line: a click group whose subcommands are imported only when they run.

Start-up matters (pre-commit and TAB completion run this thousands of times), so this
module imports nothing but click and the standard library.  ``main()`` maps every way
a run can end onto the documented exit statuses instead of click's defaults (which
exit 1, "cannot IPL", for a missing file or an internal error):

    0  every machine passes or warns        1  at least one machine fails
    2  usage, input or internal error       130  interrupted (Ctrl-C, SIGINT)
    141  stdout closed early (``| head``), like a shell's SIGPIPE death, quietly
    143  SIGTERM, 129 SIGHUP (128 + the signal's number, as a shell reports a death)

Every command ends the same way: standard output is flushed at the end, so a reader that
left early is noticed by every command (click would say 1); a signal unwinds the run so
that the temporary files of ``-o`` are removed.  Messages on stderr never change the exit
status: with stderr closed (``2>&-``) they are simply lost.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

from memmapcalc.about import __version__
from memmapcalc.exits import (
    EXIT_BROKEN_PIPE,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_SIGNAL_BASE,
    quiet_broken_pipe,
)

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

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: object) -> click.Context:
        with _closed_pipe_is_not_an_oserror():  # --help, --version
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> object:
        with _closed_pipe_is_not_an_oserror():  # a subcommand, its --help
            return super().invoke(ctx)

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
    from memmapcalc.interrupts import (
        SIGNALS_SEEN,
        Terminated,
        raise_if_signalled,
        remove_temporaries,
    )
    from memmapcalc.stdout import StdoutClosed, flush_stdout

    args = list(sys.argv[1:] if argv is None else argv)
    SIGNALS_SEEN.clear()  # (main can run more than once in a process: tests, the API)
    restore = _catch_signals()
    try:
        result = cli.main(args=args, prog_name="memmapcalc", standalone_mode=False)
        flush_stdout()
        raise_if_signalled()  # a signal whose exception was swallowed still ends the run
    except click.exceptions.Exit as stop:
        return _flushed(stop.exit_code)
    except click.ClickException as error:  # usage errors and bad parameters
        with contextlib.suppress(OSError, ValueError):  # (stderr closed or broken)
            error.show()
        return _flushed(EXIT_ERROR)
    except (click.exceptions.Abort, KeyboardInterrupt):
        _ignore_further_signals()
        remove_temporaries()
        _say("memmapcalc: interrupted")
        return EXIT_INTERRUPTED
    except Terminated as stop:
        _ignore_further_signals()
        remove_temporaries()
        _say(f"memmapcalc: terminated by {_signal_name(stop.signo)}")
        return EXIT_SIGNAL_BASE + stop.signo
    except (StdoutClosed, BrokenPipeError):
        return quiet_broken_pipe()
    except MemmapcalcError as error:
        _say(f"memmapcalc: error: {error}")
        return EXIT_ERROR
    except OSError as error:  # the environment failed (not a bug of ours): say what and where
        where = f"{error.filename}: " if error.filename else ""
        _say(f"memmapcalc: error: {where}{error.strerror or error}")
        return EXIT_ERROR
    except Exception as error:  # the last line of defence: exit 2, not 1
        if os.environ.get("MEMMAPCALC_DEBUG"):
            raise
        _say(f"memmapcalc: internal error: {type(error).__name__}: {error} "
            f"(set MEMMAPCALC_DEBUG=1 for a traceback)")
        return EXIT_ERROR
    finally:
        restore()
    return result if isinstance(result, int) else EXIT_OK


def run() -> None:
    """The console script and ``python -m memmapcalc``: :func:`main`, then exit with its
    status.  A run that ended because of a signal leaves at once (``os._exit`` after
    flushing): the interpreter's own shutdown resets signal handlers and could let a
    straggling SIGINT kill the process instead of it exiting 130 (or 129, 143)."""
    code = main()
    if code == EXIT_INTERRUPTED or (code > EXIT_SIGNAL_BASE and code != EXIT_BROKEN_PIPE):
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(code)
    sys.exit(code)


def _flushed(code: int) -> int:
    """``code``, unless flushing what was printed (help, version) finds stdout gone."""
    from memmapcalc.errors import MemmapcalcError
    from memmapcalc.stdout import StdoutClosed, flush_stdout

    try:
        flush_stdout()
    except StdoutClosed:
        return quiet_broken_pipe()
    except MemmapcalcError as error:
        _say(f"memmapcalc: error: {error}")
        return EXIT_ERROR
    return code


class _closed_pipe_is_not_an_oserror:  # lower case: used as a `with` statement
    """Turn EPIPE into :class:`memmapcalc.stdout.StdoutClosed`: click would catch the
    ``OSError`` and exit 1 ("a machine fails")."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        if isinstance(error, OSError) and error.errno == errno.EPIPE:
            from memmapcalc.stdout import StdoutClosed

            raise StdoutClosed() from None


def _quiet_swallowed_signals(seen: list[int], terminated: type[BaseException]) -> None:
    """A signal that lands inside a callback Python cannot raise from (an import lock's
    weakref callback) has its exception printed as "Exception ignored …" with a traceback.
    It is already recorded in ``seen`` and re-raised at the commit point and at the end of
    the run (interrupts.raise_if_signalled), so that print is noise: drop only those."""
    import sys

    default = sys.unraisablehook

    def hook(info: Any) -> None:
        if seen and isinstance(info.exc_value, terminated | KeyboardInterrupt):
            return
        default(info)

    sys.unraisablehook = hook


def _catch_signals() -> Callable[[], None]:
    """SIGTERM and SIGHUP unwind the run like Ctrl-C does (see :class:`Terminated`);
    returns what puts the previous handlers back.  Only the main thread can set them."""
    import signal

    from memmapcalc.interrupts import SIGNALS_SEEN, Terminated

    previous: dict[int, Any] = {}

    def handler(signo: int, frame: object) -> None:
        SIGNALS_SEEN.append(signo)
        for number in previous:  # once: a second signal must not interrupt the clean-up
            signal.signal(number, signal.SIG_IGN)
        raise Terminated(signo)

    def interrupt(signo: int, frame: object) -> None:
        SIGNALS_SEEN.append(signo)
        raise KeyboardInterrupt

    try:
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, interrupt)
    except (ValueError, OSError):  # not the main thread: leave signals alone
        return lambda: None
    _quiet_swallowed_signals(SIGNALS_SEEN, Terminated)
    for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is None:
            continue
        try:
            previous[number] = signal.signal(number, handler)
        except (ValueError, OSError):  # not the main thread: leave signals alone
            break

    def restore() -> None:
        if SIGNALS_SEEN:  # ending because of a signal: keep ignoring them until the exit
            return
        for number, old in previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(number, old)

    return restore


def _ignore_further_signals() -> None:
    """The run is ending because of a signal: a second one (or the first, still pending
    when the interpreter resets its handlers at exit) must not kill the process before it
    has exited with 128 + the signal's number."""
    import signal

    for number in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is not None:
            with contextlib.suppress(ValueError, OSError):  # (not the main thread)
                signal.signal(number, signal.SIG_IGN)


def _signal_name(signo: int) -> str:
    import signal

    try:
        return signal.Signals(signo).name
    except ValueError:
        return f"signal {signo}"


def _say(message: str) -> None:
    """:func:`memmapcalc.render.stderr.say`, imported only when there is something to say
    (``--help`` stays as small as it is)."""
    from memmapcalc.render.stderr import say

    say(message)
