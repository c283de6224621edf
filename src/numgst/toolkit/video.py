"""Video frames as numpy arrays: every plane a view of the mapped buffer, strides and
plane offsets respected (from the caps, or from the buffer's GstVideoMeta when
upstream lays its planes out its own way).

This does not use ``GstVideo.VideoFrame``: on PyGObject 3.42 a frame mapped through it
hands Python a ``buffer`` of None and junk data pointers.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
from typing import Any

import gi
import numpy as np

from ..base._native import gobject as c
from ..base.buffers import buffer_pointer
from ..base.gst import Gst

gi.require_version("GstVideo", "1.0")
from gi.repository import GstVideo  # noqa: E402

__all__ = ["FORMATS", "GstVideo", "Plane", "VideoFrame", "VideoLayout", "video_info"]

#: The raw video formats the toolkit's video filters offer unless a class says
#: otherwise: packed RGB, gray, and the two most common YUV 4:2:0 layouts.
FORMATS = ("RGBA", "BGRA", "RGBx", "BGRx", "RGB", "BGR", "GRAY8", "I420", "NV12")

_VIDEO_META_API = hash(GstVideo.video_meta_api_get_type())  # PyGObject hashes a GType by value
# GstVideoMeta's plane offsets (gsize[4]) and strides (gint[4]), read through ctypes
# because the vfuncs that need them have the buffer's pointer, not a wrapper.
_META_OFFSET = c.field_offset("GstVideo", "VideoMeta", "offset")
_META_STRIDE = c.field_offset("GstVideo", "VideoMeta", "stride")


@dataclasses.dataclass(frozen=True)
class Plane:
    """Where one plane lies in a frame's bytes and how its pixels are stored.

    ``shape`` is (rows, columns) or (rows, columns, components) in ``dtype`` words
    (uint8, or uint16 for the deeper formats).
    """

    offset: int
    stride: int
    shape: tuple[int, ...]
    dtype: np.dtype

    # Cached: a frame's views are made from them for every buffer.
    @functools.cached_property
    def strides(self) -> tuple[int, ...]:
        item = self.dtype.itemsize
        inner = tuple(item * int(np.prod(self.shape[k + 1 :])) for k in range(1, len(self.shape)))
        return (self.stride, *inner)

    @functools.cached_property
    def nbytes(self) -> int:
        rows = self.shape[0]
        row = int(np.prod(self.shape[1:])) * self.dtype.itemsize
        return (rows - 1) * self.stride + row if rows else 0


@dataclasses.dataclass(frozen=True)
class VideoLayout:
    """A negotiated video format's planes, from ``GstVideo.VideoInfo``."""

    format: str
    width: int
    height: int
    size: int
    planes: tuple[Plane, ...]
    info: Any  # GstVideo.VideoInfo

    @classmethod
    def from_info(
        cls,
        info: Any,
        offsets: list[int] | None = None,
        strides: list[int] | None = None,
    ) -> VideoLayout:
        fi = info.finfo
        n = fi.n_planes
        offsets = list(info.offset[:n]) if offsets is None else offsets
        strides = list(info.stride[:n]) if strides is None else strides
        word = np.dtype(np.uint16) if fi.bits > 8 else np.dtype(np.uint8)
        planes = tuple(
            Plane(int(offsets[p]), int(strides[p]), _plane_shape(info, p, word), word)
            for p in range(n)
        )
        fmt = GstVideo.VideoFormat.to_string(fi.format)
        return cls(fmt, info.width, info.height, info.size, planes, info)

    @functools.cached_property
    def end(self) -> int:
        """Bytes a buffer must have to hold every plane."""
        return max((p.offset + p.nbytes for p in self.planes), default=0)

    def for_buffer(self, buf: Gst.Buffer | int) -> VideoLayout:
        """This layout, or the buffer's own if its GstVideoMeta says otherwise
        (``buf`` may be the buffer's pointer)."""
        meta = c.buffer_get_meta(buffer_pointer(buf), _VIDEO_META_API)
        if not meta:
            return self
        n = len(self.planes)
        offsets = list((ctypes.c_size_t * n).from_address(meta + _META_OFFSET))
        strides = list((ctypes.c_int * n).from_address(meta + _META_STRIDE))
        if offsets == [p.offset for p in self.planes] and strides == [
            p.stride for p in self.planes
        ]:
            return self
        return VideoLayout.from_info(self.info, offsets, strides)


def _plane_shape(info: Any, p: int, word: np.dtype) -> tuple[int, ...]:
    """Plane ``p``'s array shape in ``word`` units: (rows, columns[, components]),
    or (rows, words) for macropixels (YUY2...), the row's words as they are."""
    fi = info.finfo
    comps = [c for c in range(fi.n_components) if fi.plane[c] == p]
    c0 = comps[0]
    rows = -(-info.height >> fi.h_sub[c0])  # GST_VIDEO_SUB_SCALE, rounded up
    cols = -(-info.width >> fi.w_sub[c0])
    pstride = fi.pixel_stride[c0]
    if (
        len({fi.pixel_stride[c] for c in comps}) == 1
        and pstride % word.itemsize == 0
        and pstride > 0
    ):
        per = pstride // word.itemsize
        return (rows, cols) if per == 1 else (rows, cols, per)
    row_bytes = max(fi.pixel_stride[c] * (-(-info.width >> fi.w_sub[c])) for c in comps)
    return (rows, row_bytes // word.itemsize)


def video_info(caps: Gst.Caps) -> Any:
    """``GstVideo.VideoInfo`` for ``caps``, or None if GstVideo refuses them."""
    try:
        return GstVideo.VideoInfo.new_from_caps(caps)
    except (TypeError, ValueError):
        return None


class VideoFrame:
    """One frame: its planes as numpy views of the mapped buffer.

    Valid only during the call that received it (the buffer is unmapped after);
    keeping a plane, or a view of one, past it is an error the element reports.

    Attributes
    ----------
    planes : list of ndarray
        Each plane, (rows, columns) or (rows, columns, components): RGBA has one
        plane (height, width, 4); GRAY8 one (height, width); I420 three, Y (height,
        width) then U and V at half size; NV12 two, Y then UV (h/2, w/2, 2).
    array : ndarray
        ``planes[0]``: the picture itself for packed RGB and gray formats.
    format, width, height : str, int, int
    raw : ndarray
        The whole mapped buffer as bytes (uint8).
    layout : VideoLayout
        Where the planes lie in ``raw``.
    number : int
        Frame number in the stream.
    pts : int
        Presentation time in ns (``Gst.CLOCK_TIME_NONE`` if unknown).
    """

    __slots__ = ("_planes", "raw", "layout", "format", "width", "height", "number", "pts")

    def __init__(self, raw: np.ndarray, layout: VideoLayout, number: int, pts: int) -> None:
        self.raw, self.layout = raw, layout
        self._planes: list[np.ndarray] | None = None  # made when first asked for
        self.format, self.width, self.height = layout.format, layout.width, layout.height
        self.number, self.pts = number, pts

    @property
    def planes(self) -> list[np.ndarray]:
        if self._planes is None:
            raw, layout = self.raw, self.layout
            if raw.shape[0] < layout.end:
                raise ValueError(f"a buffer of {raw.shape[0]} bytes cannot hold {layout}")
            # np.ndarray over raw (a view: its base is the mapped array, so a plane kept
            # past the map is caught like any view of it); as_strided costs ten times
            # more, keywords a third more.
            self._planes = [
                np.ndarray(p.shape, p.dtype, raw, p.offset, p.strides) for p in layout.planes
            ]
        return self._planes

    @property
    def array(self) -> np.ndarray:
        return self.planes[0]

    def release(self) -> None:
        """Drop the views (the caller does this before unmapping)."""
        self._planes = []
        self.raw = _NO_BYTES


_NO_BYTES = np.zeros(0, np.uint8)
