"""Video frames as numpy arrays: every plane a view of the mapped buffer, strides and
plane offsets respected (from the caps, or from the buffer's GstVideoMeta when
upstream lays its planes out its own way).

This does not use ``GstVideo.VideoFrame``: on PyGObject 3.42 a frame mapped through it
hands Python a ``buffer`` of None and junk data pointers.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import gi
import numpy as np

from ..base import _gobject_c as c
from ..base.gst import Gst

gi.require_version("GstVideo", "1.0")
from gi.repository import GstVideo  # noqa: E402

__all__ = ["GstVideo", "Plane", "VideoFrame", "VideoLayout", "pixel_format", "video_info"]

_VIDEO_META_API = hash(GstVideo.video_meta_api_get_type())  # PyGObject hashes a GType by value


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
        planes = []
        for p in range(n):
            comps = [c for c in range(fi.n_components) if fi.plane[c] == p]
            c0 = comps[0]
            rows = -(-info.height >> fi.h_sub[c0])  # GST_VIDEO_SUB_SCALE, rounded up
            cols = -(-info.width >> fi.w_sub[c0])
            steps = {fi.pixel_stride[c] for c in comps}
            pstride = fi.pixel_stride[c0]
            if len(steps) == 1 and pstride % word.itemsize == 0 and pstride > 0:
                per = pstride // word.itemsize
                shape: tuple[int, ...] = (rows, cols) if per == 1 else (rows, cols, per)
            else:  # macropixels (YUY2...): the row's words as they are
                row_bytes = max(fi.pixel_stride[c] * (-(-info.width >> fi.w_sub[c])) for c in comps)
                shape = (rows, row_bytes // word.itemsize)
            planes.append(Plane(int(offsets[p]), int(strides[p]), shape, word))
        fmt = GstVideo.VideoFormat.to_string(fi.format)
        return cls(fmt, info.width, info.height, info.size, tuple(planes), info)

    def for_buffer(self, buf: Gst.Buffer) -> VideoLayout:
        """This layout, or the buffer's own if its GstVideoMeta says otherwise."""
        if not c.buffer_get_meta(c.boxed_pointer(buf), _VIDEO_META_API):  # cheap check
            return self
        meta = GstVideo.buffer_get_video_meta(buf)
        if meta is None:
            return self
        n = len(self.planes)
        offsets, strides = list(meta.offset[:n]), list(meta.stride[:n])
        if offsets == [p.offset for p in self.planes] and strides == [
            p.stride for p in self.planes
        ]:
            return self
        return VideoLayout.from_info(self.info, offsets, strides)


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
            self._planes = [_plane_view(self.raw, p) for p in self.layout.planes]
        return self._planes

    @property
    def array(self) -> np.ndarray:
        return self.planes[0]

    def release(self) -> None:
        """Drop the views (the caller does this before unmapping)."""
        self._planes = []
        self.raw = _NO_BYTES


_NO_BYTES = np.zeros(0, np.uint8)


def _plane_view(raw: np.ndarray, p: Plane) -> np.ndarray:
    # np.ndarray over raw (a view: its base is the mapped array, so a plane kept past
    # the map is caught like any view of it); as_strided costs ten times more.
    if raw.shape[0] < p.offset + p.nbytes:
        raise ValueError(f"a buffer of {raw.shape[0]} bytes cannot hold plane {p}")
    return np.ndarray(p.shape, p.dtype, buffer=raw, offset=p.offset, strides=p.strides)


def pixel_format(fmt: Any) -> Any:
    """``numgst.picture.pack.PixelFormat`` of a ``GstVideo.VideoFormat``, or None for
    formats whose samples do not sit at a fixed step in words (tiled, palette and
    "complex" ones: v210, UYVP, IYU1, GRAY10_LE32...). Where ``GstVideoFormatInfo``
    leaves out where components go (r210, Y410, Y210...), the pack function says."""
    from ..picture.pack import PixelFormat

    fi = GstVideo.VideoFormat.get_info(fmt)
    flags = GstVideo.VideoFormatFlags
    if fi is None:
        return None
    name = GstVideo.VideoFormat.to_string(fmt)
    unpacked = GstVideo.VideoFormat.get_info(fi.unpack_format)
    bits = 16 if unpacked.bits > 8 else 8
    comps = _from_pack_function(name) or _from_info(fi)
    if comps is None:
        return None
    comps = _corrected(name, comps)
    top = max(c.depth + c.shift for c in comps)
    word = 1 if top <= 8 else 2 if top <= 16 else 4
    fill: tuple[int, ...] = ()
    fill_step = 0
    planes = {p.plane for p in comps}
    if word == 1 and len(comps) == 3 and planes == {0} and comps[0].step == 4:
        # xRGB, RGBx...: C packs them from ARGB lines, alpha into the x byte.
        fill = tuple(sorted({0, 1, 2, 3} - {p.offset for p in comps}))
        fill_step = 4
    return PixelFormat(
        name=name,
        rgb=bool(fi.flags & flags.RGB),
        bits=bits,
        word=word,
        big_endian=not (fi.flags & flags.LE) and word > 1 and name not in _LITTLE_ENDIAN,
        components=tuple(comps),
        fill=fill,
        fill_step=fill_step,
    )


def _from_info(fi: Any) -> list[Any] | None:
    from ..picture.pack import Component

    flags = GstVideo.VideoFormatFlags
    if fi.flags & (flags.TILED | flags.PALETTE | flags.COMPLEX):
        return None
    comps = []
    seen: dict[tuple[int, int], set[int]] = {}
    for k in range(fi.n_components):
        step = fi.pixel_stride[k]
        if step <= 0:
            return None
        key = (fi.plane[k], fi.poffset[k])
        shifts = seen.setdefault(key, set())
        if fi.shift[k] in shifts:
            return None  # two components in one place: the info is incomplete
        shifts.add(fi.shift[k])
        comps.append(
            Component(
                source=k + 1 if k < 3 else 0,
                plane=fi.plane[k],
                offset=fi.poffset[k],
                step=step,
                depth=fi.depth[k],
                shift=fi.shift[k],
                w_sub=fi.w_sub[k],
                h_sub=fi.h_sub[k],
            )
        )
    return comps


# Formats whose GstVideoFormatInfo leaves out where components go (several in one
# word with shift 0, or offsets of 0), as their pack functions write them: per
# component (source: 0 A, 1 Y/R, 2 U/G, 3 V/B; byte offset; step; depth; shift;
# w_sub), all in plane 0.
_PACKED_WORDS: dict[str, tuple[tuple[int, int, int, int, int, int], ...]] = {
    # One 32-bit word per pixel.
    "r210": ((1, 0, 4, 10, 20, 0), (2, 0, 4, 10, 10, 0), (3, 0, 4, 10, 0, 0)),
    "Y410": ((1, 0, 4, 10, 10, 0), (2, 0, 4, 10, 0, 0), (3, 0, 4, 10, 20, 0), (0, 0, 4, 2, 30, 0)),
    "RGB10A2_LE": (
        (1, 0, 4, 10, 0, 0), (2, 0, 4, 10, 10, 0), (3, 0, 4, 10, 20, 0), (0, 0, 4, 2, 30, 0),
    ),
    "BGR10A2_LE": (
        (1, 0, 4, 10, 20, 0), (2, 0, 4, 10, 10, 0), (3, 0, 4, 10, 0, 0), (0, 0, 4, 2, 30, 0),
    ),
    # 16-bit words: U Y V A per pixel; Y0 U Y1 V per pair of pixels.
    "Y412_LE": ((1, 2, 8, 12, 4, 0), (2, 0, 8, 12, 4, 0), (3, 4, 8, 12, 4, 0), (0, 6, 8, 12, 4, 0)),
    "Y412_BE": ((1, 2, 8, 12, 4, 0), (2, 0, 8, 12, 4, 0), (3, 4, 8, 12, 4, 0), (0, 6, 8, 12, 4, 0)),
    "Y210": ((1, 0, 4, 10, 6, 0), (2, 2, 8, 10, 6, 1), (3, 6, 8, 10, 6, 1)),
    "Y212_LE": ((1, 0, 4, 12, 4, 0), (2, 2, 8, 12, 4, 1), (3, 6, 8, 12, 4, 1)),
    "Y212_BE": ((1, 0, 4, 12, 4, 0), (2, 2, 8, 12, 4, 1), (3, 6, 8, 12, 4, 1)),
}  # fmt: skip


def _from_pack_function(name: str) -> list[Any] | None:
    from ..picture.pack import Component

    table = _PACKED_WORDS.get(name)
    if table is None:
        return None
    return [
        Component(source, 0, offset, step, depth, shift, w_sub, 0)
        for source, offset, step, depth, shift, w_sub in table
    ]


# Where GstVideoFormatInfo (1.22 and 1.26) describes a format otherwise than its pack
# function writes it; the pack function is what C's frames hold.
# Not flagged little-endian, packed with GST_WRITE_UINT16_LE / GST_WRITE_UINT32_LE.
_LITTLE_ENDIAN = {"v216", "Y410", "Y210"}
_SWAP_SHIFTS = {"BGR16", "BGR15"}  # blue in the high bits, red in the low ones
_SWAP_OFFSETS = {"VYUY"}  # V is the first byte of a macropixel, U the third


def _corrected(name: str, comps: list[Any]) -> list[Any]:
    if name in _SWAP_SHIFTS:
        r, g, b = comps
        comps = [dataclasses.replace(r, shift=b.shift), g, dataclasses.replace(b, shift=r.shift)]
    if name in _SWAP_OFFSETS:
        y, u, v = comps
        comps = [
            y,
            dataclasses.replace(u, offset=v.offset),
            dataclasses.replace(v, offset=u.offset),
        ]
    word_sized = max(c.depth + c.shift for c in comps) > 8
    if word_sized:
        # P010, P012, P016: the offset of V is given in 16-bit words (1), not bytes.
        comps = [dataclasses.replace(c, offset=c.offset * 2) if c.offset % 2 else c for c in comps]
    return comps
