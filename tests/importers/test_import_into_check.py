"""Every importer's output goes straight into `memmapcalc check FILE -f json` (real entry
point, subprocesses): exit 0 or 1, never 2.  Also: help stays light, fixtures unchanged."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from importer_helpers import ALL_RUNS, DATA, LSMEM, ZVM, add_cpuinfo

ROOT = Path(__file__).resolve().parents[2]


def memmapcalc(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "memmapcalc", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})


def check_json(path: Path) -> dict:  # type: ignore[type-arg]
    result = memmapcalc("check", str(path), "-f", "json")
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["error"] == 0, report
    return report  # type: ignore[no-any-return]


LSMEM_SAMPLES = [ALL_RUNS[0], ALL_RUNS[5], ALL_RUNS[9], ALL_RUNS[13], ALL_RUNS[14]]


@pytest.mark.parametrize(("run", "output"), LSMEM_SAMPLES, ids=[r for r, _ in LSMEM_SAMPLES])
@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
def test_import_lsmem_into_check(tmp_path: Path, run: str, output: str, fmt: str) -> None:
    target = tmp_path / f"lnx.{fmt}"
    imported = memmapcalc("import", "lsmem", "-f", fmt, "-o", str(target), stdin=output)
    assert imported.returncode == 0, imported.stderr
    report = check_json(target)
    assert report["results"][0]["standby_blocks"] == 5


def test_import_lsmem_242_into_check(tmp_path: Path) -> None:
    target = tmp_path / "lnx619.yaml"
    imported = memmapcalc("import", "lsmem", str(LSMEM / "lsmem-2.42-s390-configured.txt"),
                          "--kernel-version", "6.19", "-o", str(target))
    assert imported.returncode == 0, imported.stderr
    check_json(target)


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
@pytest.mark.parametrize("source", ["user-direct.direct", "query-v-storage.txt",
                                    "query-v-all.txt"])
def test_import_zvm_into_check(tmp_path: Path, fmt: str, source: str) -> None:
    target = tmp_path / f"guests.{fmt}"
    imported = memmapcalc("import", "zvm", str(ZVM / source), "-f", fmt, "-o", str(target))
    assert imported.returncode == 0, imported.stderr
    report = check_json(target)
    expected = {"user-direct.direct": 4, "query-v-storage.txt": 2, "query-v-all.txt": 1}
    assert report["summary"]["checked"] == expected[source]


@pytest.mark.parametrize("fmt", ["yaml", "json", "toml"])
@pytest.mark.parametrize(("source", "count"), [("partition-show-p1.json", 1),
                                               ("partition-list-z16.json", 2),
                                               ("imageprofile-show-lpar1.json", 1)])
def test_import_hmc_into_check(tmp_path: Path, fmt: str, source: str, count: int) -> None:
    target = tmp_path / f"lpars.{fmt}"
    imported = memmapcalc("import", "hmc", str(DATA / "hmc" / source), "-f", fmt,
                          "-o", str(target))
    assert imported.returncode == 0, imported.stderr
    assert check_json(target)["summary"]["checked"] == count


def test_probe_sysroot_into_check(tmp_path: Path) -> None:
    from importer_helpers import unpack

    unpack(LSMEM / "s390-zvm-6g.tar.bz2", tmp_path)
    root = tmp_path / "s390-zvm-6g"
    add_cpuinfo(root, "s390-zvm", tmp_path)
    target = tmp_path / "probe.yaml"
    probed = memmapcalc("probe", "--sysroot", str(root), "-o", str(target))
    assert probed.returncode == 0, probed.stderr
    result = check_json(target)["results"][0]
    assert (result["block_size"], result["standby_blocks"]) == (256 << 20, 5)


def test_probe_of_this_machine_into_check(tmp_path: Path) -> None:
    target = tmp_path / "here.yaml"
    probed = memmapcalc("probe", "-o", str(target))
    assert probed.returncode == 0, probed.stderr
    if "memory blocks of" in probed.stderr:  # small blocks and no kernel release: flagged
        pytest.skip("this machine's probe is flagged partial for its block size")
    check_json(target)


def test_help_does_not_import_heavy_modules() -> None:
    code = ("import sys\nfrom memmapcalc.cli import main\n"
            "for args in (['import', '--help'], ['import', 'lsmem', '--help'], "
            "['import', 'zvm', '--help'], ['import', 'hmc', '--help'], "
            "['probe', '--help']):\n"
            "    assert main(args) == 0\n"
            "heavy = {'pydantic', 'yaml', 'rich'} & set(sys.modules)\n"
            "assert not heavy, heavy\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr


def test_fixture_checksums_match_the_readme() -> None:
    readme = (DATA / "README.md").read_text()
    listed = {name: digest for digest, name in
              re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.MULTILINE)}
    assert len(listed) == 16
    for name, digest in listed.items():
        assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == digest, name
