"""Formats whose samples do not sit at a fixed step in words, made from another's.

v210, UYVP, IYU1, GRAY10_LE32, NV12_10LE32, NV16_10LE32, NV12_10LE40 and RGB8P pack
several samples into one word or bit stream (or index a palette); NV12_4L4,
NV12_32L32, NV12_64Z32, NV12_16L32S and NV12_8L128 cut NV12's rows into tiles
(NV12_10BE_8L128: 10-bit bit streams in tiles). Each
has an *analog*: a format the :class:`~numgst.picture.pack.Packer` writes component
by component, with the same subsampling and the same unpacked lines in GStreamer (so
C's chroma filtering and its ``>> 6`` to 10 bits give the same samples). A frame is
packed into the analog's planes, then the samples are rearranged here into the
format's own bytes as C's pack function (``video-format.c``) writes them, including
what it writes at widths that leave a group incomplete. :data:`REPACKED` is the
table; ``meaningful`` gives the bytes C writes (it leaves the rest as it found
them).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable

import numpy as np

from .pack import FrameGeometry, sub_scale


@dataclasses.dataclass(frozen=True)
class Planes:
    """The analog's planes as arrays: ``y`` (rows, width) or the packed pixels
    (ARGB: (rows, width, 4)), ``u``/``v`` the chroma planes (rows, columns)."""

    y: np.ndarray
    u: np.ndarray | None
    v: np.ndarray | None


@dataclasses.dataclass(frozen=True)
class Repacked:
    """One format made from its analog's planes.

    ``analog``: the analog format's name; ``subs``: (w_sub, h_sub) of its two chroma
    planes, None for a format of one plane; ``word``: bytes per sample of a planar
    analog, per pixel of a one-plane one (for its geometry); ``write(planes, out,
    geometry)`` writes the format's bytes; ``written(geometry)`` the bytes C's pack
    writes, as arrays of frame byte indices.
    """

    name: str
    analog: str
    subs: tuple[int, int] | None
    word: int
    write: Callable[[Planes, np.ndarray, FrameGeometry], None]
    written: Callable[[FrameGeometry], list[np.ndarray]]


def analog_geometry(r: Repacked, width: int, height: int) -> FrameGeometry:
    """Planes of the analog, back to back, rows padded to 4 bytes as GStreamer does."""
    if r.subs is None:  # one plane (GRAY16_LE, ARGB)
        stride = _up4(width * r.word)
        return FrameGeometry(width, height, (0,), (stride,), stride * height)
    ws, hs = r.subs
    planes = [(width, height)] + [(sub_scale(width, ws), sub_scale(height, hs))] * 2
    offsets, strides, at = [], [], 0
    for cols, rows in planes:
        stride = _up4(cols * r.word)
        offsets.append(at)
        strides.append(stride)
        at += stride * rows
    return FrameGeometry(width, height, tuple(offsets), tuple(strides), at)


def analog_planes(r: Repacked, raw: np.ndarray, g: FrameGeometry) -> Planes:
    """Views of the analog frame ``raw`` (its bytes, laid out by ``g``)."""
    if r.subs is None:
        rows = _rows(raw, g, 0, g.height, g.width * r.word)
        pixels = rows.reshape(g.height, g.width, 4) if r.word == 4 else rows.view("<u2")
        return Planes(pixels, None, None)
    ws, hs = r.subs
    dt = np.dtype("<u2") if r.word == 2 else np.dtype(np.uint8)
    cw, ch = sub_scale(g.width, ws), sub_scale(g.height, hs)
    return Planes(
        _rows(raw, g, 0, g.height, g.width * r.word).view(dt),
        _rows(raw, g, 1, ch, cw * r.word).view(dt),
        _rows(raw, g, 2, ch, cw * r.word).view(dt),
    )


def meaningful(r: Repacked, g: FrameGeometry) -> np.ndarray:
    """Bool mask of the frame bytes C's pack writes."""
    m = np.zeros(g.size, bool)
    for at in r.written(g):
        m[at] = True
    return m


Rows = list[tuple[int, int, int, int]]


def _in_rows(spec: Callable[[FrameGeometry], Rows]) -> Callable[[FrameGeometry], list[np.ndarray]]:
    """``written`` from row ranges: (plane, rows, first byte of each row, bytes)."""

    def written(g: FrameGeometry) -> list[np.ndarray]:
        return [
            g.offsets[plane] + first + np.arange(rows)[:, None] * g.strides[plane]
            + np.arange(nbytes)[None, :]
            for plane, rows, first, nbytes in spec(g)
        ]  # fmt: skip

    return written


# -- helpers ---------------------------------------------------------------------------


def _up4(n: int) -> int:
    return (n + 3) & ~3


def _rows(raw: np.ndarray, g: FrameGeometry, plane: int, rows: int, nbytes: int) -> np.ndarray:
    """(rows, nbytes) uint8 view of a plane's rows (no copy)."""
    return np.ndarray(
        (rows, nbytes), np.uint8, buffer=raw, offset=g.offsets[plane], strides=(g.strides[plane], 1)
    )


def _padded(a: np.ndarray, multiple: int) -> np.ndarray:
    """``a`` (rows, n) as uint64 with zero columns up to a multiple of ``multiple``."""
    rows, n = a.shape
    out = np.zeros((rows, -(-n // multiple) * multiple), np.uint64)
    out[:, :n] = a
    return out


def _ten(a: np.ndarray) -> np.ndarray:
    """16-bit samples to C's 10 bits (``>> 6``; the 10-bit analogs I420_10LE and
    I422_10LE hold them so already)."""
    return a >> 6


def _words3(values: np.ndarray) -> np.ndarray:
    """Three 10-bit values per little-endian 32-bit word, low bits first."""
    p = _padded(values, 3)
    words: np.ndarray = p[:, 0::3] | (p[:, 1::3] << 10) | (p[:, 2::3] << 20)
    return words.astype("<u4")


def _bits10(values: np.ndarray) -> np.ndarray:
    """A little-endian stream of 10-bit values, 4 per 5 bytes, (rows, bytes)."""
    p = _padded(values, 4)
    groups: np.ndarray = p[:, 0::4] | (p[:, 1::4] << 10) | (p[:, 2::4] << 20) | (p[:, 3::4] << 30)
    rows = groups.shape[0]
    return groups.astype("<u8").view(np.uint8).reshape(rows, -1, 8)[:, :, :5].reshape(rows, -1)


def _put(out: np.ndarray, g: FrameGeometry, plane: int, data: np.ndarray) -> None:
    rows, nbytes = data.shape
    _rows(out, g, plane, rows, nbytes)[...] = data


def _interleaved(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    uv = np.empty((u.shape[0], 2 * u.shape[1]), u.dtype)
    uv[:, 0::2], uv[:, 1::2] = u, v
    return uv


# -- the formats -------------------------------------------------------------------------


def _write_gray10_le32(p: Planes, out: np.ndarray, g: FrameGeometry) -> None:
    _put(out, g, 0, _words3(_ten(p.y)).view(np.uint8))


def _luma_words(g: FrameGeometry) -> tuple[int, int, int, int]:
    return (0, g.height, 0, 4 * ((g.width + 2) // 3))


def _write_10le32(p: Planes, out: np.ndarray, g: FrameGeometry) -> None:
    """NV12_10LE32 and NV16_10LE32: luma three to a word; chroma U V U | V U V ... three
    to a word, a word written only once its three values are there."""
    assert p.u is not None and p.v is not None
    _put(out, g, 0, _words3(p.y).view(np.uint8))
    uv = _interleaved(p.u, p.v)
    whole = uv.shape[1] // 3
    _put(out, g, 1, _words3(uv[:, : 3 * whole]).view(np.uint8))


def _written_10le32(h_sub: int) -> Callable[[FrameGeometry], Rows]:
    def written(g: FrameGeometry) -> Rows:
        whole = 2 * sub_scale(g.width, 1) // 3
        return [_luma_words(g), (1, sub_scale(g.height, h_sub), 0, 4 * whole)]

    return written


def _write_10le40(p: Planes, out: np.ndarray, g: FrameGeometry) -> None:
    assert p.u is not None and p.v is not None
    _put(out, g, 0, _bits10(p.y)[:, : -(-10 * g.width // 8)])
    uv = _interleaved(p.u, p.v)
    _put(out, g, 1, _bits10(uv)[:, : -(-10 * uv.shape[1] // 8)])


def _written_10le40(g: FrameGeometry) -> Rows:
    cols = sub_scale(g.width, 1)
    return [
        (0, g.height, 0, -(-10 * g.width // 8)),
        (1, sub_scale(g.height, 1), 0, -(-20 * cols // 8)),
    ]


def _write_v210(p: Planes, out: np.ndarray, g: FrameGeometry) -> None:
    """Six pixels in four words: U0 Y0 V0 | Y1 U1 Y2 | V1 Y3 U2 | Y4 V2 Y5, ten bits
    each, absent samples 0."""
    assert p.u is not None and p.v is not None
    y, u, v = _padded(p.y, 6), _padded(p.u, 3), _padded(p.v, 3)
    words = np.empty((y.shape[0], y.shape[1] // 6, 4), np.uint64)
    words[..., 0] = u[:, 0::3] | (y[:, 0::6] << 10) | (v[:, 0::3] << 20)
    words[..., 1] = y[:, 1::6] | (u[:, 1::3] << 10) | (y[:, 2::6] << 20)
    words[..., 2] = v[:, 1::3] | (y[:, 3::6] << 10) | (u[:, 2::3] << 20)
    words[..., 3] = y[:, 4::6] | (v[:, 2::3] << 10) | (y[:, 5::6] << 20)
    _put(out, g, 0, words.astype("<u4").view(np.uint8).reshape(y.shape[0], -1))


def _write_uyvp(p: Planes, out: np.ndarray, g: FrameGeometry) -> None:
    """Pairs of pixels in 40 bits, big-endian: U Y0 V Y1, ten bits each (Y1 = Y0 for
    an odd width's last pixel)."""
    assert p.u is not None and p.v is not None
    y = p.y.astype(np.uint64)
    if g.width % 2:
        y = np.concatenate((y, y[:, -1:]), axis=1)
    u, v = p.u.astype(np.uint64), p.v.astype(np.uint64)
    bits = (u << 30) | (y[:, 0::2] << 20) | (v << 10) | y[:, 1::2]
    rows = bits.shape[0]
    data = bits.astype(">u8").view(np.uint8).reshape(rows, -1, 8)[:, :, 3:].reshape(rows, -1)
    _put(out, g, 0, data[:, : _uyvp_bytes(g)])


def _uyvp_bytes(g: FrameGeometry) -> int:
    # GStreamer's stride holds 20 bits a pixel, rounded up to 4 bytes: at some odd
    # widths less than C's last five bytes. C writes them on into the next row (which
    # then overwrites them) and, for the last row, past the frame; what stays is the
    # row's own bytes.
    return min(5 * -(-g.width // 2), g.strides[0])


def _write_iyu1(p: Planes, out: np.ndarray, g: FrameGeometry) -> None:
    """Four pixels in six bytes: U Y0 Y1 V Y2 Y3."""
    assert p.u is not None and p.v is not None
    w = g.width
    groups = -(-w // 4)
    y = np.zeros((g.height, 4 * groups), np.uint8)
    y[:, :w] = p.y
    b = np.empty((g.height, groups, 6), np.uint8)
    b[..., 0], b[..., 3] = p.u, p.v
    b[..., 1], b[..., 2], b[..., 4], b[..., 5] = y[:, 0::4], y[:, 1::4], y[:, 2::4], y[:, 3::4]
    # Up to the last byte C writes in an incomplete group (see _written_iyu1).
    _put(out, g, 0, b.reshape(g.height, -1)[:, : 6 * (w // 4) + (0, 4, 4, 5)[w % 4]])


def _written_iyu1(g: FrameGeometry) -> Rows:
    # An incomplete last group: C writes U, Y0 and V, then Y1 and Y2 where they are.
    whole, rest = 6 * (g.width // 4), g.width % 4
    tail = {0: [], 1: [(whole, 2), (whole + 3, 1)], 2: [(whole, 4)], 3: [(whole, 5)]}[rest]
    return [(0, g.height, 0, whole)] + [(0, g.height, a, n) for a, n in tail]


#: C's palette for RGB8P (``std_palette_RGB8P``, native-endian 0xAARRGGBB): a 6x6x6
#: cube, one transparent black, then opaque black.
RGB8P_PALETTE = np.array(
    [0xFF000000 | (r * 0x33) << 16 | (g * 0x33) << 8 | b * 0x33
     for r in range(6) for g in range(6) for b in range(6)]
    + [0x00000000] + [0xFF000000] * 39,
    dtype="=u4",
)  # fmt: skip


def _write_rgb8p(p: Planes, out: np.ndarray, g: FrameGeometry) -> None:
    """C's index: 216 (transparent) for alpha below 0x80, else its 6x6x6 cube
    (each of R, G, B divided by 47, modulo 6); the palette in the second plane."""
    px = p.y.astype(np.uint16)
    index = (px[..., 1] // 47 % 6) * 36 + (px[..., 2] // 47 % 6) * 6 + px[..., 3] // 47 % 6
    index[px[..., 0] < 0x80] = 216
    _put(out, g, 0, index.astype(np.uint8))
    pal = RGB8P_PALETTE.view(np.uint8)
    out[g.offsets[1] : g.offsets[1] + pal.shape[0]] = pal


# -- tiled NV12: NV12's rows cut into tiles, placed by GStreamer's tile index ----------


def _tile_index(
    zflipz: bool, x: np.ndarray, y: np.ndarray, x_tiles: int, y_tiles: int
) -> np.ndarray:
    """``gst_video_tile_get_index`` for LINEAR and ZFLIPZ_2X2 (the Z-flip-Z order of
    2x2 groups; a last even row of an odd count of rows is linear), vectorised."""
    linear: np.ndarray = y * x_tiles + x
    if not zflipz:
        return linear
    odd = (y & 1) == 1
    last_single = (y == y_tiles - 1) & (y_tiles % 2 == 1)
    shift = np.where(odd, 2 + (x & ~3), np.where(last_single, 0, (x + 2) & ~3))
    index: np.ndarray = (y & ~1) * x_tiles + x + shift
    return index


@dataclasses.dataclass(frozen=True)
class Tiles:
    """An NV12 tiling (GStreamer's format table): tile width and height in bytes and
    rows, the bytes of a Y and of a UV tile, and whether UV has tiles of its own
    (``subtiles``: half as high) or shares one between two rows of Y tiles."""

    width: int
    height: int
    y_size: int
    uv_size: int
    subtiles: bool
    zflipz: bool = False

    def write(self, p: Planes, out: np.ndarray, g: FrameGeometry) -> None:
        assert p.u is not None and p.v is not None
        y_at, uv_at = _tile_places(self, g)
        out[y_at] = p.y
        out[uv_at] = _interleaved(p.u, p.v)

    def written(self, g: FrameGeometry) -> list[np.ndarray]:
        return list(_tile_places(self, g))


@functools.lru_cache(maxsize=8)
def _tile_places(t: Tiles, g: FrameGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Frame byte of every Y sample (rows, width) and of every UV byte (chroma rows,
    2 * chroma columns), as C's pack_NV12_TILED puts them."""
    tw, th = t.width, t.height
    x = np.arange(g.width)
    yy = np.arange(g.height)
    xt0, yt0 = g.strides[0] & 0xFFFF, g.strides[0] >> 16
    ty = (yy // th)[:, None]
    tx = (x // tw)[None, :]
    y_at = (
        g.offsets[0]
        + _tile_index(t.zflipz, tx, ty, xt0, yt0) * t.y_size
        + (yy % th)[:, None] * tw
        + (x % tw)[None, :]
    )
    cw, ch = sub_scale(g.width, 1), sub_scale(g.height, 1)
    bx = np.arange(2 * cw)[None, :]  # a UV byte sits at the column of its pixel
    cy = np.arange(ch)[:, None]
    row = 2 * cy  # the frame row whose pack writes it
    xt1, yt1 = g.strides[1] & 0xFFFF, g.strides[1] >> 16
    half = th // 2
    if t.subtiles:
        index = _tile_index(t.zflipz, bx // tw, row // th, xt1, yt1)
        extra = np.zeros_like(row)
    else:
        # Two rows of Y tiles share a UV tile, the odd one its second half.
        index = _tile_index(t.zflipz, bx // tw, row // th // 2, xt1, yt1)
        extra = ((row // th) & 1) * (t.uv_size // 2)
    uv_at = g.offsets[1] + index * t.uv_size + extra + (cy % half) * tw + bx % tw
    return y_at, uv_at


def _bits10_be(values: np.ndarray) -> np.ndarray:
    """A most-significant-bit-first stream of 10-bit values, (rows, bytes)."""
    p = _padded(values, 4)
    groups: np.ndarray = (p[:, 0::4] << 30) | (p[:, 1::4] << 20) | (p[:, 2::4] << 10) | p[:, 3::4]
    rows = groups.shape[0]
    return groups.astype(">u8").view(np.uint8).reshape(rows, -1, 8)[:, :, 3:].reshape(rows, -1)


@functools.lru_cache(maxsize=8)
def _8l128_places(g: FrameGeometry) -> tuple[np.ndarray, np.ndarray]:
    """Frame byte of each whole byte of the Y rows' and the UV rows' bit streams:
    8-byte-wide, 128-row tiles in rows of tiles (pack_NV12_10BE_8L128). A stream's
    last byte, when the values end inside it, keeps C's old bits: left out."""

    def places(plane: int, rows: int, values: int) -> np.ndarray:
        r = np.arange(rows)[:, None]
        q = np.arange(10 * values // 8)[None, :]
        line = (g.strides[plane] & 0xFFFF) << 10  # a row of tiles, 1024 bytes each
        at: np.ndarray = (
            g.offsets[plane] + (r >> 7) * line + (q >> 3) * 1024 + (r & 127) * 8 + (q & 7)
        )
        return at

    cw, ch = sub_scale(g.width, 1), sub_scale(g.height, 1)
    return places(0, g.height, g.width), places(1, ch, 2 * cw)


def _write_10be_8l128(p: Planes, out: np.ndarray, g: FrameGeometry) -> None:
    assert p.u is not None and p.v is not None
    y_at, uv_at = _8l128_places(g)
    out[y_at] = _bits10_be(p.y)[:, : y_at.shape[1]]
    out[uv_at] = _bits10_be(_interleaved(p.u, p.v))[:, : uv_at.shape[1]]


#: GStreamer's NV12 tilings (video-format.c's TILE_* macros; the same in 1.22 and 1.26).
TILINGS = {
    "NV12_4L4": Tiles(4, 4, 16, 16, subtiles=False),
    "NV12_32L32": Tiles(32, 32, 1024, 1024, subtiles=False),
    "NV12_64Z32": Tiles(64, 32, 2048, 2048, subtiles=False, zflipz=True),
    "NV12_16L32S": Tiles(16, 32, 512, 256, subtiles=True),
    "NV12_8L128": Tiles(8, 128, 1024, 1024, subtiles=False),
}


REPACKED: dict[str, Repacked] = {
    r.name: r
    for r in (
        Repacked("GRAY10_LE32", "GRAY16_LE", None, 2, _write_gray10_le32,
                 _in_rows(lambda g: [_luma_words(g)])),
        Repacked("NV12_10LE32", "I420_10LE", (1, 1), 2, _write_10le32,
                 _in_rows(_written_10le32(1))),
        Repacked("NV16_10LE32", "I422_10LE", (1, 0), 2, _write_10le32,
                 _in_rows(_written_10le32(0))),
        Repacked("NV12_10LE40", "I420_10LE", (1, 1), 2, _write_10le40,
                 _in_rows(_written_10le40)),
        Repacked("v210", "I422_10LE", (1, 0), 2, _write_v210,
                 _in_rows(lambda g: [(0, g.height, 0, 16 * -(-g.width // 6))])),
        Repacked("UYVP", "I422_10LE", (1, 0), 2, _write_uyvp,
                 _in_rows(lambda g: [(0, g.height, 0, _uyvp_bytes(g))])),
        Repacked("IYU1", "Y41B", (2, 0), 1, _write_iyu1, _in_rows(_written_iyu1)),
        Repacked("RGB8P", "ARGB", None, 4, _write_rgb8p,
                 _in_rows(lambda g: [(0, g.height, 0, g.width),
                                     (1, 1, 0, RGB8P_PALETTE.nbytes)])),
        *(Repacked(name, "I420", (1, 1), 1, t.write, t.written) for name, t in TILINGS.items()),
        Repacked("NV12_10BE_8L128", "I420_10LE", (1, 1), 2, _write_10be_8l128,
                 lambda g: list(_8l128_places(g))),
    )
}  # fmt: skip
