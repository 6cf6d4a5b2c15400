"""Fixtures of the importer tests (defined in importer_helpers, a name no other test uses)."""

from importer_helpers import invoke, zvm6g_root  # noqa: F401  (pytest fixtures)
