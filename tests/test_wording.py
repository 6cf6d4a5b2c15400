"""Words an IBM Z admin reads right (issue 14): memory sections and blocks (not "block
devices", which on Z are DASD/FCP disks), memmap-on-memory spelled out, a footnote only
where a cell refers to it, --explain in words (yes/no, "all kernels", singular counts)."""

from __future__ import annotations

import json

from tests.conftest import run_cli


def test_check_names_the_metadata_and_spells_memmap_on_memory() -> None:
    out = run_cli("check", "configs/zvm-lnx01-6.8.yaml").stdout
    assert "memory sections and blocks" in out and "block devices" not in out
    assert "memmap-on-memory: no" in out and "memmap on memory" not in out


def test_plan_explains_mom_and_prints_footnote_2_only_when_a_cell_has_it() -> None:
    plain = run_cli("plan", "configs/zvm-lnx01-6.8.yaml").stdout
    assert "mom: memmap-on-memory (memory_hotplug.memmap_on_memory=0, 1 or force)" in plain
    assert "¹ after IPL" in plain and "in use after IPL¹" in plain
    assert " ²" not in plain and "²" not in plain  # no kernel cell falls back here
    falls_back = run_cli("plan", "configs/zvm-no-edat1.yaml").stdout
    assert " ²" in falls_back
    assert "² the setting has no effect here and falls back" in falls_back


def test_frontier_explains_mom() -> None:
    out = run_cli("frontier", "--config", "configs/zvm-lnx01-6.8.yaml", "--online",
                  "4G").stdout
    assert "mom=1" in out and "mom: memmap-on-memory" in out


def test_explain_reads_in_words_and_keeps_the_json() -> None:
    text = run_cli("check", "--explain", "configs/zvm-lnx01-6.8.yaml").stdout
    assert "memmap_on_memory = no" in text and "= False" not in text and "= True" not in text
    assert "— all kernels" in text and "kernels all" not in text
    assert "— kernels before 6.9" in text and "charged at IPL" in text
    assert "1 segment table × 16 KiB" in text and "1 segment tables" not in text
    assert "1 new segment table × 16 KiB" in text
    data = json.loads(run_cli("check", "-f", "json", "--explain",
                              "configs/zvm-lnx01-6.8.yaml").stdout)
    explain = data["results"][0]["explain"]
    assert list(explain) == ["derived", "charged_at_ipl", "page_tables", "metadata",
                            "limits"]
    assert explain["derived"]["memmap_on_memory"] == {
        "value": False, "formula": "the kernel's s390 sclp driver never requests "
        "MHP_MEMMAP_ON_MEMORY", "source": "drivers/s390/char/sclp_cmd.c add_memory_merged(): "
        "MHP_NONE", "versions": "before 6.9"}
    assert explain["derived"]["section_size"]["versions"] == "before 6.13"


def test_plan_names_the_release_as_written_with_its_distribution(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # plan used to say "kernel 6.8" for an Ubuntu kernel whose backports it had applied
    config = tmp_path / "u.yaml"
    config.write_text("memory: {online: 8G, standby: 1T}\n"
                      "kernel: {version: 6.8.0-31-generic, memmap_on_memory: 'on'}\n")
    out = run_cli("plan", str(config)).stdout
    assert ("as configured: kernel 6.8.0-31-generic (ubuntu-24.04), standby added at IPL, "
            "memory_hotplug.memmap_on_memory=1: IPLs with") in out
    mainline = tmp_path / "m.yaml"
    mainline.write_text("memory: {online: 8G, standby: 1T}\nkernel: {version: '6.8'}\n")
    plain = run_cli("plan", str(mainline)).stdout
    assert "as configured: kernel 6.8, standby added at IPL" in plain
