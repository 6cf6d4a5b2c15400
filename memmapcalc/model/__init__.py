"""The one pipeline: resolved inputs in, an evaluation out (budget, verdict, limits, advice,
notes), every step asking the machine's profile (:mod:`memmapcalc.arch`); and the planner
and the after-IPL model built on it."""
