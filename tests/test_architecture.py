"""The shape of the package, checked on every test run (issue 12): the layer contracts of
``[tool.importlinter]`` in pyproject.toml hold, no import cycle (lazy imports included),
no architecture's name compared outside the profiles, the config and the importers, and
no module of the model grows past one concept."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from memmapcalc.arch.registry import ARCHES

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "memmapcalc"
#: Packages that may name an architecture: the profiles themselves, the config (its
#: ``arch`` field) and the importers (which read it off a machine).
NAMES_ALLOWED = ("arch", "config", "importers")
MAX_LINES = 300


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph("memmapcalc", cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 10_000))
    try:
        for module in sorted(graph.modules):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(old_limit)
    return found


def test_import_contracts_hold() -> None:
    done = subprocess.run([sys.executable, "-m", "importlinter.cli", "--no-cache"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0 and "No module named importlinter.cli" in done.stderr:
        pytest.fail("import-linter is not installed: pip install -e '.[test]'")
    assert done.returncode == 0, done.stdout + done.stderr


#: Cycles still to break (none: the root package is imported by nobody, issue 12 C1).
KNOWN_CYCLES: list[list[str]] = []


def test_no_import_cycles() -> None:
    assert [c for c in _cycles(_graph()) if c not in KNOWN_CYCLES] == []


def _modules_naming_arches() -> list[str]:
    names = set(ARCHES)
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] in NAMES_ALLOWED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            keys: list[ast.expr] = []
            if isinstance(node, ast.Compare):
                keys = [node.left, *node.comparators]
            elif isinstance(node, ast.Dict):
                keys = [key for key in node.keys if key is not None]
            elif isinstance(node, ast.Subscript):
                keys = [node.slice]
            if any(isinstance(key, ast.Constant) and key.value in names for key in keys):
                found.append(f"{relative}:{node.lineno}")
    return found


#: Modules still allowed to name an architecture outside arch/, config/, importers/ (none).
KNOWN_NAME_USES: tuple[str, ...] = ()


def test_no_arch_names_outside_profiles() -> None:
    found = [where for where in _modules_naming_arches() if not where.startswith(KNOWN_NAME_USES)]
    assert found == []


def test_modules_stay_small() -> None:
    long = {str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
            for path in PACKAGE.rglob("*.py")}
    over = {name: lines for name, lines in long.items() if lines > MAX_LINES}
    assert over == {}


#: ruff's ``line-length`` in pyproject.toml; the package, its tests and scripts keep to it.
MAX_LINE = 100
#: What ruff's E501 does not count: a trailing pragma comment, and a line whose last word
#: is a URL (a URL cannot be split).
_PRAGMA = re.compile(r"\s*#\s*(type:|noqa|pragma:).*$")


def _too_long(line: str) -> bool:
    line = _PRAGMA.sub("", line)
    words = line.split()
    return len(line) > MAX_LINE and not (words and "://" in words[-1])


def test_lines_stay_within_ruffs_line_length() -> None:
    long = [f"{path.relative_to(ROOT)}:{number}"
            for folder in ("memmapcalc", "tests", "scripts")
            for path in sorted((ROOT / folder).rglob("*.py"))
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if _too_long(line)]
    assert long == []
