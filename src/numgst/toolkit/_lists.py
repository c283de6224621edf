"""Buffer lists: how a toolkit source hands out several buffers per call.

``Lists`` is where a source stands (how long its lists have grown, when it last
handed out); :meth:`numgst.toolkit._source.Source._list_count` decides from it.
``Templates`` makes an audio source's list of buffers in one C call: a template list
of buffers wrapping the parts of the render's memory, stamped in place, copied deep
(``gst_buffer_list_copy_deep``: each copy gets memory of its own, as from GstBaseSrc's
default allocator). Allocating and filling each buffer from Python instead costs two
ctypes calls per buffer, more than C's whole step.
"""

from __future__ import annotations

import ctypes
import dataclasses
from typing import Any

import numpy as np

from ..base._native import gobject as c
from ..base.buffers import FLAGS_OFFSET, TIMES_OFFSET, Times


@dataclasses.dataclass
class Lists:
    """Where a source stands with buffer lists (see ``Source._list_count``)."""

    made: int = 0  # creates that could hand out a list since they last could not
    handed_at: int = 0  # monotonic ns when the last create returned (0: none yet)
    handed_ns: int = 0  # the stream time it handed out
    end: int | None = None  # end time of the last list handed out; None after a buffer


class Template:
    """``count`` buffers of ``nbytes`` each wrapping ``memory`` (kept alive here) one
    after the other, in a list of their own; ``times[i]`` and ``flags[i]`` are
    buffer i's fields, written in place."""

    def __init__(self, memory: np.ndarray, count: int, nbytes: int) -> None:
        self.memory = memory  # the wrapped buffers point into it: it lives as they do
        self.list = c.buffer_list_new_sized(count)
        self.times: list[Any] = []
        self.flags: list[Any] = []
        self.flags_set = 0
        base = memory.ctypes.data
        for i in range(count):
            buf = c.buffer_new_wrapped_full(0, base + i * nbytes, nbytes, 0, nbytes, None, None)
            if not buf:
                raise MemoryError("could not wrap a buffer list's memory")
            c.buffer_list_insert(self.list, -1, buf)
            self.times.append(Times.from_address(buf + TIMES_OFFSET))
            self.flags.append(ctypes.c_uint.from_address(buf + FLAGS_OFFSET))

    def set_flags(self, flags: int) -> None:
        """Make ``flags`` (Gst.BufferFlags) the only ones of those set before."""
        if flags != self.flags_set:
            for word in self.flags:
                word.value = (word.value & ~self.flags_set) | flags
            self.flags_set = flags

    def copy(self) -> int:
        """A new list of new buffers: the template's bytes, times, offsets, flags."""
        copied: int = c.buffer_list_copy_deep(self.list)
        if not copied:
            raise MemoryError("could not copy a buffer list")
        return copied

    def __del__(self) -> None:
        c.mini_object_unref(self.list)


class Templates:
    """The templates over one scratch memory, by buffer count (lists grow 1, 2, 4, ...
    and num-buffers may cut one short: a few counts per stream)."""

    def __init__(self) -> None:
        self._made: dict[int, Template] = {}
        self._key: tuple[int, int] = (0, 0)

    def get(self, memory: np.ndarray, count: int, nbytes: int) -> Template:
        """The template of ``count`` buffers of ``nbytes`` over ``memory``."""
        key = (memory.ctypes.data, nbytes)
        if key != self._key:
            self._made.clear()
            self._key = key
        made = self._made.get(count)
        if made is None:
            made = self._made[count] = Template(memory, count, nbytes)
        return made
