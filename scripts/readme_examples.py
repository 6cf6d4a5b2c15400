"""Keep the memmapcalc output shown in README.md and docs/*.md real.

An example is an HTML comment that holds the command, right above the fenced block of
its output::

    <!-- memmapcalc-example: memmapcalc check --config configs/zvm-lnx01-6.8.yaml -->
    ```
    FAIL   lnx01  configs/zvm-lnx01-6.8.yaml
    ...
    ```

After the command, filters, each after `` | ``, pick a part of the output:

    | from "TEXT"    start at the first line that contains TEXT
    | until "TEXT"   end with the first line (from there on) that contains TEXT
    | lines N        keep at most N lines
    | more           end with a line "..." (indented as the line above it: cut short)

``--check`` (the default) runs every example and exits 1 with a diff for each one whose
block differs from the output; ``--write`` rewrites the blocks that differ (nothing else
in the files changes) and says which.  After changing what memmapcalc prints, run::

    python scripts/readme_examples.py --write

The commands run as ``python -m memmapcalc`` from the repository root, writing to a pipe
(the byte-stable form files get), with NO_COLOR=1, COLUMNS=100, LC_ALL=C.UTF-8 and
SOURCE_DATE_EPOCH fixed; ``--color always`` in a command draws the terminal-only bar, its
colour codes removed.  Trailing spaces are stripped from every line.  The exit status of
a command is not part of its example (a failing machine exits 1).
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^<!-- memmapcalc-example: (?P<spec>.+?) -->\n"
                    r"(?P<fence>```[a-z]*)\n(?P<body>.*?)^```$", re.M | re.S)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8",
       "SOURCE_DATE_EPOCH": "1764028800", "TZ": "UTC"}


class ExampleError(Exception):
    """An example marker that cannot be run: the message names the file and line."""


@dataclass(frozen=True)
class Example:
    path: Path
    line: int
    spec: str
    start: int  # offset of the block's body in the file
    end: int
    shown: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def examples(path: Path) -> Iterator[Example]:
    text = path.read_text(encoding="utf-8")
    for match in MARKER.finditer(text):
        yield Example(path, text.count("\n", 0, match.start()) + 1, match["spec"],
                      match.start("body"), match.end("body"), match["body"])


def _parse(example: Example) -> tuple[list[str], list[list[str]]]:
    """The command's words and the filters (each its words)."""
    try:
        words = shlex.split(example.spec)
    except ValueError as error:
        raise ExampleError(f"{example.where}: cannot read the command: {error}") from None
    parts: list[list[str]] = [[]]
    for word in words:
        if word == "|":
            parts.append([])
        else:
            parts[-1].append(word)
    command, *filters = parts
    if not command or command[0] != "memmapcalc":
        raise ExampleError(f"{example.where}: an example runs memmapcalc, not {command[:1]}")
    return command, filters


def output(example: Example) -> str:
    """What the example's command prints, filtered, as its block should read."""
    command, filters = _parse(example)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("MEMMAPCALC_")}, **ENV}
    if "--color" in command:
        env.pop("NO_COLOR")
    ran = subprocess.run([sys.executable, "-m", "memmapcalc", *command[1:]], cwd=ROOT,
                         capture_output=True, text=True, env=env, timeout=300, check=False)
    if ran.returncode not in (0, 1):
        raise ExampleError(f"{example.where}: {example.spec!r} exited {ran.returncode}: "
                           f"{ran.stderr.strip()}")
    lines = [_ANSI.sub("", line).rstrip() for line in ran.stdout.splitlines()]
    for words in filters:
        lines = _filtered(example, lines, words)
    while lines and not lines[-1]:
        lines.pop()
    return "".join(line + "\n" for line in lines)


def _filtered(example: Example, lines: list[str], words: list[str]) -> list[str]:
    name, *args = words or [""]
    if name in ("from", "until") and len(args) == 1:
        hits = [index for index, line in enumerate(lines) if args[0] in line]
        if not hits:
            raise ExampleError(f"{example.where}: no line of the output contains {args[0]!r}")
        return lines[hits[0]:] if name == "from" else lines[:hits[0] + 1]
    if name == "lines" and len(args) == 1 and args[0].isdigit():
        return lines[:int(args[0])]
    if name == "more" and not args:
        last = lines[-1] if lines else ""
        return [*lines, " " * (len(last) - len(last.lstrip())) + "..."]
    raise ExampleError(f"{example.where}: unknown filter {' '.join(words)!r}; use from "
                       f"\"TEXT\", until \"TEXT\", lines N or more")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="compare (the default)")
    mode.add_argument("--write", action="store_true", help="rewrite the blocks that differ")
    options = parser.parse_args(argv)
    drifted, count = 0, 0
    try:
        for path in documents():
            found = list(examples(path))
            new_text = text = path.read_text(encoding="utf-8")
            for example in reversed(found):  # from the end: offsets stay valid
                count += 1
                wanted = output(example)
                if wanted == example.shown:
                    continue
                drifted += 1
                if options.write:
                    new_text = new_text[:example.start] + wanted + new_text[example.end:]
                    print(f"{example.where}: rewrote {example.spec}")
                else:
                    diff = difflib.unified_diff(example.shown.splitlines(),
                                                wanted.splitlines(), f"{example.where} (shown)",
                                                f"{example.spec} (output)", lineterm="")
                    print("\n".join(diff))
            if options.write and new_text != text:
                path.write_text(new_text, encoding="utf-8")
    except ExampleError as error:
        print(f"readme_examples: {error}", file=sys.stderr)
        return 2
    if count == 0:
        print("readme_examples: no examples found", file=sys.stderr)
        return 2
    if drifted and not options.write:
        print(f"{drifted} of {count} examples differ from the output; run "
              f"python scripts/readme_examples.py --write", file=sys.stderr)
        return 1
    print(f"{count} examples, {drifted} rewritten" if options.write else
          f"{count} examples match the output")
    return 0


if __name__ == "__main__":
    sys.exit(main())
