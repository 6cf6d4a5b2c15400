"""Kernel versions and the version-dependent behaviour table."""
