"""Zero-copy numpy views of Gst.Buffer memory.

The buffer is mapped with ``gst_buffer_map`` through ctypes, not through gst-python's
``Buffer.map`` override: that one builds a MapInfo and a memoryview per call and costs
several times more than the C call itself, on the per-buffer hot path of every
element. The view is made once per map from the data pointer.
"""

from __future__ import annotations

import ctypes
import sys
import threading
from typing import Any

import numpy as np
import numpy.typing as npt

from ._native import gobject as c
from .gst import Gst

# References to the yielded array that are expected while the with block ends: our
# attribute, getrefcount's argument and the caller's ``as`` target.
_EXPECTED_REFS = 3
_WRITE = int(Gst.MapFlags.WRITE)  # GI looks enum members up on every access
_void_p, _byref = ctypes.c_void_p, ctypes.byref


class EscapedViewError(RuntimeError):
    """A numpy view of mapped buffer memory was kept after the buffer was unmapped."""


class MapError(RuntimeError):
    """gst_buffer_map failed (for WRITE: the buffer is not writable)."""


class mapped_array:  # noqa: N801 - used like a function: with mapped_array(...) as a
    """Map ``buf`` and give a numpy array over its memory, without copying.

    ``with mapped_array(buf, np.float32, (frames, channels)) as out: ...``

    The array is valid only inside the ``with`` block. What is caught at its end:

    * the array itself is made read-only, so a stray write through the ``as`` name
      fails loudly instead of scribbling on unmapped memory;
    * anything else that still shares the buffer's memory (the array kept in an
      attribute or a list, a slice, a reshape, a view of a view, a ``.T``, kept
      anywhere, a local variable of the block included) raises
      :class:`EscapedViewError`, which the element's vfunc guard turns into a bus
      ERROR (the element then stops). Such a view cannot be revoked: do not keep
      derived views past the block (``del`` them, or let the function return).

    Copies (``np.array(out)``, ``out.copy()``, arithmetic results) are new memory and
    are never caught. READ maps give a read-only array. ``buf`` must be a
    ``Gst.Buffer`` (anything else is a TypeError, never a crash).

    ``shape`` covers the whole mapping, or with ``strides`` (bytes) the array starts
    ``offset`` bytes in and may cover less (planes, samples of a layout).
    """

    __slots__ = (
        "buf",
        "dtype",
        "shape",
        "flags",
        "offset",
        "strides",
        "info",
        "ptr",
        "array",
        "key",
        "views",
    )
    ptr: ctypes.c_void_p
    array: np.ndarray | None

    def __init__(
        self,
        buf: Gst.Buffer | int,
        dtype: npt.DTypeLike,
        shape: tuple[int, ...],
        flags: Gst.MapFlags | int = Gst.MapFlags.WRITE,
        *,
        offset: int = 0,
        strides: tuple[int, ...] | None = None,
    ) -> None:
        self.buf, self.dtype, self.shape, self.flags = buf, dtype, shape, int(flags)
        self.offset, self.strides = offset, strides

    def __enter__(self) -> np.ndarray:
        buf = self.buf
        if type(buf) is not int and not isinstance(buf, Gst.Buffer):  # int: a pointer
            raise TypeError(
                f"mapped_array needs a Gst.Buffer, not {type(buf).__name__}"
                " (a GstVideoFrame's buffer is None on PyGObject 3.42)"
            )
        self.ptr = vp = _void_p(buffer_pointer(buf))
        self.info = info = c.GstMapInfo()
        if not c.buffer_map_unchecked(vp, _byref(info), self.flags):
            raise MapError(f"could not map buffer (flags {self.flags})")
        writable = self.flags & _WRITE
        # Buffers from a pool come back with the same memory: the array made for it
        # last time is reused, unless anything still holds it (then a stale view
        # would come back to life), which makes a map about a third cheaper.
        key = (info.data, info.size, self.dtype, self.shape, writable, self.offset, self.strides)
        self.key = key
        self.views = views = _thread_views()
        arr = views.get(key)
        if (
            arr is not None
            and sys.getrefcount(arr) == _CACHED_ONLY
            and sys.getrefcount(arr.base) == _BASE_HELD_BY_ARRAY
        ):
            if writable:
                arr.setflags(write=True)  # half of what the flags attribute costs
        else:
            arr = self._new_view(info, writable)
            if len(views) >= _VIEWS_KEPT:
                views.clear()
            views[key] = arr
        self.array = arr
        return arr

    def _new_view(self, info: Any, writable: int) -> np.ndarray:
        raw = c.memory_view(info.data, info.size, c.PYBUF_WRITE if writable else c.PYBUF_READ)
        if self.strides is None:  # the whole mapping, exactly
            return np.frombuffer(raw, self.dtype).reshape(self.shape)
        _check_reach(info.size, np.dtype(self.dtype), self.shape, self.offset, self.strides)
        return np.ndarray(self.shape, self.dtype, raw, self.offset, self.strides)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        arr = self.array
        assert arr is not None
        arr.setflags(write=False)
        expected = _EXPECTED_REFS + 1 + (self.views.get(self.key) is arr)
        escaped = sys.getrefcount(arr) > expected  # + our local `arr`, + the cache's
        # Every view derived from arr (slices, reshapes, views of those) refers to the
        # array over the memory, arr's base, which otherwise only arr holds.
        base = arr.base
        escaped = escaped or sys.getrefcount(base) > _BASE_HELD_BY_ARRAY + 1  # + `base`
        del base
        self.array = None
        c.buffer_unmap_unchecked(self.ptr, _byref(self.info))
        if escaped and exc_type is None:
            raise EscapedViewError("a numpy view of a Gst.Buffer outlived its map")


def _check_reach(
    size: int, dtype: np.dtype, shape: tuple[int, ...], offset: int, strides: tuple[int, ...]
) -> None:
    """A ValueError that says so if the array does not fit in ``size`` bytes (numpy's
    own says only "buffer is too small")."""
    if 0 in shape:
        return
    end = offset + sum((n - 1) * st for n, st in zip(shape, strides, strict=True)) + dtype.itemsize
    if offset < 0 or end > size:
        raise ValueError(
            f"a buffer of {size} bytes cannot hold {dtype} of shape {shape}, strides "
            f"{strides} from byte {offset}"
        )


# Arrays over recently mapped memory, per thread: a view is only reused by the thread
# that holds nothing else of it (two threads may map one buffer for reading at once).
_VIEWS_KEPT = 16
_CACHED_ONLY = 3  # references when only the cache has it: the dict, `arr`, the argument
_BASE_HELD_BY_ARRAY = 2  # references to an array's base held by it alone: it, the argument
_local = threading.local()


def _thread_views() -> dict[tuple[Any, ...], np.ndarray]:
    views: dict[tuple[Any, ...], np.ndarray] | None = getattr(_local, "views", None)
    if views is None:
        views = _local.views = {}
    return views


class Times(ctypes.Structure):
    # GstBuffer's public fields from pts to offset_end, contiguous in 1.x.
    _fields_ = [
        ("pts", ctypes.c_uint64),
        ("dts", ctypes.c_uint64),
        ("duration", ctypes.c_uint64),
        ("offset", ctypes.c_uint64),
        ("offset_end", ctypes.c_uint64),
    ]


def _times_offset() -> int:
    names = [field[0] for field in Times._fields_]
    at = [c.field_offset("Gst", "Buffer", n) for n in names]
    if [a - at[0] for a in at] != [8 * i for i in range(len(names))]:
        raise ImportError("unexpected GstBuffer layout")
    return at[0]


TIMES_OFFSET = _times_offset()


def buffer_pointer(buf: Gst.Buffer | int) -> int:
    """The GstBuffer's C pointer: ``buf`` itself when the caller has only that (the
    ctypes vfuncs of :mod:`._native.ctypes_vfuncs`), else the wrapper's."""
    return buf if type(buf) is int else c.boxed_pointer(buf)


def set_times(
    buf: Gst.Buffer | int,
    pts: int,
    duration: int,
    offset: int,
    offset_end: int,
    dts: int | None = None,
) -> None:
    """Set a buffer's PTS, duration and offsets in one go.

    The same fields ``buf.pts = ...`` sets, written straight into the GstBuffer (one
    ctypes struct instead of four GI property calls, on the per-buffer path). Values
    wrap modulo 2**64 as C's assignments to guint64 do. ``buf`` may be a pointer;
    ``dts`` is set too when given.
    """
    t = Times.from_address(buffer_pointer(buf) + TIMES_OFFSET)
    t.pts = pts & 0xFFFFFFFFFFFFFFFF
    if dts is not None:
        t.dts = dts & 0xFFFFFFFFFFFFFFFF
    t.duration = duration & 0xFFFFFFFFFFFFFFFF
    t.offset = offset & 0xFFFFFFFFFFFFFFFF
    t.offset_end = offset_end & 0xFFFFFFFFFFFFFFFF


def buffer_times(buf: Gst.Buffer | int) -> Any:
    """The buffer's pts, dts, duration, offset and offset_end as attributes of a
    ctypes struct over the GstBuffer itself (valid while the buffer is)."""
    return Times.from_address(buffer_pointer(buf) + TIMES_OFFSET)


def buffer_size(buf: Gst.Buffer | int) -> int:
    """gst_buffer_get_size on a buffer, which may be a pointer."""
    return int(c.buffer_get_size(buffer_pointer(buf)))


# GstMiniObject's flags: what GST_BUFFER_FLAG_SET writes.
FLAGS_OFFSET = c.field_offset("Gst", "MiniObject", "flags")


def add_flags(buf: Gst.Buffer | int, flags: int) -> None:
    """Set ``flags`` (Gst.BufferFlags) on a buffer, which may be a pointer."""
    word = ctypes.c_uint.from_address(buffer_pointer(buf) + FLAGS_OFFSET)
    word.value |= int(flags)


def clear_flags(buf: Gst.Buffer | int, flags: int) -> None:
    """Unset ``flags`` (Gst.BufferFlags) on a buffer, which may be a pointer."""
    word = ctypes.c_uint.from_address(buffer_pointer(buf) + FLAGS_OFFSET)
    word.value &= ~int(flags) & 0xFFFFFFFF


def set_size(buf: Gst.Buffer | int, size: int) -> None:
    """gst_buffer_set_size on a buffer, which may be a pointer."""
    c.buffer_set_size(buffer_pointer(buf), size)


# -- GstAudioMeta: where the planes of a non-interleaved buffer are -------------------
# PyGObject can neither pass the offsets array to gst_buffer_add_audio_meta nor read
# it back (3.42), so both go through ctypes with the offsets GI knows.

_META_SAMPLES = c.field_offset("GstAudio", "AudioMeta", "samples")
_META_OFFSETS = c.field_offset("GstAudio", "AudioMeta", "offsets")
_META_CHANNELS = c.field_offset("GstAudio", "AudioMeta", "info") + c.field_offset(
    "GstAudio", "AudioInfo", "channels"
)


def audio_meta(buf: Gst.Buffer | int) -> tuple[int, tuple[int, ...]] | None:
    """The buffer's GstAudioMeta as (frames, byte offset of each channel's plane), or
    None if it has none. Planar buffers may hold fewer frames than their size says
    (a trimmed buffer keeps its planes where they were)."""
    meta = c.buffer_get_meta(buffer_pointer(buf), c.audio_meta_api_type())
    if not meta:
        return None
    samples = ctypes.c_size_t.from_address(meta + _META_SAMPLES).value
    channels = ctypes.c_int.from_address(meta + _META_CHANNELS).value
    offsets = ctypes.c_void_p.from_address(meta + _META_OFFSETS).value
    if not offsets or channels <= 0:
        return samples, ()
    return samples, tuple((ctypes.c_size_t * channels).from_address(offsets))


def add_audio_meta(
    buf: Gst.Buffer | int, info: object, samples: int, offsets: tuple[int, ...] | None = None
) -> None:
    """Attach a GstAudioMeta: ``samples`` frames per channel, planes at ``offsets``
    (bytes; None: planes back to back, ``samples`` frames each)."""
    array = None
    if offsets is not None:
        array = (ctypes.c_size_t * len(offsets))(*offsets)
    if not c.buffer_add_audio_meta(buffer_pointer(buf), c.boxed_pointer(info), samples, array):
        raise ValueError("gst_buffer_add_audio_meta refused the layout")
