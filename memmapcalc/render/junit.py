"""``--format junit``: JUnit XML, one ``<testcase>`` per machine, one ``<testsuite>`` per
input file (a fleet file's machines share a suite).

A machine that cannot IPL is a ``<failure>``, an unreadable or invalid config an
``<error>``; both carry the reason in ``message`` and the details as text.  A machine
that warns passes; its warning goes to the suite's ``<system-out>``.  The document
follows the Apache Ant JUnit schema (windyroad ``JUnit.xsd``) that Jenkins, GitLab and
most CI readers accept: ``properties``, ``system-out`` and ``system-err`` in every suite,
a ``timestamp`` without time zone (``SOURCE_DATE_EPOCH`` is honoured for reproducible
reports) and a ``hostname``.

Suites are written as each file's machines are done, so memory holds one file's results.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from collections.abc import Iterable
from typing import Any, TextIO
from xml.sax.saxutils import escape, quoteattr

from memmapcalc.about import __version__
from memmapcalc.render import RenderOptions
from memmapcalc.render.findings import details, headline
from memmapcalc.render.safe import lines

#: Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(value: Any) -> str:
    """Control characters and lone surrogates as visible escapes, as in every format
    (:func:`memmapcalc.render.safe.lines`); what XML 1.0 still cannot carry (U+FFFE,
    U+FFFF) as U+FFFD."""
    return _NOT_XML.sub("\ufffd", lines(value))


def _text(value: str) -> str:
    return escape(_xml(value))


def _attr(value: Any) -> str:
    return quoteattr(_xml(value), {"\n": "&#10;", "\r": "&#13;",
                                                          "\t": "&#9;"})


def _timestamp() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(int(epoch)))
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime())


def _hostname() -> str:
    import socket

    return socket.gethostname().strip() or "localhost"


def testcase(r: dict[str, Any]) -> str:
    """One ``<testcase>`` element (indented for a suite)."""
    head = f'    <testcase name={_attr(r["name"])} classname={_attr(r["path"])} time="0"'
    verdict = r["verdict"]
    if verdict not in ("fail", "error"):
        return head + "/>\n"
    tag = "failure" if verdict == "fail" else "error"
    kind = "cannot-ipl" if verdict == "fail" else "invalid-config"
    body = "\n".join(details(r)) or headline(r)
    return (f"{head}>\n      <{tag} message={_attr(headline(r))} type={_attr(kind)}>"
            f"{_text(body)}</{tag}>\n    </testcase>\n")


def _why(r: dict[str, Any]) -> str:
    """Why a machine warns: its reasons (little room, standby not all usable after IPL)."""
    return "; ".join(r.get("reasons") or []) or headline(r)


def testsuite(index: int, path: str, results: list[dict[str, Any]], stamp: str,
              host: str) -> str:
    """One ``<testsuite>`` for the machines of one input file."""
    failures = sum(r["verdict"] == "fail" for r in results)
    errors = sum(r["verdict"] == "error" for r in results)
    warnings = "".join(f"{r['name']}: warn: {_why(r)}\n" for r in results
                       if r["verdict"] == "warn")
    return "".join([
        f"  <testsuite name={_attr(path or '-')} package=\"memmapcalc\" id=\"{index}\" "
        f"tests=\"{len(results)}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"0\" "
        f"time=\"0\" timestamp=\"{stamp}\" hostname={_attr(host)}>\n",
        "    <properties>\n",
        f"      <property name=\"memmapcalc.version\" value={_attr(__version__)}/>\n",
        "    </properties>\n",
        *(testcase(r) for r in results),
        f"    <system-out>{_text(warnings)}</system-out>\n",
        "    <system-err></system-err>\n",
        "  </testsuite>\n",
    ])


def write(results: Iterable[dict[str, Any]], out: TextIO, options: RenderOptions) -> None:
    stamp, host = _timestamp(), _hostname()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n')
    groups = itertools.groupby(results, key=lambda r: r["path"])
    for index, (path, group) in enumerate(groups):
        out.write(testsuite(index, path, list(group), stamp, host))
    out.write("</testsuites>\n")


def render(results: list[dict[str, Any]], options: RenderOptions) -> str:
    import io

    buffer = io.StringIO()
    write(results, buffer, options)
    return buffer.getvalue()
