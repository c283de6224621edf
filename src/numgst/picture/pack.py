"""Painted pictures into the bytes of a raw video format, as C videotestsrc does it.

C paints each row as a line of four-byte pixels (A, R, G, B or A, Y, U, V: see
:mod:`numgst.picture.colors`), then hands it to GStreamer's line converter: widen to
16 bits for deep formats, subsample the chroma (``gst_video_chroma_resample``, which
filters rows and columns with small integer kernels), then the format's pack function.
This module does the same to a whole picture at once with numpy, with the same
integer arithmetic, so its bytes are C's bytes.

A format is described by a :class:`PixelFormat` (where each component lies, its depth
and shift): the caller builds it from ``GstVideoFormatInfo``; nothing here imports
GStreamer.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .repack import Repacked

ALPHA, LUMA, CB, CR = 0, 1, 2, 3  # positions in a painted pixel (R, G, B for RGB)


@dataclasses.dataclass(frozen=True)
class Component:
    """Where one component's samples are stored.

    ``source`` is its position in a painted pixel (0 alpha, 1 Y or R, 2 U or G,
    3 V or B); ``offset`` the byte of its first sample in a row of ``plane``, ``step``
    the bytes between samples; ``depth`` and ``shift`` place its bits in a word of
    the format's ``word`` bytes; ``w_sub``/``h_sub`` are log2 subsampling.
    """

    source: int
    plane: int
    offset: int
    step: int
    depth: int
    shift: int
    w_sub: int
    h_sub: int


@dataclasses.dataclass(frozen=True)
class PixelFormat:
    """A raw video format as far as packing is concerned.

    ``rgb``: painted as A, R, G, B (else A, Y, U, V). ``bits``: 8, or 16 for formats
    GStreamer unpacks to 16-bit lines. ``word``: bytes of the storage unit (1, 2 or
    4; several components may share one). ``fill``: byte offsets, in a pixel of the
    first plane, that the format leaves unused but C's pack writes alpha into (the x
    of xRGB, RGBx...).
    """

    name: str
    rgb: bool
    bits: int
    word: int
    big_endian: bool
    components: tuple[Component, ...]
    fill: tuple[int, ...] = ()
    fill_step: int = 0
    #: For a format packed from an analog's planes (see :mod:`.repack`): how; the
    #: components above are then the analog's.
    repack: Repacked | None = None

    @property
    def chroma_sub(self) -> tuple[int, int]:
        """(w_sub, h_sub) of the chroma, C's subsampling factors (0, 0: none)."""
        subs = [(c.w_sub, c.h_sub) for c in self.components if c.source in (CB, CR)]
        return subs[0] if subs and not self.rgb else (0, 0)


@dataclasses.dataclass(frozen=True)
class OddTail:
    """What GStreamer's pack function writes for the last pixel of an odd-width row of
    a format that pairs pixels: in ``plane``, the last pair's ``size`` bytes get
    ``(byte, source)`` words of ``word`` bytes, the rest is left as it was (zero)."""

    plane: int
    size: int
    word: int
    writes: tuple[tuple[int, int], ...]


# Seen in C's frames (GStreamer 1.22 and 1.26): the packed 4:2:2 formats write the
# first two words of the last pair only (VYUY puts U where its V goes), NV61 writes
# the last chroma pair in U, V order.
ODD_TAILS = {
    "YUY2": OddTail(0, 4, 1, ((0, 1), (1, 2))),
    "UYVY": OddTail(0, 4, 1, ((0, 2), (1, 1))),
    "YVYU": OddTail(0, 4, 1, ((0, 1), (1, 3))),
    "VYUY": OddTail(0, 4, 1, ((0, 2), (1, 1))),
    "v216": OddTail(0, 8, 2, ((0, 2), (2, 1))),
    "Y210": OddTail(0, 8, 2, ((0, 1), (2, 2))),
    "Y212_LE": OddTail(0, 8, 2, ((0, 1), (2, 2))),
    "Y212_BE": OddTail(0, 8, 2, ((0, 1), (2, 2))),
    "NV61": OddTail(1, 2, 1, ((0, 2), (1, 3))),
}


@dataclasses.dataclass(frozen=True)
class FrameGeometry:
    """A frame's geometry: size, and each plane's byte offset and row stride."""

    width: int
    height: int
    offsets: tuple[int, ...]
    strides: tuple[int, ...]
    size: int


def sub_scale(n: int, sub: int) -> int:
    """Samples of a subsampled component (GST_VIDEO_SUB_SCALE: rounded up)."""
    return -((-n) >> sub)


class ChromaFilter:
    """``gst_video_chroma_resample`` for downsampling, on whole pictures.

    C builds it with factors ``-w_sub``, ``-h_sub`` of the chroma; cosited chroma
    (from the caps' chroma-site) selects other kernels, and GStreamer leaves the
    vertical cosited ones unimplemented (rows are then taken as they are).
    """

    def __init__(self, w_sub: int, h_sub: int, h_cosited: bool, v_cosited: bool) -> None:
        self.w_sub, self.h_sub = w_sub, h_sub
        self.h_cosited = h_cosited
        # GStreamer's v_resamplers table: (lines fed at a time) for 2x and 4x.
        self.n_lines = 1 if (h_sub == 0 or v_cosited) else (1 << h_sub)

    def vertical(self, rows: list[np.ndarray]) -> np.ndarray:
        """The filtered chroma of ``n_lines`` rows (integer arrays of any shape, wide
        enough for the sums)."""
        if self.n_lines == 1:
            return rows[0]
        out: np.ndarray
        if self.n_lines == 2:
            out = (rows[0] + rows[1] + 1) >> 1
        else:
            out = (rows[0] + rows[3] + 3 * (rows[1] + rows[2]) + 4) >> 3
        return out

    def horizontal(self, u: np.ndarray) -> None:
        """Filter ``u`` (integers, last axis the columns) in place at the kept columns."""
        kernel = _H_KERNELS.get((self.w_sub, self.h_cosited))
        if kernel is not None:
            kernel(u)

    def kept(self, u: np.ndarray) -> np.ndarray:
        """:meth:`horizontal`'s result at the kept columns only (0, 2^w_sub, ...), as a
        new array; ``u`` may be overwritten. Worked out on the even and odd columns
        for 4:2:x, the common case, with no arithmetic at columns that are dropped."""
        if self.w_sub != 1:
            self.horizontal(u)
            return u[..., :: 1 << self.w_sub]
        even, odd = u[..., 0::2], u[..., 1::2]
        out = even.copy()
        n, k = odd.shape[-1], even.shape[-1]
        if not self.h_cosited:
            out[..., :n] += odd
            out[..., :n] += 1
            out[..., :n] >>= 1
            return out
        if u.shape[-1] < 2:
            return out
        mid = out[..., 1 : k - 1]
        mid *= 2
        mid += odd[..., : k - 2]
        mid += odd[..., 1 : k - 1]
        mid += 2
        mid >>= 2
        if k >= 2:
            out[..., k - 1] = (odd[..., k - 2] + 3 * even[..., k - 1] + 2) >> 2
        out[..., 0] = (3 * even[..., 0] + odd[..., 0] + 2) >> 2
        return out


# gst_video_chroma_resample's horizontal kernels, by (w_sub, cosited): each filters
# the last axis in place at the columns that are kept.


def _h2(u: np.ndarray) -> None:
    n = u.shape[-1] // 2
    u[..., 0 : 2 * n : 2] = (u[..., 0 : 2 * n : 2] + u[..., 1 : 2 * n : 2] + 1) >> 1


def _h2_cosited(u: np.ndarray) -> None:
    w = u.shape[-1]
    if w < 2:
        return
    first = (3 * u[..., 0] + u[..., 1] + 2) >> 2
    last = max(w - 2 if w % 2 == 0 else w - 1, 2)
    mid = slice(2, last, 2)
    u_mid = (u[..., 1 : last - 1 : 2] + 2 * u[..., mid] + u[..., 3 : last + 1 : 2] + 2) >> 2
    if last < w:
        u[..., last] = (u[..., last - 1] + 3 * u[..., last] + 2) >> 2
    u[..., mid] = u_mid
    u[..., 0] = first


def _h4(u: np.ndarray) -> None:
    n = max(0, (u.shape[-1] - 4 + 3) // 4)  # i = 0, 4, ... while i < w - 4
    if n:
        e = 4 * n
        u[..., 0:e:4] = (
            u[..., 0:e:4] + 3 * (u[..., 1:e:4] + u[..., 2:e:4]) + u[..., 3 : e + 3 : 4] + 4
        ) >> 3


def _h4_cosited(u: np.ndarray) -> None:
    w = u.shape[-1]
    if w < 4:
        return
    first = (10 * u[..., 0] + 3 * u[..., 1] + 2 * u[..., 2] + u[..., 3] + 8) >> 4
    n = max(0, (w - 4 - 4 + 3) // 4)  # i = 4, 8, ... while i < w - 4
    e = 4 + 4 * n
    if n:
        u[..., 4:e:4] = (
            u[..., 1 : e - 3 : 4]
            + 2 * (u[..., 2 : e - 2 : 4] + u[..., 6 : e + 2 : 4])
            + 3 * (u[..., 3 : e - 1 : 4] + u[..., 5 : e + 1 : 4])
            + 4 * u[..., 4:e:4]
            + u[..., 7 : e + 3 : 4]
            + 8
        ) >> 4
    if e < w:
        u[..., e] = (
            u[..., e - 3] + 2 * u[..., e - 2] + 3 * u[..., e - 1] + 10 * u[..., e] + 8
        ) >> 4
    u[..., 0] = first


_H_KERNELS = {(1, False): _h2, (1, True): _h2_cosited, (2, False): _h4, (2, True): _h4_cosited}


class Packer:
    """Writes painted pictures into frames of one format and size.

    ``pack(picture, out)``: ``picture`` is (height, width, 4) uint8 as painted (rows
    in the order C converts them, already scrolled); ``out`` the frame's bytes.
    """

    def __init__(
        self,
        fmt: PixelFormat,
        layout: FrameGeometry,
        h_cosited: bool = False,
        v_cosited: bool = False,
    ) -> None:
        self.fmt, self.layout = fmt, layout
        w_sub, h_sub = fmt.chroma_sub
        self.chroma = ChromaFilter(w_sub, h_sub, h_cosited, v_cosited) if (w_sub or h_sub) else None
        self.n_lines = self.chroma.n_lines if self.chroma else 1
        self.tail = ODD_TAILS.get(fmt.name) if layout.width % 2 else None
        self.chroma_rows_sub = fmt.chroma_sub[1]
        order = ">" if fmt.big_endian else "<"
        self.word_dtype = np.dtype(f"{order}u{fmt.word}") if fmt.word > 1 else np.dtype(np.uint8)
        # Components sharing a word (RGB16, r210...) are ORed together.
        slots: dict[tuple[int, int], list[Component]] = {}
        for c in fmt.components:
            slots.setdefault((c.plane, c.offset), []).append(c)
        self.words = list(slots.values())
        self.by_source = {c.source: c for c in fmt.components}

    # -- whole pictures ---------------------------------------------------------------

    def pack(self, picture: np.ndarray, out: np.ndarray) -> None:
        fmt = self.fmt
        wide = _widen(picture) if fmt.bits == 16 else picture
        chroma = self._chroma(wide) if self.chroma else None
        for group in self.words:
            value = self._word(wide, chroma, group[0])
            for c in group[1:]:  # components sharing a word (RGB16, r210...)
                value = value | self._word(wide, chroma, c)
            self._store(out, group[0], value)
        for off in fmt.fill:
            self._store_fill(out, off, wide[..., ALPHA])
        if self.tail is not None:
            self._pack_tail(wide, chroma, out)

    def _word(self, wide: np.ndarray, chroma: np.ndarray | None, c: Component) -> np.ndarray:
        """Component ``c`` of every pixel it has, in its bits of the word."""
        if c.source in (CB, CR) and chroma is not None:
            src = chroma[c.source - CB]
        else:
            src = wide[:: 1 << c.h_sub, :: 1 << c.w_sub, c.source]
        return self._bits(src, c)

    def _pack_tail(self, wide: np.ndarray, chroma: np.ndarray | None, out: np.ndarray) -> None:
        last = self.layout.width - 1
        cols = wide[:, last]
        if chroma is not None:
            cols = cols.copy()
            cols[:: 1 << self.chroma_rows_sub, CB : CR + 1] = chroma[:, :, last >> 1].T
        self._store_tail(out, cols, 0)

    def _store_tail(self, out: np.ndarray, cols: np.ndarray, first_row: int) -> None:
        """The last pair of each row as C's pack leaves it (see :data:`ODD_TAILS`);
        ``cols`` are the rows' last pixels, widened, chroma filtered."""
        t = self.tail
        assert t is not None
        lay = self.layout
        base = lay.offsets[t.plane] + ((lay.width - 1) // 2) * t.size
        dt = self.word_dtype
        rows = cols.shape[0]
        view = np.ndarray(
            (rows, t.size // t.word),
            dt,
            buffer=out,
            offset=base + first_row * lay.strides[t.plane],
            strides=(lay.strides[t.plane], t.word),
        )
        view[...] = 0
        for byte, source in t.writes:
            view[:, byte // t.word] = self._bits(cols[:, source], self.by_source[source])

    def _chroma(self, wide: np.ndarray) -> np.ndarray:
        """Filtered chroma, (2, chroma rows, chroma columns): C's lines after
        ``gst_video_chroma_resample``, at every row that carries chroma. Unsigned
        arithmetic wide enough for the filters' sums (16 bits for 8-bit values)."""
        f = self.chroma
        assert f is not None
        h = wide.shape[0]
        step = 1 << f.h_sub
        dt = np.dtype(np.uint16 if self.fmt.bits == 8 else np.uint32)
        filtered: np.ndarray
        uv = np.moveaxis(wide[..., CB : CR + 1], -1, 0)
        if f.n_lines == 1:
            filtered = uv[:, ::step].astype(dt)
        elif f.n_lines == 2:
            first, second = uv[:, 0::2], uv[:, 1::2]
            n = second.shape[1]
            filtered = np.empty(first.shape, dt)
            np.add(first[:, :n], second, out=filtered[:, :n], dtype=dt)
            # An odd last row pairs with itself: C's line cache is indexed with CLAMP.
            np.add(first[:, n:], first[:, n:], out=filtered[:, n:], dtype=dt)
            filtered += 1
            filtered >>= 1
        else:
            # A group of n_lines rows from row r * n; past the bottom, C repeats the
            # last row.
            rows = sub_scale(h, f.h_sub)
            idx = np.minimum(np.arange(rows)[:, None] * step + np.arange(f.n_lines), h - 1)
            filtered = f.vertical([uv[:, idx[:, i]].astype(dt) for i in range(f.n_lines)])
        return f.kept(filtered)

    def _bits(self, src: np.ndarray, c: Component) -> np.ndarray:
        fmt = self.fmt
        down = fmt.bits - c.depth
        if down == 0 and c.shift == 0 and fmt.word == 1:
            return src
        v = src.astype(self.word_dtype.newbyteorder("="), copy=False) if down or c.shift else src
        if down:
            v = v >> down
        if c.shift:
            v = v << c.shift
        return v

    def _plane_view(self, out: np.ndarray, c: Component, rows: int, cols: int) -> np.ndarray:
        lay = self.layout
        dt = self.word_dtype
        return np.ndarray(
            (rows, cols),
            dt,
            buffer=out,
            offset=lay.offsets[c.plane] + c.offset,
            strides=(lay.strides[c.plane], c.step),
        )

    def _store(self, out: np.ndarray, c: Component, value: np.ndarray) -> None:
        rows, cols = value.shape[:2]
        self._plane_view(out, c, rows, cols)[...] = value

    def _store_fill(self, out: np.ndarray, offset: int, alpha: np.ndarray) -> None:
        lay = self.layout
        view = np.ndarray(
            alpha.shape,
            np.uint8,
            buffer=out,
            offset=lay.offsets[0] + offset,
            strides=(lay.strides[0], self.fmt.fill_step),
        )
        view[...] = alpha

    # -- one row at a time (C's line cache, for the few rows drawn out of order) ------

    def lines(self) -> LineCache:
        return LineCache(self)

    def pack_row(self, line: np.ndarray, y: int, out: np.ndarray) -> None:
        """Pack row ``y`` from one widened line (its chroma already filtered)."""
        fmt, lay = self.fmt, self.layout
        for group in self.words:
            if any(y % (1 << c.h_sub) for c in group):
                continue  # not a chroma row of a vertically subsampled format
            value = None
            for c in group:
                v = self._bits(line[None, :: 1 << c.w_sub, c.source], c)
                value = v if value is None else value | v
            assert value is not None
            c = group[0]
            view = self._plane_view(out, c, sub_scale(lay.height, c.h_sub), value.shape[1])
            view[y >> c.h_sub] = value[0]
        for off in fmt.fill:
            view = np.ndarray(
                (lay.height, lay.width),
                np.uint8,
                buffer=out,
                offset=lay.offsets[0] + off,
                strides=(lay.strides[0], fmt.fill_step),
            )
            view[y] = line[:, ALPHA]
        if self.tail is not None:
            self._store_tail(out, line[None, -1], y)


def _widen(picture: np.ndarray) -> np.ndarray:
    """8-bit painted values to 16 bits as C does (x << 8 | x)."""
    return picture.astype(np.uint16) * np.uint16(257)


class LineCache:
    """C's ``convert_hline_generic``: rows go into a cache of ``n_lines`` lines, and
    when its last slot is written, the chroma filter runs on the cached lines (its
    result replaces the first line's chroma, in place as in C) and they are packed. A
    few patterns convert rows out of order after the picture (the ball's sweep line):
    this replays what C's cache then holds and does."""

    def __init__(self, packer: Packer) -> None:
        self.packer = packer
        self.n = packer.n_lines
        w = packer.layout.width
        dtype = np.uint16 if packer.fmt.bits == 16 else np.uint8
        self.slots = [np.zeros((w, 4), dtype) for _ in range(self.n)]

    def replay_tail(self, rows: np.ndarray, first: int, out: np.ndarray) -> None:
        """The cache as C leaves it after converting the picture row by row: the last
        group of rows fills every slot before it is packed, so replaying that group
        alone is enough. ``rows``: the picture's rows from ``first`` (at most the
        last group's first row) to the last."""
        h = self.packer.layout.height
        for y in range(((h - 1) // self.n) * self.n, h):
            self.convert(rows[y - first], y, out)

    def convert(self, line: np.ndarray, y: int, out: np.ndarray) -> None:
        """C's ``videotestsrc_convert_tmpline`` for an already scrolled line."""
        h = self.packer.layout.height
        self._put(line, y, out)
        if y == h - 1:
            while y % self.n != self.n - 1:
                y += 1
                self._put(line, y, out)

    def _put(self, line: np.ndarray, y: int, out: np.ndarray) -> None:
        p = self.packer
        h = p.layout.height
        slot = y % self.n
        self.slots[slot][...] = _widen(line) if p.fmt.bits == 16 else line
        if slot != self.n - 1:
            return
        y0 = y - (self.n - 1)
        idx = [min(max(y0 + i, 0), h - 1) % self.n for i in range(self.n)]
        f = p.chroma
        if f is not None:
            uv = f.vertical([self.slots[k][:, CB : CR + 1].astype(np.int32) for k in idx])
            f.horizontal(np.moveaxis(uv, -1, 0))
            self.slots[idx[0]][:, CB : CR + 1] = uv
        for i in range(self.n):
            row = y0 + i
            if row > h - 1:
                break
            p.pack_row(self.slots[idx[i]], row, out)


def meaningful(fmt: PixelFormat, layout: FrameGeometry) -> np.ndarray:
    """Bool mask of the frame bytes that hold pixels (not row padding, nor bytes a
    format leaves unused: C leaves those as it found them)."""
    if fmt.repack is not None:
        from .repack import meaningful as repacked_meaningful

        return repacked_meaningful(fmt.repack, layout)
    m = np.zeros(layout.size, bool)
    for c in fmt.components:
        rows = sub_scale(layout.height, c.h_sub)
        cols = sub_scale(layout.width, c.w_sub)
        base = layout.offsets[c.plane] + c.offset
        start = (
            base
            + np.arange(rows)[:, None] * layout.strides[c.plane]
            + np.arange(cols)[None, :] * c.step
        )
        for b in range(fmt.word):
            m[start + b] = True
    for off in fmt.fill:
        start = (
            layout.offsets[0]
            + off
            + np.arange(layout.height)[:, None] * layout.strides[0]
            + np.arange(layout.width)[None, :] * fmt.fill_step
        )
        m[start] = True
    tail = ODD_TAILS.get(fmt.name) if layout.width % 2 else None
    if tail is not None:
        rows = layout.height  # the pairing formats are not vertically subsampled
        base = layout.offsets[tail.plane] + ((layout.width - 1) // 2) * tail.size
        written = {b + k for b, _ in tail.writes for k in range(tail.word)}
        for b in set(range(tail.size)) - written:
            m[base + b + np.arange(rows) * layout.strides[tail.plane]] = False
    return m
