"""docs/design.md is a map of the code: every ``memmapcalc.module:name`` it names must
import and resolve, every module it names must import and every repository path it names
must exist — so the map fails the suite the day code moves without it."""

from __future__ import annotations

import importlib
import re

import pytest

from tests.conftest import ROOT

DESIGN = ROOT / "docs" / "design.md"
TEXT = DESIGN.read_text(encoding="utf-8")
#: `memmapcalc.api.batch:results`, `memmapcalc.core.plan:Spec.title` (inside backticks)
NAMES = sorted(set(re.findall(r"`(memmapcalc(?:\.\w+)*):([\w.]+)`", TEXT)))
#: `memmapcalc.render.safe` (a module on its own, inside backticks)
MODULES = sorted(set(re.findall(r"`(memmapcalc(?:\.\w+)+)`", TEXT)))
#: `configs/zvm-lnx01-6.8.yaml`, `memmapcalc/arch/`, `tests/test_kernel_versions.py`
PATHS = sorted(set(re.findall(r"`((?:configs|docs|memmapcalc|scripts|tests)/[\w./-]*)`", TEXT)))


def test_the_map_names_enough_to_be_a_map() -> None:
    assert len(NAMES) > 80 and MODULES and PATHS


@pytest.mark.parametrize(("module", "name"), NAMES, ids=[f"{m}:{n}" for m, n in NAMES])
def test_every_named_function_exists(module: str, name: str) -> None:
    found: object = importlib.import_module(module)
    for part in name.split("."):
        assert hasattr(found, part), f"docs/design.md names {module}:{name}; no {part!r}"
        found = getattr(found, part)


@pytest.mark.parametrize("module", MODULES)
def test_every_named_module_imports(module: str) -> None:
    importlib.import_module(module)


@pytest.mark.parametrize("path", PATHS)
def test_every_named_path_exists(path: str) -> None:
    assert (ROOT / path).exists(), f"docs/design.md names {path}, which does not exist"
