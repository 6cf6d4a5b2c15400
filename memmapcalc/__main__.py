"""``python -m memmapcalc``: the same entry point as the console script."""

from memmapcalc.cli import run

run()
