"""Raw video formats described for :mod:`numgst.picture`'s packer, and pictures
written into negotiated frames with it.

``GstVideoFormatInfo`` says where each component of a format lies; the picture
package, which knows nothing of GStreamer, packs from a
:class:`~numgst.picture.pack.PixelFormat`. This module builds one from the other (with
the corrections the pack functions need where the info is incomplete) and offers
:class:`PictureWriter`: an RGB(A) picture into a frame of any format it describes,
with C ``videotestsrc``'s colour conversion and chroma filters.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from ..picture import pack
from ..picture.pack import Component, FrameGeometry, Packer, PixelFormat
from ..picture.patterns import coded, rgba_array
from ..picture.repack import REPACKED
from .video import GstVideo, VideoLayout


def pixel_format(fmt: Any) -> PixelFormat | None:
    """``numgst.picture.pack.PixelFormat`` of a ``GstVideo.VideoFormat``, or None for
    the tiled formats. Those whose samples do not sit at a fixed step in words (v210,
    UYVP, IYU1, GRAY10_LE32, RGB8P...) are their analog's, with ``repack`` set (see
    :mod:`numgst.picture.repack`). Where ``GstVideoFormatInfo``
    leaves out where components go (r210, Y410, Y210...), the pack function says."""
    fi = GstVideo.VideoFormat.get_info(fmt)
    if fi is None:
        return None
    name = GstVideo.VideoFormat.to_string(fmt)
    return _repacked(name) if name in REPACKED else _by_components(name, fi)


def _by_components(name: str, fi: Any) -> PixelFormat | None:
    """A format whose components sit at fixed steps in words."""
    flags = GstVideo.VideoFormatFlags
    unpacked = GstVideo.VideoFormat.get_info(fi.unpack_format)
    bits = 16 if unpacked.bits > 8 else 8
    comps = _from_pack_function(name) or _from_info(fi)
    if comps is None:
        return None
    comps = _corrected(name, comps)
    top = max(c.depth + c.shift for c in comps)
    word = 1 if top <= 8 else 2 if top <= 16 else 4
    fill, fill_step = _fill(word, comps)
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


def _repacked(name: str) -> PixelFormat | None:
    """A format drawn as its analog, then rearranged (see picture.repack)."""
    repacked = REPACKED[name]
    analog = pixel_format(GstVideo.VideoFormat.from_string(repacked.analog))
    return None if analog is None else dataclasses.replace(analog, repack=repacked)


def _fill(word: int, comps: list[Component]) -> tuple[tuple[int, ...], int]:
    """xRGB, RGBx...: C packs them from ARGB lines, alpha into the x byte: that byte's
    offsets in a pixel, and the pixel's size (none for other formats)."""
    if word == 1 and len(comps) == 3 and {c.plane for c in comps} == {0} and comps[0].step == 4:
        return tuple(sorted({0, 1, 2, 3} - {c.offset for c in comps})), 4
    return (), 0


def _from_info(fi: Any) -> list[Component] | None:
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


def _from_pack_function(name: str) -> list[Component] | None:
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


def _corrected(name: str, comps: list[Component]) -> list[Component]:
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


def picture_layout(layout: VideoLayout) -> FrameGeometry:
    """The picture package's view of a negotiated layout (sizes, planes, strides)."""
    planes = layout.planes
    return FrameGeometry(
        layout.width,
        layout.height,
        tuple(p.offset for p in planes),
        tuple(p.stride for p in planes),
        layout.info.size,
    )


def matrix_of(info: Any) -> int:
    """601 or 709: the RGB to Y'CbCr matrix C ``videotestsrc`` uses for ``info``."""
    return 601 if info.colorimetry.matrix == GstVideo.VideoColorMatrix.BT601 else 709


def cosited(info: Any) -> tuple[bool, bool]:
    """Whether chroma is sited on luma columns and rows (horizontal, vertical)."""
    site = int(info.chroma_site)
    return (
        bool(site & int(GstVideo.VideoChromaSite.H_COSITED)),
        bool(site & int(GstVideo.VideoChromaSite.V_COSITED)),
    )


class PictureWriter:
    """Writes RGB(A) pictures into frames of one negotiated layout, in its format.

    Parameters
    ----------
    layout : VideoLayout
        The negotiated frames; its format must be one :func:`pixel_format` describes
        (a ValueError says which is not).
    """

    def __init__(self, layout: VideoLayout) -> None:
        info = layout.info
        fmt = pixel_format(info.finfo.format)
        if fmt is None:
            raise ValueError(f"no picture can be packed into {layout.format}")
        self.layout = layout
        self.fmt, self.matrix = fmt, matrix_of(info)
        self.width, self.height = layout.width, layout.height
        lay = picture_layout(layout)
        self.packer = Packer(fmt, lay, *cosited(info))
        # Row padding and bytes the format leaves unused: zeroed, never stale memory.
        self.unused = np.flatnonzero(~pack.meaningful(fmt, lay))

    def write(self, picture: Any, raw: np.ndarray) -> None:
        """Pack ``picture`` into ``raw`` (the frame's bytes, every one of them written).

        ``picture``: (height, width, 3) RGB or (height, width, 4) RGBA, uint8 or float
        in [0, 1] (clipped, NaN as 0), or (height, width) gray. Anything else is a
        ValueError that says what was expected.
        """
        a = np.asarray(picture)
        if a.ndim == 2 and a.dtype.kind in "fiub":
            a = np.repeat(a[:, :, None], 3, axis=2)  # gray: R = G = B
        rgba = rgba_array(a, self.width, self.height)
        if self.unused.size:
            raw[self.unused] = 0
        self.packer.pack(coded(rgba, self.fmt.rgb, self.matrix), raw)


__all__ = ["PictureWriter", "cosited", "matrix_of", "pack", "picture_layout", "pixel_format"]
