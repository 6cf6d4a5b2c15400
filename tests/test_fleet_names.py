"""Machine names within one fleet file are unique (issue 11, item 10): a repeated name
would give two SARIF results the same fingerprint and two JUnit test cases the same name."""

from __future__ import annotations

import json

FLEET = """\
machines:
  - name: lnx01
    memory: {online: 4G}
  - name: lnx02
    memory: {online: 4G}
  - name: lnx01
    memory: {online: 8G}
  - memory: {online: 8G}
  - name: fleet[3]
    memory: {online: 8G}
"""


def test_a_repeated_name_is_an_input_error_naming_both_machines(cli, write) -> None:  # type: ignore[no-untyped-def]
    path = write("fleet.yaml", FLEET)
    ran = cli("check", "-f", "jsonl", str(path))
    assert ran.returncode == 2
    results = [json.loads(line) for line in ran.stdout.splitlines()]
    assert [(r["name"], r["verdict"]) for r in results] == [
        ("lnx01", "pass"), ("lnx02", "pass"), ("lnx01", "error"), ("fleet[3]", "pass"),
        ("fleet[3]", "error")]
    assert results[2]["error"] == (
        f"{path}: machines[2].name (line 6, column 11): machine name 'lnx01' is also the name "
        f"of machines[0]; names identify machines in every report (SARIF fingerprints, JUnit "
        f"test cases): give each machine of a fleet its own name")
    assert "machines[4].name" in results[4]["error"] and "machines[3]" in results[4]["error"]
    assert ran.stderr.count("\n") == 2 and ran.stderr.startswith("memmapcalc: error: ")


def test_sarif_fingerprints_of_a_fleet_are_unique(cli, write) -> None:  # type: ignore[no-untyped-def]
    path = write("fleet.yaml", FLEET)
    sarif = json.loads(cli("check", "-f", "sarif", str(path)).stdout)
    prints = [r["partialFingerprints"]["memmapcalc/machine"]
              for run in sarif["runs"] for r in run["results"]]
    assert len(prints) == len(set(prints))


def test_a_name_in_defaults_names_every_machine_alike(cli, write) -> None:  # type: ignore[no-untyped-def]
    path = write("f.yaml", "defaults: {name: same}\nmachines:\n  - memory: {online: 4G}\n"
                           "  - memory: {online: 8G}\n")
    ran = cli("check", "-f", "jsonl", str(path))
    assert ran.returncode == 2
    errors = [json.loads(line)["error"] for line in ran.stdout.splitlines()]
    assert errors[0] is None and "machines[1] (line 4, column 5): machine name 'same'" in errors[1]


def test_the_same_name_in_two_files_is_fine(cli, write) -> None:  # type: ignore[no-untyped-def]
    a = write("a.yaml", "name: lnx01\nmemory: {online: 4G}\n")
    b = write("b.yaml", "name: lnx01\nmemory: {online: 4G}\n")
    assert cli("check", "-q", str(a), str(b)).returncode == 0
