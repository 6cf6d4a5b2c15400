"""Helpers of the planning tests (a module name no other test directory uses)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from memmapcalc.config.load import machine_from_mapping
from memmapcalc.config.parse import parse_document
from memmapcalc.config.resolve import resolve
from memmapcalc.records.params import Params
from tests.conftest import CONFIGS


def mapping_of(path: Path) -> dict[str, Any]:
    """A shipped config as the plain mapping its file holds."""
    data = parse_document(path.read_text(encoding="utf-8"), "yaml", str(path))
    assert isinstance(data, dict) and "machines" not in data
    return data


#: The shipped s390x configs (plan compares s390 standby behaviours; other arches get
#: check's fixes, see test_plan_changes.test_other_architectures_get_checks_fixes).
SHIPPED = sorted(p for p in CONFIGS.glob("*") if p.suffix in {".yaml", ".yml", ".toml", ".json"}
                 and mapping_of(p).get("arch", "s390x") == "s390x")


def apply_edits(mapping: dict[str, Any], edits: dict[str, Any]) -> dict[str, Any]:
    """``mapping`` with dotted-key ``edits`` applied; ``None`` removes the key."""
    out = copy.deepcopy(mapping)
    for key, value in edits.items():
        *parents, leaf = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        if value is None:
            node.pop(leaf, None)
        else:
            node[leaf] = value
    return out


def params_of(mapping: dict[str, Any]) -> Params:
    return resolve(machine_from_mapping(mapping, "test.yaml", "test"))


def check_result(cli: Any, tmp_path: Path, mapping: dict[str, Any],
                 name: str = "m") -> dict[str, Any]:
    """``memmapcalc check -f json`` of ``mapping`` (written as a JSON config): its result."""
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(mapping), encoding="utf-8")
    ran = cli("check", "-f", "json", "--exit-zero", str(path))
    assert ran.returncode == 0, ran.stderr
    result: dict[str, Any] = json.loads(ran.stdout)["results"][0]
    assert result["verdict"] != "error", result["error"]
    return result


def plan_json(cli: Any, *args: str) -> dict[str, Any]:
    ran = cli("plan", "-f", "json", "--exit-zero", *args)
    assert ran.returncode == 0, ran.stderr
    document: dict[str, Any] = json.loads(ran.stdout)
    return document
