"""Zero-copy numpy views of Gst.Buffer memory."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from .gst import Gst

# References to the yielded array that are expected while the with block ends: our
# local, getrefcount's argument and the caller's ``as`` target.
_EXPECTED_REFS = 3


class EscapedViewError(RuntimeError):
    """A numpy view of mapped buffer memory was kept after the buffer was unmapped."""


@contextmanager
def mapped_array(
    buf: Gst.Buffer,
    dtype: np.dtype,
    shape: tuple[int, ...],
    flags: Gst.MapFlags = Gst.MapFlags.WRITE,
) -> Iterator[np.ndarray]:
    """Map ``buf`` and yield a numpy array over its memory, without copying.

    The array is valid only inside the ``with`` block. On exit it is made read-only,
    so a stray write through the ``as`` name fails loudly instead of scribbling on
    freed memory, and if anything else still holds it (an attribute, a list, a view
    left in a local) :class:`EscapedViewError` is raised, which the element's vfunc
    guard turns into a bus ERROR.
    """
    with buf.map(flags) as info:
        arr = np.ndarray(shape, dtype, buffer=info.data)
        try:
            yield arr
        finally:
            arr.flags.writeable = False
            escaped = sys.getrefcount(arr) > _EXPECTED_REFS
    if escaped:
        raise EscapedViewError("a numpy view of a Gst.Buffer outlived its map")
