"""kmalloc_size against the kernel's rule on every page size the profiles have.

SLUB (include/linux/slab.h): KMALLOC_MAX_CACHE_SIZE = 1 << (PAGE_SHIFT + 1); sizes up to it
come from the kmalloc caches (powers of two, plus 96 and 192: mm/slab_common.c
kmalloc_info); larger ones go to the page allocator as PAGE_SIZE << get_order(size)
(mm/slub.c ___kmalloc_large_node()).  Both are the next power of two above 192 bytes, so
the result does not depend on the page size: kmalloc_size's 4 KiB pages give the 16K and
64K kernels' answer too."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from memmapcalc.kernel.sections import kmalloc_size
from memmapcalc.units import KiB, MiB

PAGES = (4 * KiB, 16 * KiB, 64 * KiB)


def slub_kmalloc(size: int, page: int) -> int:
    """What SLUB takes for ``kmalloc(size)`` with pages of ``page`` bytes."""
    if size <= 2 * page:  # a kmalloc cache
        for cache in (8, 16, 32, 64, 96, 128, 192):
            if size <= cache:
                return cache
        return 1 << (size - 1).bit_length()
    order = (-(-size // page) - 1).bit_length()  # get_order(size)
    return page << order


@given(st.integers(min_value=1, max_value=64 * MiB), st.sampled_from(PAGES))
def test_kmalloc_size_is_slubs_on_every_page_size(size: int, page: int) -> None:
    assert kmalloc_size(size) == slub_kmalloc(size, page)


def test_kmalloc_size_worked_examples() -> None:
    assert [kmalloc_size(n) for n in (160, 192, 193, 8 * KiB, 8 * KiB + 1, 40 * KiB)] == [
        192, 192, 256, 8 * KiB, 16 * KiB, 64 * KiB]
    assert [slub_kmalloc(40 * KiB, page) for page in PAGES] == [64 * KiB] * 3
