"""Shared inputs of the report tests: a hostile fleet (names that are markup, table
syntax and control characters) plus one unreadable config, and the JSON it gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import run_cli

#: Names a report must show literally: table syntax, HTML, Markdown, a terminal escape.
HOSTILE = "a|b <script>alert(1)</script> `x` *y* _z_ [l](http://e.example) \x1b[2J"
HOSTILE_2 = "\"q\" & 'r' <img src=x onerror=alert(2)>"

FLEET = f"""\
defaults: {{kernel: {{version: "6.8"}}}}
machines:
  - name: {json.dumps(HOSTILE)}
    memory: {{online: 4G, standby: 252G}}
  - name: {json.dumps(HOSTILE_2)}
    memory: {{online: 8G, standby: 64G}}
  - name: small
    memory: {{online: 2G, standby: 16G}}
"""
BROKEN = "name: broken\nmemory:\n  online: lots\n"


def hostile_dir(tmp_path: Path) -> Path:
    """A directory with the hostile fleet and a config that cannot be read."""
    (tmp_path / "fleet.yaml").write_text(FLEET)
    (tmp_path / "broken.yaml").write_text(BROKEN)
    return tmp_path


def json_results(*args: str) -> list[dict[str, Any]]:
    done = run_cli("check", "-f", "json", "--exit-zero", *args)
    results: list[dict[str, Any]] = json.loads(done.stdout)["results"]
    return results
