"""Text that fits a terminal: finished report lines wrapped to its width.

Only output written to a terminal is wrapped (``width`` from
:func:`memmapcalc.terminal.terminal_width`); a file or pipe gets ``width=None`` and the
lines as they are, one line per fact, byte-stable whatever ``COLUMNS`` says.

A wrapped line keeps its styles and continues under its own text with a hanging indent:
after a leading label (``fix: ``, ``note: ``, ``1. ``, ``- ``), else two columns in from
where the line starts (a heading line at column 0 continues at the report's body indent,
7).  Lines break at spaces; a word wider than the line (a long path) is cut where the
line ends, so nothing is ever cropped or lost, only continued.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.cells import get_character_cell_size
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console

#: A label a continuation hangs after: ``fix: ``, ``note: ``, ``1. ``, ``- ``, ``¹ ``.
_LABEL = re.compile(r"^ *(?:fix:|note:|reason:|[0-9]{1,2}\.|[-•¹²³]) ")
#: Where a word too long for a line is best cut: after one of these (a path's ``/``, a
#: parameter's ``.`` or ``_``), so that the pieces still read as parts of the word.
_JOINTS = "/._=-,"
#: A number and its unit stay on one line: ``16 GiB``, ``0.4 %``.
_UNIT = re.compile(r"[0-9] (?:[KMGTPE]iB|B|%)(?![A-Za-z])")
#: Where a line without leading spaces (a machine's verdict line) continues.
BODY_INDENT = 7


def hanging_indent(plain: str, width: int) -> int:
    """The column a wrapped ``plain`` continues at (at most a third of ``width``)."""
    label = _LABEL.match(plain)
    lead = len(plain) - len(plain.lstrip(" "))
    indent = label.end() if label else (lead + 2 if lead else BODY_INDENT)
    return min(indent, width // 3)


def breaks(plain: str, width: int, indent: int) -> list[tuple[int, int]]:
    """``(end, next start)`` offsets of each piece but the last: each piece fits ``width``
    cells (the first from column 0, the others after ``indent``)."""
    cuts: list[tuple[int, int]] = []
    start, room = 0, width
    while True:
        end, cells, space = start, 0, -1
        while end < len(plain):
            size = get_character_cell_size(plain[end])
            if cells + size > room:
                break
            if plain[end] == " " and end > start and not _UNIT.match(plain, end - 1):
                space = end
            cells += size
            end += 1
        if end >= len(plain):
            return cuts
        if plain[end] == " " and not _UNIT.match(plain, end - 1):
            space = end
        cut = space if space > start else _joint(plain, start, end)
        resume = cut
        while resume < len(plain) and plain[resume] == " ":
            resume += 1
        if resume >= len(plain):
            return cuts
        cuts.append((cut, resume))
        start, room = resume, width - indent


def _joint(plain: str, start: int, end: int) -> int:
    """Where to cut a word that fills ``plain[start:end]`` and goes on: after its last
    joint (:data:`_JOINTS`) in the second half of the piece, else at ``end``."""
    for index in range(end - 1, (start + end) // 2, -1):
        if plain[index] in _JOINTS:
            return index + 1
    return max(end, start + 1)


def wrap(line: Text, width: int) -> list[Text]:
    """``line`` as lines of at most ``width`` cells, styles kept, continued with a hanging
    indent (:func:`hanging_indent`)."""
    plain = line.plain
    if sum(get_character_cell_size(char) for char in plain) <= width:
        return [line]
    indent = hanging_indent(plain, width)
    cuts = breaks(plain, width, indent)
    pieces, start = [], 0
    for cut, resume in cuts:
        pieces.append(line[start:cut])
        start = resume
    pieces.append(line[start:])
    for piece in pieces:
        piece.rstrip()
    first, *rest = pieces
    return [first, *(Text(" " * indent, style=line.style) + piece for piece in rest)]


def fit(lines: Iterable[Text], width: int | None) -> list[Text]:
    """Every line wrapped to ``width``; ``None`` (a file or pipe): the lines unchanged."""
    if width is None:
        return list(lines)
    return [piece for line in lines for piece in wrap(line, max(width, 10))]


class Fitted:
    """A rich console whose printed text is wrapped to a terminal's ``width`` (``None``:
    printed as it is, for files and pipes).  Markup strings and Text are wrapped with
    :func:`wrap`; anything else (a table, sized by its caller) is printed unchanged."""

    def __init__(self, console: Console, width: int | None) -> None:
        self.console, self.width = console, width

    def print(self, *objects: Any, **options: Any) -> None:
        if self.width is None or len(objects) != 1 or not isinstance(objects[0], str | Text):
            if self.width is not None and objects:  # a table: within the terminal's width
                options.setdefault("width", self.width)
            self.console.print(*objects, **options)
            return
        item = objects[0]
        text = self.console.render_str(item) if isinstance(item, str) else item
        options.pop("soft_wrap", None)
        for piece in fit(text.split("\n"), self.width):
            self.console.print(piece, soft_wrap=True, **options)



def column_groups(build: Any, count: int, console: Console, width: int | None) -> list[Any]:
    """Tables of a label column and consecutive groups of ``count`` value columns, each
    group as many as fit ``width`` (at least one): ``build(indices, indent)`` makes the
    table of those columns with its labels indented by ``indent``.  ``width`` None (a file
    or pipe): one table of them all.  Too narrow even for one column at the report's
    indent, the labels move in to 2 columns."""
    if width is None:
        return [build(list(range(count)), BODY_INDENT)]
    indent = BODY_INDENT
    if count and console.measure(build([0], indent)).maximum > width:
        indent = 2
    groups: list[list[int]] = []
    for index in range(count):
        if groups and console.measure(build([*groups[-1], index], indent)).maximum <= width:
            groups[-1].append(index)
        else:
            groups.append([index])
    tables = [build(group, indent) for group in groups] or [build([], indent)]
    for table in tables:
        if console.measure(table).maximum > width:  # one column, still too wide: its
            for column in table.columns:  # cells wrap at spaces (Fitted prints at width)
                column.no_wrap = False
    return tables
