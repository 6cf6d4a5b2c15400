"""``memmapcalc import lsmem|zvm|hmc``: machine configs from lsmem output, z/VM or the HMC.

The parsers live in :mod:`memmapcalc.importers` (pure, text in → draft out); this module
only reads the input, applies the command-line overrides and writes the result: the
config to stdout (or ``-o FILE``, atomically), diagnostics to stderr.  The options shared
with ``memmapcalc probe`` are defined here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from memmapcalc.errors import InputError

F = TypeVar("F", bound=Callable[..., Any])

_MODES = ("off", "on", "force")


def output_options(function: F) -> F:
    """``-f/--format``, ``-o/--output`` and ``--strict``."""
    function = click.option("--strict", is_flag=True,
                            help="Exit 2 instead of writing a config flagged as partial.")(function)
    function = click.option("-o", "--output", "output", metavar="FILE", default=None,
                            help="Write the config to FILE (a regular file is replaced "
                                 "atomically; a device or FIFO is written as a stream) "
                                 "instead of stdout."
                            )(function)
    function = click.option("-f", "--format", "fmt", type=click.Choice(["yaml", "json", "toml"]),
                            default="yaml", show_default=True,
                            help="Config format. JSON has no comments: where each value came "
                                 "from goes to stderr.")(function)
    return function


def machine_options(function: F) -> F:
    """Values the input may not tell, given on the command line."""
    function = click.option("--memmap-on-memory", "memmap", type=click.Choice(_MODES),
                            default=None,
                            help="Set kernel.memmap_on_memory (memory_hotplug.memmap_on_memory=)."
                            )(function)
    function = click.option("--edat1/--no-edat1", "edat1", default=None,
                            help="Set cpu.edat1 (`edat` in /proc/cpuinfo).")(function)
    function = click.option("--kernel-version", metavar="VERSION", default=None,
                            help='Set kernel.version, e.g. "6.8" or "6.8.0-45-generic".')(function)
    function = click.option("--name", default=None,
                            help="Set the machine name (one machine only).")(function)
    return function


def read_input(path: str, stdin_filename: str | None) -> tuple[str, str]:
    """The input text and the name to use for it in messages; a special file is refused and
    a regular one read with a bound (:mod:`memmapcalc.inputfile`)."""
    from memmapcalc.inputfile import read_file, read_stdin

    if path == "-":
        source = stdin_filename or "<stdin>"
        data = read_stdin(source)
    else:
        source = path
        data = read_file(path, what="an import input",
                         accepted="memmapcalc imports from regular files (or '-' for "
                                  "standard input)")
    try:
        return data.decode("utf-8"), source
    except UnicodeDecodeError as error:
        raise InputError(source, "not UTF-8 text", f"byte {error.start}") from None


def apply_overrides(drafts: Sequence[Any], *, name: str | None, kernel_version: str | None,
                    edat1: bool | None, memmap: str | None) -> None:
    """Set what the options give, noting where an option replaces what the input said."""
    from memmapcalc.kernel.version import KernelVersion

    if name is not None and len(drafts) != 1:
        raise click.BadParameter(f"the input describes {len(drafts)} machines; --name names one "
                                 f"(use --user to pick a z/VM guest)", param_hint="--name")
    if kernel_version is not None:
        try:
            KernelVersion.parse(kernel_version)
        except ValueError as error:
            raise click.BadParameter(str(error), param_hint="--kernel-version") from None
    overrides = {"name": ("--name", name), "kernel.version": ("--kernel-version", kernel_version),
                 "cpu.edat1": ("--edat1" if edat1 else "--no-edat1", edat1),
                 "kernel.memmap_on_memory": ("--memmap-on-memory", memmap)}
    for draft in drafts:
        for key, (option, value) in overrides.items():
            if value is None:
                continue
            before = draft.get(key)
            if before is not None and before != value:
                draft.notes.append(f"{option} replaces {key} = {before} read from the input")
            draft.set(key, value, f"{option} option")
        _flag_small_blocks(draft)


def _flag_small_blocks(draft: Any) -> None:
    """Blocks below 256 MiB need a kernel with small sections (s390: 128 MiB from Linux
    6.13).  Without kernel.version, `check` assumes the oldest kernel and its 256 MiB
    sections and refuses the config, so say so here rather than there."""
    from memmapcalc.units import MiB, format_size

    block = draft.get("memory.block_size")
    if isinstance(block, int) and block < 256 * MiB and draft.get("kernel.version") is None:
        draft.partial.append(f"memory blocks of {format_size(block)} need kernel.version (s390 "
                             f"has 128 MiB sections from Linux 6.13); without it `check` assumes "
                             f"the oldest kernel's 256 MiB sections and refuses the config: pass "
                             f"--kernel-version")


def write_result(drafts: Sequence[Any], *, fmt: str, output: str | None, strict: bool,
                 command: str, source: str, messages: Sequence[str] = ()) -> None:
    """Render the drafts; config to stdout or ``output``, diagnostics to stderr."""
    from memmapcalc.atomic import emit
    from memmapcalc.importers.emit import render
    from memmapcalc.render.stderr import say

    rendered = render(drafts, fmt, command, source)
    for message in (*(f"memmapcalc: warning: {source}: {m}" for m in messages),
                    *rendered.messages):
        say(message)
    partial = [d for d in drafts if d.is_partial]
    if strict and partial:
        raise InputError(source, f"partial config ({partial[0].partial[0]}) and --strict was given")
    emit(rendered.text, output)  # stdout, a stream, or a file replaced in one step
    if output is not None and output != "-":
        say(f"memmapcalc: wrote {output}")


@click.group("import", context_settings={"help_option_names": ["-h", "--help"]})
def import_group() -> None:
    """Write a machine config from lsmem output, a z/VM directory or the HMC.

    The config goes to stdout (or -o FILE), YAML by default, with a comment saying where
    each value came from; what the input cannot tell is left out and said on stderr.
    Pass the result to `memmapcalc check`.
    """


@import_group.command("lsmem")
@click.argument("file", default="-", required=False, metavar="[FILE|-]")
@click.option("--columns", metavar="LIST", default=None,
              help="Column names of output printed without a header (lsmem -n), "
                   "e.g. SIZE,STATE.")
@click.option("--block-size", metavar="SIZE", default=None,
              help="Memory block size, for output that does not show it (e.g. 256M).")
@click.option("--stdin-filename", metavar="NAME", default=None,
              help="Name to use for standard input in messages.")
@machine_options
@output_options
def lsmem(file: str, columns: str | None, block_size: str | None, stdin_filename: str | None,
          name: str | None, kernel_version: str | None, edat1: bool | None, memmap: str | None,
          fmt: str, output: str | None, strict: bool) -> None:
    """Read lsmem output (any form: table, -b, -r, -P, -J, --summary) from FILE or stdin.

    Best input: `LC_ALL=C lsmem -b` (exact sizes, summary included). Online blocks become
    memory.online; offline and deconfigured blocks memory.standby; the block size
    memory.block_size.
    """
    from memmapcalc.importers.lsmem import lsmem_machine

    size = _size_option(block_size, "--block-size")
    text, source = read_input(file, stdin_filename)
    names = [c for c in columns.split(",") if c.strip()] if columns is not None else None
    draft = lsmem_machine(text, source, columns=names, block_size=size)
    apply_overrides([draft], name=name, kernel_version=kernel_version, edat1=edat1, memmap=memmap)
    write_result([draft], fmt=fmt, output=output, strict=strict, command="import lsmem",
                 source=source)


@import_group.command("zvm")
@click.argument("file", default="-", required=False, metavar="[FILE|-]")
@click.option("--user", "users", multiple=True, metavar="USERID",
              help="Import only this guest (repeatable).")
@click.option("--reserved", type=click.Choice(["standby", "ignore"]), default="standby",
              show_default=True,
              help="Count RESERVED storage as standby memory (conservative), or leave it out.")
@click.option("--profile", "profile_files", multiple=True, metavar="FILE",
              help="A file with the PROFILE entries the input INCLUDEs (repeatable), e.g. "
                   "the output of DIRM REVIEW for the profile.")
@click.option("--stdin-filename", metavar="NAME", default=None,
              help="Name to use for standard input in messages.")
@machine_options
@output_options
def zvm(file: str, users: tuple[str, ...], reserved: str, profile_files: tuple[str, ...],
        stdin_filename: str | None, name: str | None, kernel_version: str | None,
        edat1: bool | None, memmap: str | None, fmt: str, output: str | None,
        strict: bool) -> None:
    """Read a z/VM user directory or CP QUERY VIRTUAL STORAGE/ALL output from FILE or stdin.

    Directory (USER DIRECT, DIRM REVIEW): USER/IDENTITY statements (logon and maximum
    storage), STORAGE and MAXSTORAGE statements, COMMAND DEFINE STORAGE ... STANDBY ...
    RESERVED, PROFILEs pulled in by INCLUDE (from the input or --profile FILE; a missing
    one gives a partial config).  QUERY: `vmcp q v storage` lines like
    `STORAGE = 8320M MAX = 2T INC = 16M STANDBY = 3968M RESERVED = 0`, optionally
    preceded by the user ID (`LNX01: STORAGE = ...`), or all of `vmcp q v all` (its CPU
    and device lines are skipped).  One guest gives a machine config, several a fleet
    file (machines: [...]).
    """
    from memmapcalc.importers.refusal import refuse_what_check_refuses
    from memmapcalc.importers.zvm import zvm_machines

    text, source = read_input(file, stdin_filename)
    profiles = [read_input(path, None) for path in profile_files]
    drafts, messages = zvm_machines(text, source, users=users, reserved=reserved,
                                    profiles=profiles)
    apply_overrides(drafts, name=name, kernel_version=kernel_version, edat1=edat1, memmap=memmap)
    refuse_what_check_refuses(drafts, source)
    write_result(drafts, fmt=fmt, output=output, strict=strict, command="import zvm",
                 source=source, messages=messages)


@import_group.command("hmc")
@click.argument("file", default="-", required=False, metavar="[FILE|-]")
@click.option("--stdin-filename", metavar="NAME", default=None,
              help="Name to use for standard input in messages.")
@machine_options
@output_options
def hmc(file: str, stdin_filename: str | None, name: str | None, kernel_version: str | None,
        edat1: bool | None, memmap: str | None, fmt: str, output: str | None,
        strict: bool) -> None:
    """Read HMC partitions or image activation profiles (zhmc ... -o json) from FILE or stdin.

    DPM: `zhmc partition show CPC PART -o json` (or `zhmc partition list CPC --all -o
    json`): initial-memory is memory.online, maximum-memory - initial-memory
    memory.standby.  Classic: `zhmc imageprofile show CPC PROFILE -o json`:
    central-storage is memory.online, reserved-central-storage memory.standby.  Sizes are
    MiB.  Several objects give a fleet file (machines: [...]).
    """
    from memmapcalc.importers.hmc import hmc_machines
    from memmapcalc.importers.refusal import refuse_what_check_refuses

    text, source = read_input(file, stdin_filename)
    drafts = hmc_machines(text, source)
    apply_overrides(drafts, name=name, kernel_version=kernel_version, edat1=edat1, memmap=memmap)
    refuse_what_check_refuses(drafts, source)
    write_result(drafts, fmt=fmt, output=output, strict=strict, command="import hmc",
                 source=source)


def _size_option(value: str | None, option: str) -> int | None:
    if value is None:
        return None
    from memmapcalc.units import SizeError, parse_size

    try:
        return parse_size(value)
    except SizeError as error:
        raise click.BadParameter(str(error), param_hint=option) from None
