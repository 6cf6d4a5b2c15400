"""``platform: zvm | lpar | kvm`` (issue 13, 4): what differs at IPL, each from the kernel
source (memmapcalc.arch.s390x.platforms), through the public API and the real CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import memmapcalc
from memmapcalc.api.contract import RESULT_KEYS
from memmapcalc.arch.s390x.platforms import PLATFORMS, vmcp_cma_reserved
from memmapcalc.kernel.version import v

MiB = 1 << 20
LNX01 = {"name": "lnx01", "memory": {"online": "4G", "standby": "252G"},
         "kernel": {"version": "6.8"}}


def _with(platform: str | None, **kernel: Any) -> dict[str, Any]:
    data: dict[str, Any] = {**LNX01, "kernel": {**LNX01["kernel"], **kernel}}
    if platform is not None:
        data["platform"] = platform
    return data


def test_zvm_charges_exactly_the_vmcp_cma_area() -> None:
    absent, zvm = memmapcalc.evaluate(_with(None)), memmapcalc.evaluate(_with("zvm"))
    assert absent.charged_at_ipl["cma"] == 0
    assert zvm.charged_at_ipl["cma"] == 4 * MiB  # CONFIG_VMCP_CMA_SIZE default "4"
    assert absent.margin - zvm.margin == 4 * MiB
    assert {k: v for k, v in zvm.charged_at_ipl.items() if k != "cma"} == {
        k: v for k, v in absent.charged_at_ipl.items() if k != "cma"}


@pytest.mark.parametrize("platform", ["lpar", "kvm"])
def test_lpar_and_kvm_keep_the_numbers_of_an_absent_platform(platform: str) -> None:
    data = _with(platform)
    if platform == "kvm":  # a KVM guest has no standby memory
        data["memory"] = {"online": "4G"}
    absent = _with(None)
    absent["memory"] = data["memory"]
    a, b = memmapcalc.evaluate(absent), memmapcalc.evaluate(data)
    assert (a.margin, a.charged_at_ipl, a.block_size) == (b.margin, b.charged_at_ipl,
                                                          b.block_size)


def test_notes_say_what_was_assumed() -> None:
    absent = memmapcalc.evaluate(_with(None)).to_dict()["notes"]
    assert any(n.startswith("platform not given: no z/VM vmcp CMA area charged") for n in absent)
    assert not any("platform" in n for n in memmapcalc.evaluate(_with("zvm")).to_dict()["notes"])
    lpar = memmapcalc.evaluate(_with("lpar", vmcp_cma="8M")).to_dict()["notes"]
    assert ("kernel.vmcp_cma has no effect on platform lpar: vmcp_cma_reserve() reserves it "
            "only under z/VM") in lpar


@pytest.mark.parametrize(("size", "version", "reserved"), [
    (None, "6.8", 4 * MiB),  # the default
    ("8M", "6.8", 8 * MiB),
    ("1M", "6.8", 1 * MiB),  # 5.19+: aligned to one pageblock (1 MiB)
    ("1M", "5.14", 4 * MiB),  # before: PAGE_SIZE << max(MAX_ORDER - 1, pageblock_order)
    ("5M", "6.12", 5 * MiB),
    ("0", "6.8", 0),
])
def test_vmcp_cma_size_and_alignment(size: str | None, version: str, reserved: int) -> None:
    kernel = {} if size is None else {"vmcp_cma": size if size != "0" else 0}
    result = memmapcalc.evaluate(_with("zvm", **kernel, version=version))
    assert result.charged_at_ipl["cma"] == reserved


def test_vmcp_cma_follows_the_pageblock_of_a_kernel_without_thp() -> None:
    assert vmcp_cma_reserved("zvm", 1 * MiB, v("6.8"), 4 * MiB) == 4 * MiB
    assert vmcp_cma_reserved("lpar", 64 * MiB, v("6.8"), MiB) == 0
    assert vmcp_cma_reserved(None, None, v("6.8"), MiB) == 0


def test_json_carries_platform_last_and_text_names_it(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "g.yaml"
    config.write_text("platform: zvm\nmemory: {online: 4G, standby: 252G}\n"
                      "kernel: {version: '6.8'}\n")
    ran = cli("check", "-f", "json", str(config))
    result = json.loads(ran.stdout)["results"][0]
    assert list(result)[-4:-2] == ["platform", "fixes"] and tuple(result) == RESULT_KEYS
    assert result["platform"] == "zvm" and result["charged_at_ipl"]["cma"] == 4 * MiB
    text = cli("check", str(config)).stdout
    assert "       z/VM guest, kernel 6.8, standby added at IPL;" in text
    (row,) = [line for line in text.splitlines() if "CMA area (z/VM vmcp)" in line]
    assert row.split()[4] == "4194304"  # label of 4 words, then the bytes
    plain = cli("check", "--online", "4G", "--standby", "252G", "--kernel", "6.8").stdout
    assert "CMA area (z/VM vmcp)" not in plain
    assert "\n       kernel 6.8, standby added at IPL;" in plain


@pytest.mark.parametrize(("config", "message"), [
    ("platform: kvm\nmemory: {online: 4G, standby: 8G}\n",
     "memory.standby (line 2, column 31): 8G on platform kvm: a KVM guest has no standby "
     "memory (QEMU hw/s390x/sclp.c read_SCP_info(): rnsize = 1"),
    ("arch: x86_64\nplatform: zvm\nmemory: {online: 4G}\n",
     "platform (line 2, column 11): zvm does not apply to arch x86_64"),
    ("platform: zVM\nmemory: {online: 4G}\n",
     "platform (line 1, column 11): 'zVM' is not accepted; expected 'zvm', 'lpar' or 'kvm'"),
])
def test_platform_errors_name_the_field(cli, tmp_path: Path, config: str,  # type: ignore[no-untyped-def]
                                        message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(config)
    ran = cli("check", str(path))
    assert ran.returncode == 2
    assert f"{path}: {message}" in ran.stdout, ran.stdout


def test_kvm_guest_without_standby_passes_with_sections_as_blocks() -> None:
    result = memmapcalc.evaluate({"platform": "kvm", "memory": {"online": "4G", "increment": "1M"},
                                  "kernel": {"version": "6.13"}})
    assert result.block_size == 128 * MiB and result.verdict == "pass"


def test_every_platform_row_names_its_source() -> None:
    assert set(PLATFORMS) == {"zvm", "lpar", "kvm"}
    assert [name for name, row in PLATFORMS.items() if row.vmcp_cma] == ["zvm"]
    assert [name for name, row in PLATFORMS.items() if not row.sclp_standby] == ["kvm"]
    assert all(row.source for row in PLATFORMS.values())


def test_a_kvm_guest_has_no_max_standby_and_says_why(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "kvm01.yaml"
    config.write_text("platform: kvm\nmemory: {online: 2G}\nkernel: {version: '6.8'}\n")
    result = json.loads(cli("check", "-f", "json", str(config)).stdout)["results"][0]
    assert result["max_standby"] is None and result["verdict"] == "pass"
    assert any(n.startswith("no max_standby: a KVM guest has no standby memory")
               for n in result["notes"])
    text = cli("check", str(config)).stdout
    assert "max standby none (no standby memory on this platform);" in text
