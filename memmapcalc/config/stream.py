"""Large fleet files read machine by machine, so memory stays flat however many machines
a file holds (a 16 MiB fleet has about 275,000).

Loading such a document whole costs far more than its text: PyYAML composes every node
with two marks before constructing anything (about 1 GB for 16 MiB), and even JSON's
plain dicts take about 130 MB.  From :data:`STREAM_FROM` bytes on, a YAML or JSON
document whose top level is a mapping is read in two passes over its text:

1. every top-level key is read and every machine of ``machines`` is parsed and checked
   exactly as the whole-document parser would (so a syntax error, a duplicate key or a
   YAML 1.1 integer form anywhere is still one error for the file, before any machine
   is reported), then dropped; ``defaults`` may come before or after ``machines``;
2. the machines are parsed again and handed out one at a time, each YAML machine with
   its own node for line and column in error messages.

Anything the passes do not handle themselves (a top level that is not a mapping,
``machines`` that is not a list, anchors on the top-level collections, non-text keys,
several YAML documents) is left to the whole-document parser (:func:`lazy_fleet` returns
``None``), which gives the same answers and messages as for a small file.  TOML is
always read whole (tomllib has no incremental form).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from memmapcalc.errors import InputError

#: Documents from this size on are read machine by machine (smaller ones at once: faster).
STREAM_FROM = 256 * 1024

#: A function giving ``line L, column C`` for a field path below one machine.
Positions = Callable[[tuple[Any, ...], bool], "str | None"]


@dataclass(frozen=True, slots=True)
class LazyFleet:
    """A fleet document's top level without its machines, and a way to read them."""

    head: dict[str, Any]  # every top-level key but machines
    count: int  # machines in the list
    machines: Callable[[], Iterator[tuple[Any, Positions | None]]]


def lazy_fleet(text: str, fmt: str, source: str) -> LazyFleet | None:
    """The fleet in ``text`` read lazily, or ``None`` when the whole-document parser must
    read it (small, TOML, not a fleet, or a shape the passes leave to it)."""
    if len(text) < STREAM_FROM or fmt not in ("json", "yaml"):
        return None
    reader = _JsonFleet(text, source) if fmt == "json" else _YamlFleet(text, source)
    try:
        found = reader.scan()
    except RecursionError:
        raise InputError(source, "is nested too deeply to be a machine config") from None
    if found is None:
        return None
    head, count = found
    return LazyFleet(head, count, reader.machines)


# --------------------------------------------------------------------------- JSON

_SPACE = re.compile(r"[ \t\n\r]*")


class _JsonFleet:
    def __init__(self, text: str, source: str) -> None:
        from memmapcalc.config.parse import json_decoder

        self.text, self.source = text, source
        self.decoder = json_decoder(source, text)
        self.start = -1  # offset of the machines list's '['
        self.end = -1  # offset after the list :meth:`_items` read last

    def _skip(self, pos: int) -> int:
        match = _SPACE.match(self.text, pos)
        assert match is not None
        return match.end()

    def _fail(self, message: str, pos: int) -> InputError:
        error = json.JSONDecodeError(message, self.text, pos)
        return InputError(self.source, f"invalid JSON: {error.msg}",
                          f"line {error.lineno}, column {error.colno}")

    def _value(self, pos: int) -> tuple[Any, int]:
        try:
            return self.decoder.raw_decode(self.text, pos)
        except json.JSONDecodeError as error:
            raise InputError(self.source, f"invalid JSON: {error.msg}",
                             f"line {error.lineno}, column {error.colno}") from None

    def scan(self) -> tuple[dict[str, Any], int] | None:
        text = self.text
        pos = self._skip(0)
        if not text.startswith("{", pos):
            return None
        head: dict[str, Any] = {}
        count, has_machines = 0, False
        pos = self._skip(pos + 1)
        while not text.startswith("}", pos):
            if head or has_machines:
                if not text.startswith(",", pos):
                    raise self._fail("Expecting ',' delimiter", pos)
                pos = self._skip(pos + 1)
            if not text.startswith('"', pos):
                raise self._fail("Expecting property name enclosed in double quotes", pos)
            key, pos = self._value(pos)
            pos = self._skip(pos)
            if not text.startswith(":", pos):
                raise self._fail("Expecting ':' delimiter", pos)
            pos = self._skip(pos + 1)
            if key in head or (key == "machines" and has_machines):
                raise InputError(self.source, f"duplicate key {key!r}")
            if key == "machines" and text.startswith("[", pos):
                has_machines, self.start = True, pos
                count = sum(1 for _ in self._items(pos))
                pos = self.end
            elif key == "machines":
                return None  # not a list: the whole-document path says what is wrong
            else:
                head[key], pos = self._value(pos)
            pos = self._skip(pos)
        if self._skip(pos + 1) != len(text):
            raise self._fail("Extra data", self._skip(pos + 1))
        return (head, count) if has_machines else None

    def _items(self, pos: int) -> Iterator[Any]:
        """Each element of the list whose ``[`` is at ``pos``; ``self.end`` is then the
        offset after its ``]``."""
        text = self.text
        pos = self._skip(pos + 1)
        if text.startswith("]", pos):
            self.end = pos + 1
            return
        while True:
            value, pos = self._value(pos)
            pos = self._skip(pos)
            yield value
            if text.startswith("]", pos):
                self.end = pos + 1
                return
            if not text.startswith(",", pos):
                raise self._fail("Expecting ',' delimiter", pos)
            pos = self._skip(pos + 1)

    def machines(self) -> Iterator[tuple[Any, Positions | None]]:
        for value in self._items(self.start):
            yield value, None


# --------------------------------------------------------------------------- YAML


def _yaml_loader(text: str) -> Any:
    """The strict loader with PyYAML's Python composer on top of the (C) parser, so that
    nodes can be composed one machine at a time."""
    import yaml

    from memmapcalc.config.yaml_loader import StrictLoader

    class NodeLoader(StrictLoader):
        compose_node = yaml.composer.Composer.compose_node
        compose_scalar_node = yaml.composer.Composer.compose_scalar_node
        compose_sequence_node = yaml.composer.Composer.compose_sequence_node
        compose_mapping_node = yaml.composer.Composer.compose_mapping_node

    loader = NodeLoader(text)
    loader.anchors = {}
    return loader


class _YamlFleet:
    def __init__(self, text: str, source: str) -> None:
        self.text, self.source = text, source

    def _walk(self, on_machine: Callable[[Any, Any], Any]) -> Iterator[Any]:
        """Go through the document: top-level keys into ``self.head``, each machine's node
        to ``on_machine(loader, node)`` (whose results are yielded).  Sets ``self.lazy``
        to False and stops when the shape is one the whole-document parser must read."""
        import yaml
        from yaml import events

        from memmapcalc.config.parse import yaml_error

        loader = _yaml_loader(self.text)
        self.lazy, self.head, self.count = False, {}, 0
        has_machines = False
        try:
            loader.get_event()
            if not loader.check_event(events.DocumentStartEvent):
                return
            loader.get_event()
            top = loader.peek_event()
            if not isinstance(top, events.MappingStartEvent) or top.anchor is not None:
                return
            loader.get_event()
            while not loader.check_event(events.MappingEndEvent):
                key_node = loader.compose_node(None, None)
                if (not isinstance(key_node, yaml.ScalarNode)
                        or key_node.tag != "tag:yaml.org,2002:str"):
                    return  # (merge keys, non-text keys: the whole parser's messages)
                key = key_node.value
                if key in self.head or (key == "machines" and has_machines):
                    return
                event = loader.peek_event()
                if key == "machines" and isinstance(event, events.SequenceStartEvent) \
                        and event.anchor is None:
                    has_machines = True
                    loader.get_event()
                    while not loader.check_event(events.SequenceEndEvent):
                        node = loader.compose_node(None, None)
                        self.count += 1
                        yield on_machine(loader, node)
                    loader.get_event()
                elif key == "machines":
                    return
                else:
                    self.head[key] = loader.construct_document(loader.compose_node(None, None))
            loader.get_event()
            loader.get_event()  # document end
            if not loader.check_event(events.StreamEndEvent):
                return  # several documents: the whole parser refuses them
        except yaml.YAMLError as error:
            raise yaml_error(error, self.source, self.text) from None
        self.lazy = has_machines

    def scan(self) -> tuple[dict[str, Any], int] | None:
        for _ in self._walk(lambda loader, node: loader.construct_document(node) and None):
            pass
        return (self.head, self.count) if self.lazy else None

    def machines(self) -> Iterator[tuple[Any, Positions | None]]:
        def machine(loader: Any, node: Any) -> tuple[Any, Positions]:
            from memmapcalc.config.errors import node_position

            return loader.construct_document(node), (
                lambda path, at_key=False: node_position(node, path[2:], at_key))

        yield from self._walk(machine)
