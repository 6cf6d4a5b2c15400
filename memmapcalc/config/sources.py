"""Finding and reading the inputs of a run: files, directories walked for configs, stdin.

:func:`iter_sources` says what is to be read, in order, before anything is read (so a
caller can spread the files over worker processes); :func:`iter_inputs` reads it all.
Each document read becomes machines through :mod:`memmapcalc.config.load`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from memmapcalc.config.load import MAX_BYTES, Loaded, default_name, iter_bytes, iter_path
from memmapcalc.config.parse import format_for
from memmapcalc.errors import InputError

if TYPE_CHECKING:
    from memmapcalc.config.overrides import Override

#: How standard input is named in results when ``--stdin-filename`` is not given.
STDIN_NAME = "<stdin>"


#: Extensions read when walking a directory (a file named explicitly is read by its extension
#: too, and refused with a message when it has none of these).
CONFIG_EXTENSIONS = (".yaml", ".yml", ".toml", ".json")



def iter_inputs(inputs: Sequence[str], stdin_filename: str | None = None,
                overrides: Sequence[Override] = ()) -> Iterator[Loaded]:
    """Machines of every input, in order: files, directories (see :func:`find_configs`)
    and ``-`` for standard input.  A missing path or a directory without configs is an
    error entry; the other inputs are still read.
    """
    for source in iter_sources(inputs, stdin_filename, overrides):
        if isinstance(source, str):
            yield from iter_path(source, overrides)
        else:
            yield source


def iter_sources(inputs: Sequence[str], stdin_filename: str | None = None,
                 overrides: Sequence[Override] = ()) -> Iterator[str | Loaded]:
    """What :func:`iter_inputs` reads, in order, before reading it: the path of each config
    file still to load, or an entry already made (standard input's machines, a missing
    path, an unreadable or empty directory).  Lets a caller spread the files over worker
    processes while keeping the order."""
    for path in inputs:
        if path == "-":
            yield from iter_stdin(stdin_filename, overrides)
        elif os.path.isdir(path):
            found = False
            for item in find_configs(path):
                found = True
                if isinstance(item, InputError):
                    yield Loaded(item.source, default_name(item.source), None, item)
                else:
                    yield item
            if not found:
                yield Loaded(path, default_name(path.rstrip("/\\") or path), None, InputError(
                    path, f"no config files ({', '.join(CONFIG_EXTENSIONS)}) in this directory"))
        elif not os.path.lexists(path):
            yield Loaded(path, default_name(path), None,
                         InputError(path, "no such file or directory"))
        else:
            yield path


def find_configs(directory: str) -> Iterator[str | InputError]:
    """Config files below ``directory``, found lazily in a stable order.

    In each directory its files come first, sorted by name, then its subdirectories,
    sorted by name (real directories before symbolic links to directories), each walked
    the same way.  Names starting with ``.`` are skipped (``.git``, ``.github``: a gate
    over a repository must not read CI workflows as machines).  Symbolic links to
    directories are followed, but a directory reached a second time (a link loop, or a
    link to a directory already walked) is not walked again.  A directory that cannot be
    listed is yielded as an :class:`InputError`.
    """
    seen: set[tuple[int, int]] = set()
    stack = [directory]
    while stack:
        current = stack.pop()
        try:
            info = os.stat(current)
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(current) as listing:
                entries = sorted((entry for entry in listing if not entry.name.startswith(".")),
                                 key=lambda entry: entry.name)
        except OSError as error:
            yield InputError(current, f"cannot read directory: {error.strerror or error}")
            continue
        subdirectories: list[tuple[bool, str]] = []
        for entry in entries:
            if _is_dir(entry):
                subdirectories.append((entry.is_symlink(), entry.path))
            elif entry.name.lower().endswith(CONFIG_EXTENSIONS):
                yield entry.path
        stack.extend(path for _, path in sorted(subdirectories, reverse=True))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=True)
    except OSError:  # a broken or looping link: not a directory; read it as a file, if named so
        return False



def iter_stdin(filename: str | None = None,
               overrides: Sequence[Override] = ()) -> Iterator[Loaded]:
    """Machines read from standard input.

    ``filename`` (``--stdin-filename``) names the document in results and messages and
    chooses the format by its extension; without a known extension (or without a name)
    the document is read as YAML, which also reads JSON.
    """
    from memmapcalc.inputfile import read_stdin

    source = filename or STDIN_NAME
    try:
        raw = read_stdin(source, MAX_BYTES)
    except InputError as error:
        yield Loaded(source, default_name(source), None, error)
        return
    yield from iter_bytes(raw, source, format_for(source, default="yaml"), overrides)
