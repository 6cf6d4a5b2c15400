"""The kernel-behaviour variants of one machine: which kernel each runs on, and that its
recorded config edits reproduce it exactly (so ``check`` of the edited config agrees)."""

from __future__ import annotations

from pathlib import Path

import pytest
from plan_helpers import SHIPPED, apply_edits, mapping_of, params_of

from memmapcalc.config.model import MemmapMode, StandbyHandling
from memmapcalc.config.resolve import resolve
from memmapcalc.model.plan.variants import KEYS, variants
from tests.conftest import machine


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_edits_reproduce_every_variant(path: Path) -> None:
    mapping = mapping_of(path)
    found = variants(params_of(mapping))
    assert tuple(v.key for v in found) == KEYS
    assert sum(v.yours for v in found) == 1, "exactly one behaviour is the machine's own"
    for variant in found:
        assert variant.params is not None
        assert params_of(apply_edits(mapping, dict(variant.edits))) == variant.params, variant.key


def _kernels(m: object) -> list[str]:
    return [v.kernel for v in variants(resolve(m))]  # type: ignore[arg-type]


def test_nearest_mainline_kernel_per_behaviour() -> None:
    assert _kernels(machine("4G", "252G", "6.8")) == ["6.8", "6.9", "6.9", "6.9", "6.19"]
    assert _kernels(machine("4G", "252G", "6.12")) == ["6.8", "6.12", "6.12", "6.12", "6.19"]
    assert _kernels(machine("4G", "252G", "6.19")) == ["6.8", "6.18", "6.18", "6.18", "6.19"]
    assert _kernels(machine("4G", "252G", "7.2")) == ["6.8", "6.18", "6.18", "6.18", "7.2"]
    assert _kernels(machine("4G", "252G", "5.14")) == ["5.14", "6.9", "6.9", "6.9", "6.19"]
    assert _kernels(machine("4G", "252G")) == ["oldest", "6.9", "6.9", "6.9", "6.19"]


def test_own_kernel_keeps_backport_overrides() -> None:
    # rhel-backport: 5.14 with s390 memmap-on-memory backported; its mom columns stay on it
    m = machine("4G", "508G", "5.14.0-503.el9",
                kernel={"s390_memmap_on_memory": True, "memmap_on_memory": "on"})
    found = {v.key: v for v in variants(resolve(m))}
    on = found["boot-add-mom-on"]
    assert on.yours and on.edits == () and on.params == resolve(m)
    # force is not accepted before 6.6: the column falls back, it does not disappear
    force = found["boot-add-mom-force"]
    assert force.params is not None and not force.effective
    assert "not accepted before 6.6" in force.why
    # the behaviour without memmap-on-memory drops the backport override, same version
    plain = found["boot-add"]
    assert plain.edits == (("kernel.standby", None), ("kernel.s390_memmap_on_memory", None))
    assert plain.params is not None and not plain.params.sclp_memmap_on_memory


def test_without_edat1_memmap_on_memory_has_no_effect() -> None:
    found = {v.key: v for v in variants(resolve(machine("2G", "94G", "6.10",
                                                        cpu={"edat1": False})))}
    for key in ("boot-add-mom-on", "boot-add-mom-force"):
        assert found[key].params is not None and not found[key].effective
        assert "no EDAT1" in found[key].why
    assert found["boot-add-mom-off"].yours


def test_force_only_where_pageblocks_need_it() -> None:
    # 128 MiB blocks, 4 MiB pageblocks: Y is refused (512 pages), force rounds up to 1024
    m = machine("1G", "63G", "6.15", kernel={"memmap_on_memory": "force",
                                             "pageblock_size": "4M", "thp": False})
    found = {v.key: v for v in variants(resolve(m))}
    assert not found["boot-add-mom-on"].effective
    assert "not a multiple of the pageblock (1024 pages)" in found["boot-add-mom-on"].why
    assert found["boot-add-mom-force"].effective and found["boot-add-mom-force"].yours
    assert found["boot-add-mom-on"].params.memmap_on_memory is MemmapMode.ON  # type: ignore[union-attr]


def test_block_size_below_an_older_section_is_not_applicable() -> None:
    m = machine("1G", "63G", "6.15", memory={"block_size": "128M"})
    found = {v.key: v for v in variants(resolve(m))}
    assert found["boot-add"].params is None
    assert found["boot-add"].why == ("memory.block_size 128M is smaller than kernel 6.8's 256M "
                                     "section")
    assert found["deferred"].params is not None
    assert found["deferred"].params.standby_handling is StandbyHandling.DEFERRED
