"""C videotestsrc's test patterns, painted with numpy.

Each pattern is a function of a :class:`Scene` (size, colours, frame number and the
pattern properties) that returns what C's row loop paints, for the rows of the
scene's band (``band``: rows [top, bottom) of the picture, the whole of it by default;
a large frame is painted band by band, in order, so that nothing frame-sized but the
frame itself is held): either an :class:`Indexed` picture (a map of indices into a
few painted colours, which packs straight from a packed palette for most formats) or
a :class:`Picture` of four-byte pixels. The arithmetic is C's: integer divisions where C divides
integers, the same libm calls in the same order for the floating-point patterns, the
same 32-bit wrap-around in the zone plate, the same random generator for snow.

:data:`PATTERNS` is the one table of them: value, nick and description (C's enum),
the painter, and whether C renders it once and copies it (``static``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .colors import BT601_75, BT601_100, BT709_75, BT709_100, RP_219, Color, Index, blend_table
from .noise import Lcg

# C's 8-bit sine: 128 + 127.5 sin(2 pi k / 256), as its table gives it.
# fmt: off
SINE_TABLE = np.array([
    128, 131, 134, 137, 140, 143, 146, 149, 152, 156, 159, 162, 165, 168, 171, 174,
    176, 179, 182, 185, 188, 191, 193, 196, 199, 201, 204, 206, 209, 211, 213, 216,
    218, 220, 222, 224, 226, 228, 230, 232, 234, 236, 237, 239, 240, 242, 243, 245,
    246, 247, 248, 249, 250, 251, 252, 252, 253, 254, 254, 255, 255, 255, 255, 255,
    255, 255, 255, 255, 255, 255, 254, 254, 253, 252, 252, 251, 250, 249, 248, 247,
    246, 245, 243, 242, 240, 239, 237, 236, 234, 232, 230, 228, 226, 224, 222, 220,
    218, 216, 213, 211, 209, 206, 204, 201, 199, 196, 193, 191, 188, 185, 182, 179,
    176, 174, 171, 168, 165, 162, 159, 156, 152, 149, 146, 143, 140, 137, 134, 131,
    128, 124, 121, 118, 115, 112, 109, 106, 103, 99, 96, 93, 90, 87, 84, 81,
    79, 76, 73, 70, 67, 64, 62, 59, 56, 54, 51, 49, 46, 44, 42, 39,
    37, 35, 33, 31, 29, 27, 25, 23, 21, 19, 18, 16, 15, 13, 12, 10,
    9, 8, 7, 6, 5, 4, 3, 3, 2, 1, 1, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 3, 4, 5, 6, 7, 8,
    9, 10, 12, 13, 15, 16, 18, 19, 21, 23, 25, 27, 29, 31, 33, 35,
    37, 39, 42, 44, 46, 49, 51, 54, 56, 59, 62, 64, 67, 70, 73, 76,
    79, 81, 84, 87, 90, 93, 96, 99, 103, 106, 109, 112, 115, 118, 121, 124,
], dtype=np.uint8)
# fmt: on

SECOND = 1_000_000_000
NONE64 = (1 << 64) - 1


@dataclasses.dataclass(frozen=True)
class Indexed:
    """A picture as indices into painted colours.

    ``index`` (height, width) uint8 or uint16; ``palette`` (n, 4) uint8 painted
    pixels. ``rows``: rows C converts again after the picture, in order, as
    (row, index line) pairs (only the ball's sweep line does that).
    """

    index: np.ndarray
    palette: np.ndarray
    rows: tuple[tuple[int, np.ndarray], ...] = ()


@dataclasses.dataclass(frozen=True)
class Picture:
    """A picture of four-byte painted pixels, (height, width, 4) uint8."""

    pixels: np.ndarray
    rows: tuple[tuple[int, np.ndarray], ...] = ()


Painted = Indexed | Picture


@dataclasses.dataclass(frozen=True)
class PatternParams:
    """The pattern properties C videotestsrc's painters read (its property names)."""

    k0: int = 0
    kx: int = 0
    ky: int = 0
    kt: int = 0
    kxt: int = 0
    kyt: int = 0
    kxy: int = 0
    kx2: int = 0
    ky2: int = 0
    kt2: int = 0
    xoffset: int = 0
    yoffset: int = 0
    horizontal_speed: int = 0
    animation_mode: int = 0  # FRAMES, WALL_TIME, RUNNING_TIME
    motion: int = 0  # WAVY, SWEEP, HSWEEP
    flip: bool = False


@dataclasses.dataclass
class Scene:
    """What a pattern is painted from.

    ``matrix`` is 601 when the caps say BT.601 (C then takes the BT.601 tables, and
    BT.709's otherwise); ``rgb`` selects the R, G, B coding (RGB formats). ``frame`` is
    C's frame counter, ``pts`` the time C passes to the painter (see :func:`ball`),
    ``time`` the frame's real timestamp in ns.
    ``props`` has the pattern properties (:class:`PatternParams`). ``rng`` is the
    element's snow generator.
    ``top`` and ``bottom`` bound the band of rows to paint (``bottom`` None: to the
    last row); bands of one frame are painted in order, top to bottom.
    """

    width: int
    height: int
    rgb: bool
    matrix: int
    fg: Color
    bg: Color
    frame: int
    pts: int
    props: PatternParams
    rng: Lcg
    wall_time_us: Callable[[], int] = lambda: 0
    time: int = 0
    top: int = 0
    bottom: int | None = None
    # What a painter works out once for these settings (its colours, its lines); a
    # scene is made anew when the caps or a property change.
    memo: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    @property
    def band(self) -> tuple[int, int]:
        """Rows [top, bottom) to paint."""
        return self.top, self.height if self.bottom is None else self.bottom

    @property
    def band_rows(self) -> int:
        top, bottom = self.band
        return bottom - top

    def row_numbers(self, dtype: Any = np.int64) -> np.ndarray:
        """The band's row numbers in the picture, as a column (rows, 1)."""
        top, bottom = self.band
        return np.arange(top, bottom, dtype=dtype)[:, None]

    @property
    def colors(self) -> tuple[Color, ...]:
        return BT601_100 if self.matrix == 601 else BT709_100

    def blend(self, fg: Color | None = None, bg: Color | None = None) -> np.ndarray:
        return blend_table(fg or self.fg, bg or self.bg, self.rgb)

    def palette(self, colors: list[Color]) -> np.ndarray:
        return np.array([c.coded(self.rgb) for c in colors], dtype=np.uint8).reshape(-1, 4)


def i32(x: int) -> int:
    """``x`` wrapped to a C int, as C's int arithmetic leaves it."""
    return ((x + 0x80000000) & 0xFFFFFFFF) - 0x80000000


def cdiv(a: int, b: int) -> int:
    """C's integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def _columns(w: int) -> np.ndarray:
    return np.arange(w, dtype=np.int64)


# -- bars and solid colours -------------------------------------------------------


def _bars(w: int, n: int = 7) -> np.ndarray:
    """Bar of each column: bar i covers [i w / n, (i + 1) w / n), C's integer split."""
    edges = np.array([i * w // n for i in range(n + 1)])
    return np.searchsorted(edges, _columns(w), side="right") - 1


def _rows(line: np.ndarray, rows: int) -> np.ndarray:
    return np.broadcast_to(line, (rows, line.shape[0]))


def smpte_snow(w: int, h: int) -> tuple[int, int]:
    """Where smpte's snow begins (column, row): it fills the rest of the frame, the
    only part that changes from frame to frame."""
    return w * 3 // 4, 3 * h // 4


def smpte(s: Scene) -> Painted:
    w, h = s.width, s.height
    top, bottom = s.band
    x1, y2 = smpte_snow(w, h)
    made = s.memo.get("smpte")
    if made is None:
        made = s.memo["smpte"] = _smpte_lines(s)
    palette, blocks = made
    index = np.empty((bottom - top, w), np.uint16)
    for a, b, ln in blocks:
        if max(a, top) < min(b, bottom):
            index[max(a, top) - top : min(b, bottom) - top] = ln
    first = max(y2, top)  # the snow's rows in this band, drawn in raster order
    if first < bottom:
        noise = s.rng.bytes((bottom - first) * (w - x1)).reshape(bottom - first, w - x1)
        np.add(noise, np.uint16(12), out=index[first - top :, x1:], dtype=np.uint16)
    return Indexed(index, palette)


def _smpte_lines(s: Scene) -> tuple[np.ndarray, list[tuple[int, int, np.ndarray]]]:
    """smpte's palette and its blocks of rows (first row, end, the line they repeat),
    the same in every frame: only the snow changes."""
    w, h = s.width, s.height
    y1, y2 = 2 * h // 3, smpte_snow(w, h)[1]
    # Indices 0-11: the colour table; 12 on: the noise blend (mix value + 12).
    palette = np.concatenate([s.palette(list(s.colors)), s.blend()])
    palette.flags.writeable = False  # the same object every frame (see Frames._gather)
    # C's line buffer: a block of rows repaints it only if it has rows, and what a row
    # does not paint stays from before.
    line = np.zeros(w, np.uint16)
    blocks = []
    bars = _bars(w)
    if y1 > 0:
        line[:] = bars
        blocks.append((0, y1, line.copy()))
    if y2 > y1:
        line[:] = np.where(bars & 1, Index.BLACK, 6 - bars)
        blocks.append((y1, y2, line.copy()))
    if y2 < h:
        for i, k in enumerate((Index.NEG_I, Index.WHITE, Index.POS_Q)):
            line[i * w // 6 : (i + 1) * w // 6] = k
        for i, k in enumerate((Index.SUPER_BLACK, Index.BLACK, Index.DARK_GREY)):
            line[w // 2 + i * w // 12 : w // 2 + (i + 1) * w // 12] = k
        blocks.append((y2, h, line))
    return palette, blocks


def _bars_only(colors: tuple[Color, ...]) -> Callable[[Scene], Painted]:
    def paint(s: Scene) -> Painted:
        index = _rows(_bars(s.width).astype(np.uint8), s.band_rows)
        return Indexed(index, s.palette(list(colors[:7])))

    return paint


def smpte75(s: Scene) -> Painted:
    return _bars_only(BT601_75 if s.matrix == 601 else BT709_75)(s)


def smpte100(s: Scene) -> Painted:
    return _bars_only(s.colors)(s)


def bar(s: Scene) -> Painted:
    line = (_columns(s.width) >= s.width // 7).astype(np.uint8)
    return Indexed(_rows(line, s.band_rows), s.palette([s.fg, s.bg]))


def _flat(pick: Callable[[Scene], Color]) -> Callable[[Scene], Painted]:
    def paint(s: Scene) -> Painted:
        zeros = np.broadcast_to(np.zeros(1, np.uint8), (s.band_rows, s.width))
        return Indexed(zeros, s.palette([pick(s)]))

    return paint


black = _flat(lambda s: s.bg)
white = _flat(lambda s: s.fg)
red = _flat(lambda s: s.colors[Index.RED])
green = _flat(lambda s: s.colors[Index.GREEN])
blue = _flat(lambda s: s.colors[Index.BLUE])
solid = _flat(lambda s: s.fg)
blink = _flat(lambda s: s.fg if s.frame & 1 else s.bg)


def _checkers(size: int) -> Callable[[Scene], Painted]:
    def paint(s: Scene) -> Painted:
        x = _columns(s.width)[None, :]
        index = (((x ^ s.row_numbers()) & size) == 0).astype(np.uint8)  # 0 green, 1 red
        return Indexed(index, s.palette([s.colors[Index.GREEN], s.colors[Index.RED]]))

    return paint


def gamut(s: Scene) -> Painted:
    colors = s.colors
    black_, white_, red_, blue_ = (
        colors[Index.BLACK],
        colors[Index.WHITE],
        colors[Index.RED],
        colors[Index.BLUE],
    )
    palette = s.palette(
        [
            black_,
            dataclasses.replace(black_, Y=0),
            white_,
            dataclasses.replace(white_, Y=255),
            red_,
            dataclasses.replace(red_, V=255),
            blue_,
            dataclasses.replace(blue_, U=255),
        ]
    )
    y = s.row_numbers()
    x = _columns(s.width)[None, :] & ~7
    region = (y * 4) // s.height
    secondary = ((x ^ y) & 16) == 0
    return Indexed((region * 2 + secondary).astype(np.uint8), palette)


# -- noise --------------------------------------------------------------------------


def snow(s: Scene) -> Painted:
    mix = s.rng.bytes(s.width * s.band_rows).reshape(s.band_rows, s.width)
    return Indexed(mix, s.blend())


# -- zone plates --------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ZonePlate:
    """The zone plate phase of a scene's band of rows, split into what the frame
    number changes and what it does not, to 8 bits (only ``phase & 0xff`` is used).

    C accumulates the phase in 32-bit ints that wrap; the products that C shifts
    right (the x*y and x*x terms) are wrapped exactly, the rest only matter mod 256.
    """

    base: np.ndarray  # (band rows, width) uint8: every term without t

    @classmethod
    def of(cls, s: Scene) -> ZonePlate:
        p, w, h = s.props, s.width, s.height
        xreset = -(w // 2) - p.xoffset
        yreset = -(h // 2) - p.yoffset
        # C divides by w / 2 here: a 1-pixel-wide zone plate is a division by zero
        # there; here the x*y term is then 0.
        scale_kxy = 0xFFFF // (w // 2) if w >= 2 else 0
        scale_kx2 = 0xFFFF // w
        i = np.arange(w, dtype=np.int64)
        x = xreset + i
        # x terms: kx * (i + 1) + (kx2 * x * x * scale_kx2 >> 16), wrapped to int32.
        kx2 = _wrap(np.uint64(p.kx2 & 0xFFFFFFFF) * _u64(x) * _u64(x) * np.uint64(scale_kx2))
        tx = (p.kx * (i + 1) + (kx2 >> 16)) & 0xFF
        j = s.row_numbers()[:, 0]
        y = yreset + j
        ky2 = np.array([cdiv(i32(p.ky2 * int(yy) * int(yy)), h) for yy in y], dtype=np.int64)
        ty = (p.k0 + p.ky * (j + 1) + ky2) & 0xFF
        base = (ty[:, None] + tx[None, :]) & 0xFF
        if p.kxy:
            delta = _u64(np.array([i32(p.kxy * int(yy) * scale_kxy) for yy in y]))
            cross = _wrap(delta[:, None] * _u64(x + 1)[None, :]) >> 16
            base = (base + cross) & 0xFF
        return cls(base.astype(np.uint8))

    @staticmethod
    def offsets(s: Scene) -> tuple[int, int, int]:
        """(constant, per column, per row) phase terms of frame ``s.frame``, mod 256."""
        p = s.props
        t = i32(s.frame)
        const = i32(p.kt * t) + (i32(p.kt2 * t * t) >> 1)
        return const & 0xFF, i32(p.kxt * t) & 0xFF, i32(p.kyt * t) & 0xFF

    def phase(self, s: Scene, out: np.ndarray | None = None) -> np.ndarray:
        """The 8-bit phase of frame ``s.frame``."""
        const, per_x, per_y = self.offsets(s)
        w = self.base.shape[1]
        phase: np.ndarray
        if not (per_x or per_y):
            phase = np.add(self.base, np.uint8(const), out=out)
            return phase
        j = s.row_numbers()[:, 0]
        row = (((j + 1) * per_y + const) & 0xFF).astype(np.uint8)
        col = ((np.arange(1, w + 1) * per_x) & 0xFF).astype(np.uint8)
        phase = np.add(self.base, col[None, :], out=out)
        np.add(phase, row[:, None], out=phase)
        return phase


def _u64(a: np.ndarray | int) -> np.ndarray:
    """Two's-complement 64-bit view of int64 values (products then wrap mod 2**64)."""
    return np.asarray(a, dtype=np.int64).view(np.uint64)


def _wrap(a: np.ndarray) -> np.ndarray:
    """Low 32 bits of uint64 values as C ints (int64 holding int32 values)."""
    return (a & np.uint64(0xFFFFFFFF)).astype(np.uint32).view(np.int32).astype(np.int64)


def zone_plate(s: Scene) -> Painted:
    return Indexed(ZonePlate.of(s).phase(s), s.blend()[SINE_TABLE])


def chroma_palette(s: Scene) -> np.ndarray:
    """C's chroma zone plate colour for each sine value: Y 128 (R = G = 128), U = V =
    B = the sine, alpha of the black entry."""
    sine = SINE_TABLE.astype(np.uint8)
    pal = np.empty((256, 4), np.uint8)
    pal[:, 0] = s.colors[Index.BLACK].A
    pal[:, 1] = 128
    if s.rgb:
        pal[:, 2] = 128
        pal[:, 3] = sine
    else:
        pal[:, 2] = sine
        pal[:, 3] = sine
    return pal


def chroma_zone_plate(s: Scene) -> Painted:
    return Indexed(ZonePlate.of(s).phase(s), chroma_palette(s))


# -- shapes drawn with floating point (libm order kept) ---------------------------------


def circular(s: Scene) -> Painted:
    w, h = s.width, s.height
    freq = np.array([0.0] + [200 * math.pow(2.0, -(i - 1) / 4.0) for i in range(1, 8)])
    i = np.arange(w, dtype=np.int64)[None, :]
    j = s.row_numbers()
    dist = np.sqrt(((2 * i - w) * (2 * i - w) + (2 * j - h) * (2 * j - h)).astype(np.float64))
    dist /= 2 * w
    seg = np.floor(dist * 16)
    inside = (seg != 0) & (seg < 8)
    segi = np.where(inside, seg, 0).astype(np.int64)
    d = np.floor(256 * dist * freq[segi] + 0.5).astype(np.int64)
    mix = np.where(inside, SINE_TABLE[d & 0xFF], 0).astype(np.uint8)
    return Indexed(mix, s.blend())


def _rays(s: Scene) -> tuple[list[float], list[float]]:
    t = i32(s.frame)
    thetas = [math.pi / 19 * k + 0.001 * s.props.kt * t for k in range(19)]
    return [math.cos(a) for a in thetas], [math.sin(a) for a in thetas]


def _centred(s: Scene) -> tuple[np.ndarray, np.ndarray]:
    """Pixel x (a row) and y (a column) from the frame's centre, as C's rays use them."""
    xi = np.arange(s.width, dtype=np.float64)[None, :] - 0.5 * s.width
    yj = s.row_numbers(np.float64) - 0.5 * s.height
    return xi, yj


def pinwheel(s: Scene) -> Painted:
    c, sn = _rays(s)
    xi, yj = _centred(s)
    v = np.zeros((s.band_rows, s.width))
    for k in range(19):
        x = np.clip(c[k] * xi + sn[k] * yj, -1, 1)
        if k & 1:
            v -= x
        else:
            v += x
    mix = np.clip(np.rint(v * 128 + 128), 0, 255).astype(np.uint8)
    return Indexed(mix, s.blend())


def spokes(s: Scene) -> Painted:
    c, sn = _rays(s)
    xi, yj = _centred(s)
    v = np.zeros((s.band_rows, s.width))
    for k in range(19):
        x = 2.0 * 0.5 - np.abs(c[k] * xi + sn[k] * yj)
        v += np.clip(x + 0.5, 0.0, 1.0)
    mix = np.clip(np.rint(v * 255), 0, 255).astype(np.uint8)
    return Indexed(mix, s.blend())


def gradient(s: Scene) -> Painted:
    j = s.row_numbers(np.float64)
    level = (j * 255.0 / s.height).astype(np.uint8)
    return Indexed(np.broadcast_to(level, (s.band_rows, s.width)), s.blend())


def colors(s: Scene) -> Painted:
    w, h = s.width, s.height
    i = _columns(w)[None, :]
    j = s.row_numbers()
    px = np.empty((s.band_rows, w, 4), np.uint8)
    px[..., 0] = 0xFF
    px[..., 1] = (i * 4096) // w % 256
    px[..., 2] = (((j * 16) // h) << 4) | ((i * 16) // w)
    px[..., 3] = ((j * 4096) // h) % 256
    return Picture(px)


# -- the ball -----------------------------------------------------------------------

FRAMES, WALL_TIME, RUNNING_TIME = 0, 1, 2
WAVY, SWEEP, HSWEEP = 0, 1, 2


def ball(s: Scene) -> Painted:
    """C's moving ball. In running-time mode C takes the time from the buffer before
    it is stamped (always GST_CLOCK_TIME_NONE from a pool), so its ball stands still;
    ``s.pts`` carries whatever the caller decides (see the element)."""
    p, w, h = s.props, s.width, s.height
    radius = 20
    mode = int(p.animation_mode)
    if mode == FRAMES:
        rad = s.frame / 200
        flipit = cdiv(s.frame, 50) % 2
    elif mode == WALL_TIME:
        wall = s.wall_time_us()
        rad = wall / 1000000.0
        flipit = (wall // 1000000) % 2
    else:
        pts = s.pts & NONE64
        rad = float(pts) / SECOND
        flipit = (pts // SECOND) % 2
    motion = int(p.motion)
    if motion == HSWEEP:
        rad /= 2
        rad -= math.floor(2 * rad) / 2
    rad = 2 * math.pi * rad
    if motion == WAVY:
        x = radius + (0.5 + 0.5 * math.sin(rad)) * (w - 2 * radius)
        y = radius + (0.5 + 0.5 * math.sin(rad * math.sqrt(2))) * (h - 2 * radius)
    else:
        radius = min(h, w) // 4
        x = w // 2 + math.sin(rad) * radius
        y = h // 2 - math.cos(rad) * radius
    fg, bg = (s.bg, s.fg) if (p.flip and flipit) else (s.fg, s.bg)

    band_top, band_bottom = s.band
    mix = np.zeros((band_bottom - band_top, w), np.uint8)
    top = max(band_top, math.ceil(y - radius))
    bottom = min(band_bottom - 1, math.floor(y + radius))
    if top <= bottom:
        i = np.arange(top, bottom + 1)
        di = i - y
        o = np.maximum(0.0, radius * radius - di * di)
        r = np.rint(np.sqrt(o))
        x1 = np.maximum(0.0, x - r).astype(np.int64)  # C: int = MAX (0, x - r)
        x2 = np.minimum(float(w), x + r + 1).astype(np.int64)
        left, right = int(x1.min()), int(x2.max())
        if left < right:
            j = np.arange(left, right)
            dj = j - x
            rr = radius - np.sqrt(dj[None, :] * dj[None, :] + (di * di)[:, None])
            rr *= 0.5
            val = np.clip(np.floor(256 * rr), 0, 255).astype(np.uint8)
            keep = (j[None, :] >= x1[:, None]) & (j[None, :] < x2[:, None])
            mix[top - band_top : bottom + 1 - band_top, left:right] = np.where(keep, val, 0)
    rows: tuple[tuple[int, np.ndarray], ...] = ()
    if motion in (SWEEP, HSWEEP):
        mix[:, w // 2] = 255
        mix[:, int(x)] = 255
        line = np.full(w, 255, np.uint8)
        rows = ((h // 2, line), (int(y), line))
    return Indexed(mix, blend_table(fg, bg, s.rgb), rows)


# -- SMPTE RP 219 --------------------------------------------------------------------

_B12_ERR = (
    (0,) * 6,
    (0, 1, 0, 0, 0, 0),
    (0, 1, 1, 0, 0, 0),
    (0, 0, 0, 1, 1, 1),
    (0, 1, 1, 1, 0, 1),
    (0, 1, 1, 1, 1, 1),
)
_C_W_ERR = (
    (0, 0, 0, 0, 0, 0, 0),
    (0, 0, 0, 1, 0, 0, 0),
    (1, 0, 0, 0, 0, 0, 1),
    (0, 1, 0, 1, 0, 1, 0),
    (1, 0, 1, 0, 1, 0, 1),
    (0, 1, 1, 1, 1, 1, 0),
    (1, 1, 1, 0, 1, 1, 1),
)
_I_ERR = ((0, 0, 0), (0, 1, 0), (1, 0, 1))


def smpte_rp_219(s: Scene) -> Painted:
    a, b = s.width, s.height
    col = RP_219
    rgb = s.rgb
    line = np.zeros((a, 4), np.uint8)
    top, bottom = s.band
    out = np.empty((bottom - top, a, 4), np.uint8)

    b1 = b // 2
    b2 = b - b1
    bs = [b2 // 6 + _B12_ERR[b2 % 6][k] for k in range(6)]
    d = a // 8
    a34 = a - 2 * d
    cs = [a34 // 7 + _C_W_ERR[a34 % 7][k] for k in range(7)]
    dkg = a // 2
    hijmd = a - dkg
    kg = dkg - d
    g = cs[0] + cs[1]
    k = kg - g
    k1 = k // 2
    k2 = k - k1
    g1 = g // 2
    g2 = g - g1
    hijm = hijmd - d
    c3, c3r = cs[5] // 3, cs[5] % 3
    ij = [c3 + _I_ERR[c3r][i] for i in range(3)]
    ij += [ij[1], ij[2]]
    m = cs[5]
    h = hijm - sum(ij) - m

    def paint(x1: int, width: int, n: int) -> int:
        x2 = x1 + width
        if width > 0:
            line[x1:x2] = col[n].coded(rgb)
        return x2

    def ramp(x1: int, width: int, fg: int, bg: int) -> int:
        x2 = x1 + width
        if width > 0:
            mix = 255 * np.arange(width) // width
            line[x1:x2] = blend_table(col[fg], col[bg], rgb)[mix]
        return x2

    y = 0

    def emit(rows: int) -> None:
        nonlocal y
        lo, hi = max(y, top), min(y + rows, bottom)
        if lo < hi:
            out[lo - top : hi - top] = line
        y += rows

    x = paint(0, d, 0)
    for n, width in zip(range(1, 8), cs, strict=True):
        x = paint(x, width, n)
    paint(x, d, 0)
    emit(b1 + bs[0])

    x = paint(0, d, 8)
    x = paint(x, cs[0], 11)
    x = paint(x, sum(cs[1:7]), 1)
    paint(x, d, 12)
    emit(bs[1])

    x = paint(0, d, 13)
    x = paint(x, cs[0], 15)
    x = ramp(x, sum(cs[1:6]), 9, 14)
    x = paint(x, cs[6], 9)
    paint(x, d, 16)
    emit(bs[2])

    x = paint(0, d, 17)
    x = paint(x, k, 14)
    x = paint(x, g, 9)
    x = paint(x, h, 14)
    for n, width in zip((20, 14, 21, 20, 22), ij, strict=True):
        x = paint(x, width, n)
    x = paint(x, m, 14)
    paint(x, d, 17)
    emit(bs[3])

    x = ramp(d, k1, 18, 14)
    x = ramp(x, k2, 14, 18)
    x = ramp(x, g1, 19, 9)
    ramp(x, g2, 9, 19)
    emit(bs[4])

    x = paint(d, k, 14)
    paint(x, g, 9)
    emit(bs[5])
    return Picture(out[: max(0, min(y, bottom) - top)] if y < bottom else out)


# -- the table ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Pattern:
    value: int
    nick: str
    name: str
    paint: Callable[[Scene], Painted]
    moving: bool = False  # C never caches it
    scrolls: bool = True  # horizontal-speed makes C repaint it every frame
    timed: bool = False  # zone plates: moving when a time coefficient is set
    cycle: int = 0  # its frames repeat every `cycle` frames (blink: 2)
    # Rows above still_rows(height) are the same in every frame (smpte: all but the
    # snow), so only the rest is repainted; in those rows, the columns left of
    # still_columns(width) are the same too.
    still_rows: Callable[[int], int] | None = None
    still_columns: Callable[[int], int] | None = None


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        0,
        "smpte",
        "SMPTE 100% color bars",
        smpte,
        moving=True,
        still_rows=lambda h: smpte_snow(0, h)[1],
        still_columns=lambda w: smpte_snow(w, 0)[0],
    ),
    Pattern(1, "snow", "Random (television snow)", snow, moving=True),
    Pattern(2, "black", "100% Black", black, scrolls=False),
    Pattern(3, "white", "100% White", white, scrolls=False),
    Pattern(4, "red", "Red", red, scrolls=False),
    Pattern(5, "green", "Green", green, scrolls=False),
    Pattern(6, "blue", "Blue", blue, scrolls=False),
    Pattern(7, "checkers-1", "Checkers 1px", _checkers(1)),
    Pattern(8, "checkers-2", "Checkers 2px", _checkers(2)),
    Pattern(9, "checkers-4", "Checkers 4px", _checkers(4)),
    Pattern(10, "checkers-8", "Checkers 8px", _checkers(8)),
    Pattern(11, "circular", "Circular", circular),
    Pattern(12, "blink", "Blink", blink, moving=True, cycle=2),
    Pattern(13, "smpte75", "SMPTE 75% color bars", smpte75),
    Pattern(14, "zone-plate", "Zone plate", zone_plate, timed=True),
    Pattern(15, "gamut", "Gamut checkers", gamut),
    Pattern(16, "chroma-zone-plate", "Chroma zone plate", chroma_zone_plate, timed=True),
    Pattern(17, "solid-color", "Solid color", solid, scrolls=False),
    Pattern(18, "ball", "Moving ball", ball, moving=True),
    Pattern(19, "smpte100", "SMPTE 100% color bars", smpte100),
    Pattern(20, "bar", "Bar", bar),
    Pattern(21, "pinwheel", "Pinwheel", pinwheel),
    Pattern(22, "spokes", "Spokes", spokes),
    Pattern(23, "gradient", "Gradient", gradient),
    Pattern(24, "colors", "Colors", colors),
    Pattern(
        25, "smpte-rp-219", "SMPTE test pattern, RP 219 conformant", smpte_rp_219, scrolls=False
    ),
)

BY_VALUE = {p.value: p for p in PATTERNS}


def is_static(pattern: Pattern, props: PatternParams) -> bool:
    """C's ``gst_video_test_src_is_static_pattern``: render once and copy."""
    if pattern.moving:
        return False
    if pattern.timed and (props.kxt or props.kyt or props.kt or props.kt2):
        return False
    return not (pattern.scrolls and props.horizontal_speed)


def custom_pattern(generator: Callable[[float, int], Any]) -> Pattern:
    """pattern=custom: ``generator(seconds, frame)`` returns the RGB(A) picture."""

    frame: dict[str, Any] = {}  # the frame being painted: one call for all its bands

    def paint(s: Scene) -> Painted:
        top, bottom = s.band
        if top == 0 or frame.get("of") != (s.frame, s.time):
            rgba = rgba_array(generator(s.time / SECOND, s.frame), s.width, s.height)
            frame["of"], frame["picture"] = (s.frame, s.time), coded(rgba, s.rgb, s.matrix)
        picture = frame["picture"]
        if bottom == s.height:
            frame.clear()  # the last band: let the picture go
        return Picture(picture[top:bottom])

    return Pattern(1000, "custom", "Python callable", paint, moving=True)


def rgba_array(picture: Any, width: int, height: int) -> np.ndarray:
    """A user's picture as (height, width, 4) uint8 RGBA, or a ValueError saying why not.

    Accepts (height, width, 3 or 4) arrays of uint8, or floats in [0, 1] (clipped;
    NaN is 0)."""
    a = np.asarray(picture)
    if a.ndim != 3 or a.shape[:2] != (height, width) or a.shape[2] not in (3, 4):
        raise ValueError(
            f"the generator returned shape {a.shape}, expected ({height}, {width}, 3 or 4)"
        )
    if a.dtype != np.uint8:
        if a.dtype.kind not in "fiub":
            raise ValueError(f"the generator returned {a.dtype} values, expected uint8 or float")
        f = np.nan_to_num(a.astype(np.float64), nan=0.0)
        if a.dtype.kind == "f":
            f = f * 255.0
        a = np.clip(np.rint(f), 0, 255).astype(np.uint8)
    out = np.empty((height, width, 4), np.uint8)
    out[..., :3] = a[..., :3]
    out[..., 3] = a[..., 3] if a.shape[2] == 4 else 255
    return out


def coded(rgba: np.ndarray, rgb: bool, matrix: int) -> np.ndarray:
    """RGBA pixels as painted pixels: (A, R, G, B), or (A, Y, U, V) by C's integer
    RGB to Y'CbCr conversion (the one it applies to the colour properties)."""
    out = np.empty(rgba.shape, np.uint8)
    out[..., 0] = rgba[..., 3]
    if rgb:
        out[..., 1:] = rgba[..., :3]
        return out
    out[..., 1:] = yuv_of_rgb(rgba[..., :3], matrix)
    return out


def yuv_of_rgb(rgb: np.ndarray, matrix: int) -> np.ndarray:
    """C's RGB_TO_Y/U/V_CCIR macros over an array of (..., 3) uint8 RGB."""
    from .colors import _CCIR, ONE_HALF, SCALEBITS

    ky, ku, kv = _CCIR[matrix]
    r, g, b = (rgb[..., k].astype(np.int32) for k in range(3))
    y = (ky[0] * r + ky[1] * g + ky[2] * b + ONE_HALF + (16 << SCALEBITS)) >> SCALEBITS
    u = ((ku[0] * r + ku[1] * g + ku[2] * b + ONE_HALF - 1) >> SCALEBITS) + 128
    v = ((kv[0] * r + kv[1] * g + kv[2] * b + ONE_HALF - 1) >> SCALEBITS) + 128
    return np.stack([y, u, v], axis=-1).astype(np.uint8)
