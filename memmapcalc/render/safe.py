"""One escaping function per output family, for every string a user controls (machine
names, paths, error messages that quote input).

Policy (README, "Hostile names"):

- **Every format writes valid UTF-8.**  A file name that is not UTF-8 reaches Python as a
  ``surrogateescape`` string (``b'\\xff.yaml'`` → ``'\\udcff.yaml'``); it is shown as the
  backslash escape of its bytes, ``\\xff.yaml``.  Any other lone surrogate (``"\\ud800"``
  written in a JSON config) is shown as ``\\ud800``.  The same text in every format.
- **Terminal, text and line-oriented formats** (text, plan, frontier, stderr, GitHub
  annotations, JUnit XML): control characters (C0 but for tab/newline where a format
  keeps them, DEL, C1), the line and paragraph separators U+2028/U+2029 and the bidi
  controls (U+061C, U+200E/U+200F, U+202A to U+202E, U+2066 to U+2069) are replaced by visible
  escapes (``\\x1b``, ``\\u2028``): nothing can move the cursor, clear the screen, split a
  log line or reorder what a reader sees.
- **JSON** (json, jsonl, sarif, plan and frontier JSON): lossless — the same characters,
  but U+2028/U+2029, U+0085 and the other C1 controls, DEL and the bidi controls are
  written as ``\\uXXXX`` escapes (``json`` already escapes C0), so a line-oriented reader
  never sees a raw separator.
- **rich markup**: text that goes through rich is escaped (:func:`markup`), so ``[/x]``
  in a name prints as ``[/x]`` instead of failing or vanishing.

Standard library only: the CLI's error path imports this.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")
#: What a terminal or a line-oriented reader must not get raw.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                     "\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: The same, newline and tab allowed (multi-line messages, XML text).
_UNSAFE_KEEP_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f"
                                "\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
#: In JSON text: characters json.dumps leaves raw that line readers split on or that
#: reorder text; surrogates (only ever inside strings) are handled by :func:`_json_char`.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e"
                          "\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_char(char: str) -> str:
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte surrogateescape could not decode
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _sub(pattern: re.Pattern[str], text: str) -> str:
    # The search first: almost every string is clean and is returned as it is.
    if pattern.search(text) is None:
        return text
    return pattern.sub(lambda match: _escape_char(match.group()), text)


def valid(text: str) -> str:
    """``text`` with lone surrogates as visible escapes: encodable as UTF-8."""
    return _sub(_SURROGATE, text)


def terminal(value: Any) -> str:
    """For one line on a terminal or in a log: no control character (tab and newline
    included), separator or bidi character, and valid UTF-8."""
    return _sub(_UNSAFE, str(value))


def lines(value: Any) -> str:
    """As :func:`terminal`, but newlines and tabs kept (multi-line text whose line breaks
    the format encodes itself: GitHub's ``%0A``, XML text)."""
    return _sub(_UNSAFE_KEEP_LINES, str(value))


def markup(value: Any) -> str:
    """``value`` for a rich markup string: :func:`terminal` and rich's markup escape."""
    from rich.markup import escape

    return escape(terminal(value))


def _json_char(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:  # not encodable: the visible escape, as in every format
        return json.dumps(_escape_char(char))[1:-1]
    return f"\\u{code:04x}"


def json_text(encoded: str) -> str:
    """JSON produced by ``json.dumps(..., ensure_ascii=False)`` made safe: valid UTF-8 and
    no raw separator, C1 or bidi character (escaped as ``\\uXXXX``, which parses back to
    the same string; a lone surrogate becomes its visible escape)."""
    if _JSON_UNSAFE.search(encoded) is None:
        return encoded
    return _JSON_UNSAFE.sub(_json_char, encoded)


def dumps(data: Any, **options: Any) -> str:
    """``json.dumps(data, ensure_ascii=False, **options)`` through :func:`json_text`."""
    return json_text(json.dumps(data, ensure_ascii=False, **options))
