"""One line for the user on standard error (messages, errors, the summary of ``check``).

Here, below the commands and the CLI, so both can tell the user something without the
commands importing :mod:`memmapcalc.cli`.  click and the standard library only (the
CLI's error path imports this).
"""

from __future__ import annotations

import contextlib

import click

from memmapcalc.render.safe import terminal


def say(message: str) -> None:
    """A line on stderr, control characters made visible (a name in an error is the
    user's text); a closed or broken stderr never changes how the run ends."""
    with contextlib.suppress(OSError, ValueError):  # stderr closed: nothing left to tell
        click.echo(terminal(message), err=True)
