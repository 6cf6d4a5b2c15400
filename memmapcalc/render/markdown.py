"""``--format markdown``: a summary line and one GitHub-flavoured Markdown table per run,
for ``$GITHUB_STEP_SUMMARY`` and pull-request comments.

Built from the JSON contract's result dicts (:mod:`memmapcalc.api.contract`) for ``check``
and from ``plan``'s plan dicts for ``plan``.  Rows are ordered by verdict (error, fail,
warn, then pass; input order within each), so what needs attention is at the top.
GitHub refuses a job summary over 1 MiB: the table stops at :data:`MAX_ROWS` rows or
:data:`MAX_BYTES` of text, whichever comes first, and says how many rows of each verdict
were left out.  Only the rows that can still be shown are kept while results stream in,
so memory stays bounded however large the fleet.

Every string that comes from the user (names, paths, messages) goes through
:func:`escape`: Markdown and HTML specials are neutralised, control characters are
shown as ``\\xNN``, so a machine named ``a|b <script>`` cannot break the table or inject
markup.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from typing import Any, TextIO

from memmapcalc.render import RenderOptions
from memmapcalc.render.findings import error_message
from memmapcalc.units import human_size

VERDICTS = ("pass", "warn", "fail", "error")
#: Order of rows: what needs attention first.
RANK = {"error": 0, "fail": 1, "warn": 2, "pass": 3}
BADGE = {"pass": "✅ pass", "warn": "⚠️ warn", "fail": "❌ fail", "error": "⛔ error"}
#: At most this many table rows ...
MAX_ROWS = 1000
#: ... and this much row text (UTF-8 bytes), well below GitHub's 1 MiB summary limit.
MAX_BYTES = 800_000

# C0, DEL, C1, the Unicode line/paragraph separators and bidi controls that would
# reorder or break a rendered line, and lone surrogates (from undecodable file names),
# which cannot be written as UTF-8.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e"
                      "\u2066-\u2069\ud800-\udfff]")
# Characters that mean something to CommonMark/GFM inline or table syntax (a cell holds
# inline content only, so line-start markers such as ``#`` or ``-`` are plain there).
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}


def _visible(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def show_controls(text: object) -> str:
    """``text`` with every control character shown as ``\\xNN`` / ``\\uNNNN``."""
    return _CONTROL.sub(_visible, str(text))


def escape(text: object) -> str:
    """``text`` as literal Markdown inside a table cell: control characters as ``\\xNN``,
    Markdown specials backslash-escaped, ``& < > "`` as HTML entities."""
    shown = _SPECIAL.sub(r"\\\1", show_controls(text))
    return "".join(_HTML.get(char, char) for char in shown)


def escape_lines(text: object) -> str:
    """A multi-line message in one cell: each line escaped, joined with ``<br>``."""
    return "<br>".join(escape(line) for line in str(text).splitlines() or [""])


def _size(value: int | None, none: str = "none") -> str:
    return none if value is None else human_size(value)


def _fix_text(fix: Any) -> str:
    """A fix is a string today; a later contract may give ``{"text": ..., ...}``."""
    return str(fix.get("text", fix)) if isinstance(fix, dict) else str(fix)


def _cell_list(items: Iterable[Any]) -> str:
    return "<br>".join(f"• {escape(_fix_text(item))}" for item in items) or "—"


def summary_line(counts: dict[str, int], noun: str = "machine") -> str:
    total = sum(counts.values())
    return (f"{total} {noun}{'' if total == 1 else 's'}: "
            + ", ".join(f"{counts[v]} {v}" for v in VERDICTS))


def row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


class Table:
    """Rows kept in verdict order within the size bound; the rest counted."""

    def __init__(self, head: list[str], align: list[str]) -> None:
        self.head = head
        self.align = align
        self.counts = dict.fromkeys(VERDICTS, 0)
        self.left_out = dict.fromkeys(VERDICTS, 0)
        # A heap whose top is the row to drop first: the lowest-priority verdict, latest.
        self.rows: list[tuple[int, int, str, str]] = []  # (-rank, -order, verdict, text)
        self.size = 0
        self.order = 0

    def add(self, verdict: str, cells: list[str]) -> None:
        self.counts[verdict] += 1
        self.order += 1
        text = row(cells)
        heapq.heappush(self.rows, (-RANK[verdict], -self.order, verdict, text))
        self.size += len(text.encode()) + 1
        while len(self.rows) > MAX_ROWS or (self.size > MAX_BYTES and len(self.rows) > 1):
            _, _, dropped, worst = heapq.heappop(self.rows)
            self.size -= len(worst.encode()) + 1
            self.left_out[dropped] += 1

    def lines(self) -> list[str]:
        out = [row(self.head), row(self.align)]
        out.extend(text for _, _, _, text in sorted(self.rows, reverse=True))
        dropped = {v: n for v, n in self.left_out.items() if n}
        if dropped:
            parts = ", ".join(f"{n} {v}" for v, n in dropped.items())
            out += ["", f"*{sum(dropped.values())} rows left out to stay within GitHub's "
                        f"summary size ({parts}); the JSON report (`-f json`) lists every "
                        f"machine.*"]
        return out


# --------------------------------------------------------------------------- check

_CHECK_HEAD = ["machine", "path", "verdict", "margin", "max standby", "min online"]


def _after_ipl_cell(r: dict[str, Any]) -> str:
    after = r.get("after_ipl")
    if not after:
        return "—"
    blocks, total = after.get("usable_blocks"), after.get("standby_blocks", r.get("standby_blocks"))
    parts = []
    if blocks is not None:
        parts.append(f"{blocks} of {total} blocks" if total is not None else f"{blocks} blocks")
    if after.get("usable_memory") is not None:
        parts.append(human_size(after["usable_memory"]))
    with_mom = after.get("usable_blocks_with_memmap_on_memory")
    if with_mom is not None and with_mom != blocks:
        parts.append(f"{with_mom} with memmap-on-memory")
    return escape(", ".join(parts)) if parts else "—"


def _error_cells(r: dict[str, Any], width: int) -> list[str]:
    """An unreadable config: its verdict ``error`` with the message, the rest empty."""
    verdict = f"{BADGE['error']}<br>{escape_lines(error_message(r))}"
    return [escape(r["name"]), escape(r["path"]), verdict, *["—"] * (width - 3)]


def _check_cells(r: dict[str, Any], after: bool) -> list[str]:
    if r["verdict"] == "error":
        return _error_cells(r, len(_CHECK_HEAD) + after + 1)
    name, path = escape(r["name"]), escape(r["path"])
    verdict = BADGE[r["verdict"]]
    reasons = r.get("reasons") or []
    if reasons:
        verdict += "<br>" + "<br>".join(escape(reason) for reason in reasons)
    max_standby = _size(r["max_standby"]) + (" (cap)" if r.get("max_standby_capped") else "")
    cells = [name, path, verdict, human_size(r["margin"]), max_standby, _size(r["min_online"])]
    if after:
        cells.append(_after_ipl_cell(r))
    cells.append(_cell_list(r.get("advice") or []))
    return cells


def write(results: Iterable[dict[str, Any]], out: TextIO, options: RenderOptions) -> None:
    """``check -f markdown``: all results are needed for the summary line, but only the
    rows that fit are kept."""
    table: Table | None = None
    pending: list[dict[str, Any]] = []
    after = False
    for r in results:
        if table is None:
            # The after-IPL column exists when the contract carries it (issue 14's
            # ``after_ipl``); decided on the first result that is not an error.
            if r["verdict"] == "error" and len(pending) < 64:
                pending.append(r)
                continue
            after = "after_ipl" in r
            table = _check_table(after)
            for early in pending:
                table.add(early["verdict"], _check_cells(early, after))
            pending = []
        table.add(r["verdict"], _check_cells(r, after))
    if table is None:
        table = _check_table(after)
        for early in pending:
            table.add(early["verdict"], _check_cells(early, after))
    out.write(_document("memmapcalc check", table, "machine"))


def _check_table(after: bool) -> Table:
    head = [*_CHECK_HEAD, *(["after IPL usable"] if after else []), "fixes"]
    align = [":--", ":--", ":--", "--:", "--:", "--:", *(["--:"] if after else []), ":--"]
    return Table(head, align)


def _document(title: str, table: Table, noun: str) -> str:
    lines = [f"### {title}", "", f"**{summary_line(table.counts, noun)}**", "", *table.lines()]
    return "\n".join(lines) + "\n"


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    import io

    buffer = io.StringIO()
    write(results, buffer, options)
    return buffer.getvalue()


# --------------------------------------------------------------------------- plan

_PLAN_HEAD = ["machine", "path", "verdict", "margin", "max standby", "min online",
              "after IPL usable (without / with memmap-on-memory)", "fixes"]
_PLAN_ALIGN = [":--", ":--", ":--", "--:", "--:", "--:", "--:", ":--"]


def _yours(entry: dict[str, Any]) -> dict[str, Any] | None:
    return next((b for b in entry.get("behaviours") or [] if b.get("yours")), None)


def _plan_after(entry: dict[str, Any]) -> str:
    after = entry.get("after_ipl")
    if not after:
        return "—"
    total = after["standby_blocks"]
    ways = []
    for key in ("without_memmap_on_memory", "with_memmap_on_memory"):
        way = after[key]
        if not way["available"]:
            ways.append("n/a")
        elif way["total_usable"] is None:
            ways.append(f"{way['blocks']}/{total} blocks")
        else:
            ways.append(f"{way['blocks']}/{total} blocks, {human_size(way['total_usable'])}")
    return escape(" / ".join(ways))


def _plan_cells(entry: dict[str, Any]) -> list[str]:
    if entry["verdict"] == "error":
        return _error_cells(entry, len(_PLAN_HEAD))
    name, path = escape(entry["name"]), escape(entry["path"])
    yours = _yours(entry)
    if yours is None or "margin" not in yours:  # other architectures: check's verdict and fixes
        return [name, path, BADGE[entry["verdict"]], "—", "—", "—",
                _after_ipl_cell(entry) if entry.get("after_ipl") else
                f"n/a ({escape(entry.get('arch'))}: s390x standby only)",
                _cell_list(entry.get("advice") or [])]
    max_standby = _size(yours["max_standby"]) + (" (cap)" if yours["max_standby_capped"] else "")
    fixes_cell = _cell_list(change["text"] for change in entry.get("changes") or [])
    return [name, path, BADGE[entry["verdict"]], human_size(yours["margin"]), max_standby,
            _size(yours["min_online"]), _plan_after(entry), fixes_cell]


def render_plans(entries: Iterable[dict[str, Any]]) -> str:
    """``plan -f markdown``: one table of the machines' plans as configured."""
    table = Table(_PLAN_HEAD, _PLAN_ALIGN)
    for entry in entries:
        table.add(entry["verdict"], _plan_cells(entry))
    return _document("memmapcalc plan", table, "machine")
