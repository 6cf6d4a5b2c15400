"""The public Python API and --explain: surface pinned, one source of truth, README example."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import memmapcalc
from memmapcalc.records.budget import CHARGED_ITEMS
from tests.conftest import CONFIGS, ROOT

PUBLIC = ["InputError", "Machine", "MemmapcalcError", "Result", "__version__",
          "config_from_mapping", "evaluate", "load_config", "load_configs"]


def test_public_surface_is_pinned() -> None:
    assert sorted(memmapcalc.__all__) == PUBLIC
    assert dir(memmapcalc) == PUBLIC
    for name in PUBLIC:
        assert getattr(memmapcalc, name) is not None
    assert (ROOT / "memmapcalc" / "py.typed").exists()


def test_importing_the_package_stays_light() -> None:
    code = "import sys, memmapcalc; print(sorted({'pydantic','yaml','rich'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_evaluate_a_mapping_a_machine_and_a_file() -> None:
    data = {"name": "lnx01", "memory": {"online": "4G", "standby": "252G"},
            "kernel": {"version": "6.8"}}
    from_mapping = memmapcalc.evaluate(data)
    machine = memmapcalc.config_from_mapping(data)
    from_machine = memmapcalc.evaluate(machine)
    from_file = memmapcalc.evaluate(memmapcalc.load_config(CONFIGS / "zvm-lnx01-6.8.yaml"))
    for result in (from_mapping, from_machine):
        assert (result.name, result.verdict, result.ipl) == ("lnx01", "fail", False)
        assert result.standby_blocks == 1008 and result.block_size == 256 << 20
        assert result.charged_at_ipl["standby_memmap"] == 1008 * (4 << 20)
        assert result.required + result.margin == 4 << 30
    assert from_file.verdict == "fail" and from_file.advice


def test_result_converts_to_the_json_contract(cli) -> None:  # type: ignore[no-untyped-def]
    path = CONFIGS / "zvm-lnx01-6.9-mom.yaml"
    api = memmapcalc.evaluate(memmapcalc.load_config(path), path=str(path)).to_dict()
    ran = cli("check", "-f", "json", str(path))
    assert json.loads(ran.stdout)["results"][0] == api


def test_bad_mapping_raises_input_error() -> None:
    with pytest.raises(memmapcalc.InputError, match=r"memory\.online.*decimal unit"):
        memmapcalc.evaluate({"memory": {"online": "4GB"}})
    with pytest.raises(memmapcalc.MemmapcalcError):
        memmapcalc.load_config(CONFIGS / "does-not-exist.yaml")


@pytest.mark.parametrize("version", ["6.8", "6.9", "6.19", None])
def test_every_charged_item_and_derived_value_is_explained(version: str | None) -> None:
    data = {"memory": {"online": "4G", "standby": "252G"}, "kernel": {"memmap_on_memory": "on"}}
    if version:
        data["kernel"]["version"] = version
    result = memmapcalc.evaluate(data)
    explain = result.explain()
    for key in CHARGED_ITEMS:
        item = explain["charged_at_ipl"][key]
        assert item["value"] == result.charged_at_ipl[key]
        assert re.search(r"\d", item["formula"]), (key, item)
        assert item["source"] and item["versions"]
    for key in ("block_size", "standby_blocks", "memmap_per_block", "memmap_on_memory",
                "min_free_kbytes", "section_size"):
        assert explain["derived"][key]["formula"]
    assert explain["limits"]["min_online"]["value"] == result.min_online
    assert explain["limits"]["max_standby"]["value"] == result.max_standby
    assert sum(part["value"] for part in explain["page_tables"].values()) \
        == result.charged_at_ipl["page_tables"]


def test_check_explain_text_and_json(cli) -> None:  # type: ignore[no-untyped-def]
    path = str(CONFIGS / "zvm-lnx01-6.8.yaml")
    document = json.loads(cli("check", "--explain", "-f", "json", path).stdout)
    explain = document["results"][0]["explain"]
    assert explain["charged_at_ipl"]["standby_memmap"]["formula"] == \
        "1008 blocks × 4 MiB = 4032 MiB"
    assert "sclp" in explain["charged_at_ipl"]["standby_memmap"]["source"]
    text = cli("check", "--explain", path).stdout
    assert "1008 blocks × 4 MiB = 4032 MiB" in text
    assert "memory_block_size_bytes" in text
    plain = json.loads(cli("check", "-f", "json", path).stdout)
    assert "explain" not in plain["results"][0]


def test_readme_api_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "README's Python API section has a python example"
    namespace: dict[str, object] = {}
    exec(compile(code[1], "README.md", "exec"), namespace)  # noqa: S102 - our own README
    assert namespace["result"].verdict == "fail"  # type: ignore[attr-defined]
