"""``memmapcalc completion SHELL``: print click's completion script for bash, zsh or fish.

Completion runs the installed ``memmapcalc`` with ``_MEMMAPCALC_COMPLETE`` set on every
TAB press; the lazy subcommands keep that as fast as ``--help`` (no pydantic, yaml or
rich).  It works through the console script, not through ``python -m memmapcalc``.
"""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS))
def completion(shell: str) -> int:
    """Print the completion script for SHELL (bash, zsh or fish).

    \b
    bash:  eval "$(memmapcalc completion bash)"         (add to ~/.bashrc)
    zsh:   eval "$(memmapcalc completion zsh)"          (add to ~/.zshrc)
    fish:  memmapcalc completion fish > ~/.config/fish/completions/memmapcalc.fish
    """
    from click.shell_completion import get_completion_class

    from memmapcalc.atomic import emit

    complete = get_completion_class(shell)
    assert complete is not None  # every name in SHELLS is one of click's shells
    # The group this command runs under (memmapcalc.cli's), found without importing it.
    group = click.get_current_context().find_root().command
    script = complete(group, {}, "memmapcalc", "_MEMMAPCALC_COMPLETE").source()
    emit(script + "\n", None)
    return 0
