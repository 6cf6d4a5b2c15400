"""``--format sarif``: a SARIF 2.1.0 log with one result per machine that fails, warns or
cannot be read; passing machines have none.

Three rules: ``cannot-ipl`` (level error), ``low-margin`` (warning: IPLs with less than
10 % of online memory left) and ``invalid-config`` (error, with the line and column the
error names).  Each result points at its config file (a relative path stays relative to
the repository root, as GitHub code scanning expects; line 1 when no line is known) and
names the machine as a logical location, so machines of one fleet file stay apart.  The
document validates against the OASIS SARIF 2.1.0 schema (tests/data/schemas).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any, TextIO
from urllib.parse import quote

from memmapcalc.about import __version__
from memmapcalc.render import RenderOptions
from memmapcalc.render.findings import error_position, margin_warns, message
from memmapcalc.render.safe import dumps, valid

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

#: (id, verdict, level, short description, full description)
RULES = (
    ("cannot-ipl", "fail", "error", "The machine cannot IPL with this memory configuration.",
     "What the kernel charges to online memory at IPL (kernel, initramfs, memory maps of "
     "online and standby memory, page tables, watermarks, user space) exceeds online memory, "
     "or leaves less than boot.min_margin."),
    ("low-margin", "warn", "warning", "The machine IPLs with less than 10 % of online memory left.",
     "The machine IPLs, but less than a tenth of online memory is left after what IPL charges."),
    ("invalid-config", "error", "error", "The machine config cannot be read or is invalid.",
     "The file is not valid YAML, TOML or JSON, or a key or value is not accepted; the "
     "message names the field and what is accepted."),
    ("standby-unusable-after-ipl", "warn", "warning",
     "The machine IPLs, but not all its standby memory can be brought into use after IPL.",
     "From Linux 6.19 each standby block pays its memory map when it is configured after IPL, "
     "from the memory left then unless memmap-on-memory puts the memmap on the block: only "
     "as many blocks as that memory holds memmaps for can be configured."),
)
_BY_VERDICT = {verdict: (index, rule_id, level)
               for index, (rule_id, verdict, level, _, _) in enumerate(RULES[:3])}
#: the warning that is not about the margin (issue 14), appended to keep the rule indices
_AFTER_IPL = (3, RULES[3][0], RULES[3][2])


def artifact_uri(path: str) -> str:
    """A URI reference for a config path: relative paths stay relative (``/`` separated,
    percent-encoded), absolute ones become ``file://`` URIs.  The file name's bytes are
    encoded, so a name that is not UTF-8 (``b'\\xff.yaml'``) becomes ``%FF.yaml``; a string
    no file system could hold (a lone surrogate from a JSON name) is percent-encoded from
    its visible escape (:func:`memmapcalc.render.safe.valid`)."""
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:
        path = valid(path)
        raw = path.encode()
    if os.path.isabs(path):
        return PurePath(path).as_uri()  # (as_uri quotes the file system bytes itself)
    return quote(raw.replace(os.sep.encode(), b"/"), safe="/")


def result(r: dict[str, Any]) -> dict[str, Any] | None:
    """The SARIF result for one machine; ``None`` for a passing machine."""
    found = _BY_VERDICT.get(r["verdict"])
    if found is None:
        return None
    if r["verdict"] == "warn" and not margin_warns(r):
        found = _AFTER_IPL
    index, rule_id, level = found
    line, column = error_position(r)
    region: dict[str, int] = {"startLine": line or 1}
    if column:
        region["startColumn"] = column
    properties: dict[str, Any] = {"machine": r["name"], "verdict": r["verdict"]}
    if r["verdict"] != "error":
        properties.update(margin=r["margin"], required=r["required"], online=r["online"],
                          standby=r["standby"])
    return {
        "ruleId": rule_id,
        "ruleIndex": index,
        "level": level,
        "message": {"text": message(r)},
        "locations": [{
            "physicalLocation": {"artifactLocation": {"uri": artifact_uri(r["path"])},
                                 "region": region},
            "logicalLocations": [{"name": r["name"], "kind": "object",
                                  "fullyQualifiedName": f"{r['path']}#{r['name']}"}],
        }],
        "partialFingerprints": {"memmapcalc/machine": f"{r['path']}#{r['name']}#{rule_id}"},
        "properties": properties,
    }


def document(results: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The whole SARIF log."""
    found = [item for item in (result(r) for r in results) if item is not None]
    rules = [{"id": rule_id, "name": rule_id.replace("-", " ").title().replace(" ", ""),
              "shortDescription": {"text": short}, "fullDescription": {"text": full},
              "defaultConfiguration": {"level": level}}
             for rule_id, _, level, short, full in RULES]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "memmapcalc", "version": __version__,
                                "semanticVersion": __version__, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": found,
        }],
    }


def write(results: Iterable[dict[str, Any]], out: TextIO, options: RenderOptions) -> None:
    out.write(dumps(document(results), indent=2) + "\n")


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    return dumps(document(results), indent=2) + "\n"
