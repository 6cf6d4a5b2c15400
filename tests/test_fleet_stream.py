"""Large fleet files are read machine by machine (memmapcalc.config.stream): the results,
errors and their positions must be exactly those of reading the document whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from memmapcalc.config import load, stream

GOOD = "{name: m%d, memory: {online: 4G, standby: %dG}}"
DOCUMENTS = {
    "defaults-first.yaml": "defaults:\n  kernel: {version: '6.8'}\nmachines:\n"
                           "  - {name: a, memory: {online: 4G, standby: 16G}}\n"
                           "  - {name: b, memory: {online: 4G, standby: 1x}}\n"
                           "  - {memory: {online: 4G}, kernel: {version: 6.8.x}}\n"
                           "  - 7\n",
    "defaults-last.yaml": "machines:\n  - {name: a, memory: {online: 4G, standby: 16G}}\n"
                          "  - name: b\n    memory:\n      online: 1G\n      standby: 9T\n"
                          "defaults: {kernel: {version: '6.19'}}\n",
    "anchors.yaml": "machines:\n  - &base {name: a, memory: {online: 4G, standby: 16G}}\n"
                    "  - *base\n  - {name: c, memory: &m {online: 2G}}\n"
                    "  - {name: d, memory: *m}\n",
    "octal-in-a-machine.yaml": "machines:\n  - {name: a, memory: {online: 4G}}\n"
                               "  - {name: b, memory: {online: 0755}}\n",
    "duplicate-in-a-machine.yaml": "machines:\n  - {name: a, name: b, memory: {online: 4G}}\n",
    "syntax-error-late.yaml": "machines:\n  - {name: a, memory: {online: 4G}}\n  - {name: [\n",
    "unknown-top-key.yaml": "machines:\n  - {name: a, memory: {online: 4G}}\nextra: 1\n",
    "duplicate-top-key.yaml": "machines: []\nmachines:\n  - {name: a, memory: {online: 4G}}\n",
    "empty-machines.yaml": "machines: []\n",
    "machines-not-a-list.yaml": "machines: {a: 1}\n",
    "defaults-not-a-mapping.yaml": "defaults: 3\nmachines:\n  - {memory: {online: 4G}}\n",
    "two-documents.yaml": "machines:\n  - {memory: {online: 4G}}\n---\nmachines: []\n",
    "top-is-a-list.yaml": "- {memory: {online: 4G}}\n",
    "fleet.json": '{"defaults": {"kernel": {"version": "6.8"}}, "machines": ['
                  '{"name": "a", "memory": {"online": "4G", "standby": "16G"}},'
                  '{"name": "b", "memory": {"online": "4G", "standby": "x"}}, 3]}',
    "defaults-last.json": '{"machines": [{"name": "a", "memory": {"online": "1G", '
                          '"standby": "9T"}}], "defaults": {"kernel": {"version": "6.19"}}}',
    "bad-json-late.json": '{"machines": [{"name": "a", "memory": {"online": "4G"}}, {]}',
    "trailing-json.json": '{"machines": [{"name": "a", "memory": {"online": "4G"}}]} x',
    "duplicate-json.json": '{"machines": [{"name": "a", "name": "b", "memory": {}}]}',
    "duplicate-top-json.json": '{"machines": [], "machines": [{"memory": {"online": "4G"}}]}',
    "nan-json.json": '{"machines": [{"memory": {"online": NaN}}]}',
    "empty-json.json": '{"machines": []}',
    "not-a-list-json.json": '{"machines": 5}',
}


def _results(path: Path, lazy: bool, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    monkeypatch.setattr(stream, "STREAM_FROM", 0 if lazy else 1 << 62)
    return [(item.name, item.source, str(item.error), item.machine)
            for item in load.iter_path(str(path))]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_streamed_fleet_reads_as_the_whole_document(name: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / name
    path.write_text(DOCUMENTS[name])
    whole = _results(path, False, monkeypatch)
    assert _results(path, True, monkeypatch) == whole
    assert whole  # every document gives at least one entry


def test_large_fleet_is_read_lazily(tmp_path: Path) -> None:
    machines = "".join(f"  - {GOOD % (i, 16 + i % 4)}\n" for i in range(12000))
    path = tmp_path / "big.yaml"
    path.write_text("machines:\n" + machines + "defaults: {kernel: {version: '6.8'}}\n")
    assert path.stat().st_size >= stream.STREAM_FROM
    fleet = stream.lazy_fleet(path.read_text(), "yaml", str(path))
    assert fleet is not None and fleet.count == 12000
    assert fleet.head == {"defaults": {"kernel": {"version": "6.8"}}}
    loaded = list(load.iter_path(str(path)))
    assert len(loaded) == 12000 and loaded[-1].name == "m11999"
    assert loaded[5].machine is not None and str(loaded[5].machine.kernel.version) == "6.8"


def _check_results(*paths: str) -> list[dict[str, Any]]:
    from memmapcalc.api.batch import Checker

    return Checker((), False).files(list(paths))


@pytest.mark.parametrize("paths", [(), ("configs",), ("configs/zvm-lnx01-6.19.yaml",),
                                   ("tests/corpus",)])
def test_streamed_json_is_the_rendered_document(paths: tuple[str, ...]) -> None:
    import io
    import json

    from memmapcalc.config.sources import iter_inputs
    from memmapcalc.render import RenderOptions, json_format

    results = _check_results(*[item if isinstance(item, str) else item.source
                               for item in iter_inputs(list(paths))]) if paths else []
    stream_out = io.StringIO()
    json_format.write(iter(results), stream_out, RenderOptions())
    assert stream_out.getvalue() == json_format.render(results, RenderOptions())
    assert json.loads(stream_out.getvalue())["summary"]["checked"] == len(results)
