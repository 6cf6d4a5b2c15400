"""Read util-linux ``lsmem`` output in every form it prints.

Formats come from util-linux ``sys-utils/lsmem.c`` (2.30 to 2.42), printed through
libsmartcols (``libsmartcols/src/print.c``) and ``lib/strutils.c``
(``size_to_human_string``); see ``../shared/reference/inputs.md`` §1.3:

* the default table (columns aligned by libsmartcols), optionally followed by a blank
  line and the summary ("Memory block size:" ...), whose label field is 23 characters
  wide in util-linux 2.30-2.40 and 32 from 2.41;
* ``-b``: the same with sizes in bytes;
* ``-r`` raw (cells separated by one space, empty cells empty, unsafe bytes ``\\xHH``);
* ``-P`` pairs (``NAME="value"``);
* ``-J`` JSON (``{"memory": [{"range": ..., "size": ...}, ...]}``; ``size`` is a number
  with ``-b``);
* ``--summary=only``; ``-n`` (no header); ``-a`` (one row per block); ``-o`` any columns,
  including the 2.42 columns CONFIGURED and MEMMAP-ON-MEMORY and the 2.42 summary line
  "Memmap on memory parameter:".

Human sizes (``1.8G``) are rounded by lsmem.  Sizes are therefore taken from the RANGE
column (inclusive end), from BLOCK counts times the block size, or from ``-b`` bytes.  Only
when nothing else is there is a rounded size used, and then only if exactly one whole
number of blocks prints as that text (see :func:`blocks_printed_as`); otherwise the input
is refused.  This package is pure: text in, dataclasses out.
"""

from memmapcalc.importers.lsmem.forms import describe_form, parse_listing
from memmapcalc.importers.lsmem.machine import lsmem_machine
from memmapcalc.importers.lsmem.sizes import blocks_printed_as, human_size

__all__ = ["blocks_printed_as", "describe_form", "human_size", "lsmem_machine", "parse_listing"]
