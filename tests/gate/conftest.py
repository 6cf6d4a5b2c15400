"""Fixtures of the CI-gate tests (see gate_helpers)."""

from tests.gate.gate_helpers import gate  # noqa: F401 - a fixture, used by name
