"""The example configs in configs/ load and give the verdict their comment promises."""

from __future__ import annotations

import re

import pytest

from memmapcalc.config.load import load_path
from memmapcalc.model.evaluate import evaluate
from tests.conftest import CONFIGS

SHIPPED = sorted(p for p in CONFIGS.glob("*") if p.suffix in {".yaml", ".yml", ".toml", ".json"})


def test_at_least_eight_examples() -> None:
    assert len(SHIPPED) >= 8


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_expected_verdict(path) -> None:  # type: ignore[no-untyped-def]
    expected = re.search(r"Expected: (PASS|WARN|FAIL)", path.read_text(encoding="utf-8"))
    assert expected, f"{path.name} must say 'Expected: PASS|WARN|FAIL' in a comment"
    loaded = load_path(str(path))
    assert all(item.error is None for item in loaded), [str(i.error) for i in loaded]
    for item in loaded:
        assert item.machine is not None
        assert evaluate(item.machine).verdict == expected[1].lower(), path.name
