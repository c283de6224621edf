"""The colours of the test patterns: C videotestsrc's tables and conversions, exactly.

A :class:`Color` carries both codings C keeps for a colour (8-bit Y'CbCr and RGB, plus
alpha); a pattern paints with one of them, chosen by the output format: RGB formats
take A, R, G, B and every other format A, Y, U, V (C's ``paint_tmpline_ARGB`` and
``paint_tmpline_AYUV``). A painted pixel is therefore four bytes in the order
(A, R, G, B) or (A, Y, U, V), the order of GStreamer's unpacked ARGB and AYUV lines.
"""

from __future__ import annotations

import dataclasses
import enum

import numpy as np


@dataclasses.dataclass(frozen=True)
class Color:
    """One colour, as C's ``struct vts_color_struct`` (8-bit values)."""

    Y: int
    U: int
    V: int
    A: int
    R: int
    G: int
    B: int

    def argb(self) -> tuple[int, int, int, int]:
        return (self.A, self.R, self.G, self.B)

    def ayuv(self) -> tuple[int, int, int, int]:
        return (self.A, self.Y, self.U, self.V)

    def coded(self, rgb: bool) -> tuple[int, int, int, int]:
        """The four bytes painted: (A, R, G, B) if ``rgb`` else (A, Y, U, V)."""
        return self.argb() if rgb else self.ayuv()


class Index(enum.IntEnum):
    """Rows of the 100 % and 75 % tables (C's COLOR_* enum)."""

    WHITE = 0
    YELLOW = 1
    CYAN = 2
    GREEN = 3
    MAGENTA = 4
    RED = 5
    BLUE = 6
    BLACK = 7
    NEG_I = 8
    POS_Q = 9
    SUPER_BLACK = 10
    DARK_GREY = 11


def _table(rows: list[tuple[int, ...]]) -> tuple[Color, ...]:
    # C's initialisers are {Y, U, V, A, R, G, B, gray}; gray is never painted.
    return tuple(Color(*row[:7]) for row in rows)


# fmt: off
BT709_100 = _table([
    (235, 128, 128, 255, 255, 255, 255), (219, 16, 138, 255, 255, 255, 0),
    (188, 154, 16, 255, 0, 255, 255), (173, 42, 26, 255, 0, 255, 0),
    (78, 214, 230, 255, 255, 0, 255), (63, 102, 240, 255, 255, 0, 0),
    (32, 240, 118, 255, 0, 0, 255), (16, 128, 128, 255, 0, 0, 0),
    (16, 198, 21, 255, 0, 0, 128), (16, 235, 198, 255, 0, 128, 255),
    (0, 128, 128, 255, 0, 0, 0), (32, 128, 128, 255, 19, 19, 19),
])
BT709_75 = _table([
    (180, 128, 128, 255, 191, 191, 191), (168, 44, 136, 255, 191, 191, 0),
    (145, 147, 44, 255, 0, 191, 191), (133, 63, 52, 255, 0, 191, 0),
    (63, 193, 204, 255, 191, 0, 191), (51, 109, 212, 255, 191, 0, 0),
    (28, 212, 120, 255, 0, 0, 191), (16, 128, 128, 255, 0, 0, 0),
    (16, 198, 21, 255, 0, 0, 128), (16, 235, 198, 255, 0, 128, 255),
    (0, 128, 128, 255, 0, 0, 0), (32, 128, 128, 255, 19, 19, 19),
])
BT601_100 = _table([
    (235, 128, 128, 255, 255, 255, 255), (210, 16, 146, 255, 255, 255, 0),
    (170, 166, 16, 255, 0, 255, 255), (145, 54, 34, 255, 0, 255, 0),
    (106, 202, 222, 255, 255, 0, 255), (81, 90, 240, 255, 255, 0, 0),
    (41, 240, 110, 255, 0, 0, 255), (16, 128, 128, 255, 0, 0, 0),
    (16, 198, 21, 255, 0, 0, 128), (16, 235, 198, 255, 0, 128, 255),
    (0, 128, 128, 255, 0, 0, 0), (32, 128, 128, 255, 19, 19, 19),
])
BT601_75 = _table([
    (180, 128, 128, 255, 191, 191, 191), (162, 44, 142, 255, 191, 191, 0),
    (131, 156, 44, 255, 0, 191, 191), (112, 72, 58, 255, 0, 191, 0),
    (84, 184, 198, 255, 191, 0, 191), (65, 100, 212, 255, 191, 0, 0),
    (35, 212, 114, 255, 0, 0, 191), (16, 128, 128, 255, 0, 0, 0),
    (16, 198, 21, 255, 0, 0, 128), (16, 235, 198, 255, 0, 128, 255),
    (0, 128, 128, 255, 0, 0, 0), (32, 128, 128, 255, 19, 19, 19),
])
# SMPTE RP 219 (always BT.709): rows 0-7 pattern 1, 8-12 pattern 2, 13-16 pattern 3,
# 17-22 pattern 4.
RP_219 = _table([
    (104, 128, 128, 255, 102, 102, 102), (180, 128, 128, 255, 191, 191, 191),
    (168, 44, 136, 255, 190, 203, 8), (145, 147, 44, 255, 16, 211, 189),
    (133, 63, 52, 255, 15, 223, 5), (63, 193, 204, 255, 176, 0, 186),
    (51, 109, 212, 255, 175, 0, 2), (28, 212, 120, 255, 1, 0, 183),
    (188, 154, 16, 255, 22, 255, 253), (235, 128, 128, 255, 255, 255, 255),
    (61, 103, 157, 255, 99, 48, 15), (61, 153, 99, 255, 6, 66, 103),
    (32, 240, 118, 255, 3, 0, 245),
    (219, 16, 138, 255, 252, 255, 10), (16, 128, 128, 255, 0, 0, 0),
    (35, 174, 152, 255, 60, 0, 115), (63, 102, 240, 255, 233, 0, 2),
    (49, 128, 128, 255, 38, 38, 38), (1, 128, 128, 255, 0, 0, 0),
    (254, 128, 128, 255, 255, 255, 255), (12, 128, 128, 255, 0, 0, 0),
    (20, 128, 128, 255, 5, 5, 5), (25, 128, 128, 255, 10, 11, 10),
])
# fmt: on

SCALEBITS = 10
ONE_HALF = 1 << (SCALEBITS - 1)


def _fix(x: float) -> int:
    return int(x * (1 << SCALEBITS) + 0.5)


# (Y coefficients, U coefficients, V coefficients) of C's RGB_TO_*_CCIR macros, the
# studio-range conversions of BT.601 and BT.709.
_CCIR = {
    601: (
        (_fix(0.299 * 219 / 255), _fix(0.587 * 219 / 255), _fix(0.114 * 219 / 255)),
        (-_fix(0.16874 * 224 / 255), -_fix(0.33126 * 224 / 255), _fix(0.5 * 224 / 255)),
        (_fix(0.5 * 224 / 255), -_fix(0.41869 * 224 / 255), -_fix(0.08131 * 224 / 255)),
    ),
    709: (
        (_fix(0.2126 * 219 / 255), _fix(0.7152 * 219 / 255), _fix(0.0722 * 219 / 255)),
        (-_fix(0.114572 * 224 / 255), -_fix(0.385427 * 224 / 255), _fix(0.5 * 224 / 255)),
        (_fix(0.5 * 224 / 255), -_fix(0.454153 * 224 / 255), -_fix(0.045847 * 224 / 255)),
    ),
}


def from_argb(argb: int, matrix: int) -> Color:
    """A colour given as C's big-endian ARGB property value (0xAARRGGBB).

    Parameters
    ----------
    argb : int
        32-bit value: alpha in the top byte, then red, green, blue.
    matrix : {601, 709}
        The Y'CbCr matrix of the output (C uses BT.601's only when the caps say so).
    """
    a, r, g, b = (argb >> 24) & 0xFF, (argb >> 16) & 0xFF, (argb >> 8) & 0xFF, argb & 0xFF
    ky, ku, kv = _CCIR[matrix]
    y = (ky[0] * r + ky[1] * g + ky[2] * b + ONE_HALF + (16 << SCALEBITS)) >> SCALEBITS
    # C's ">>" of a negative int is arithmetic, as Python's is.
    u = ((ku[0] * r + ku[1] * g + ku[2] * b + ONE_HALF - 1) >> SCALEBITS) + 128
    v = ((kv[0] * r + kv[1] * g + kv[2] * b + ONE_HALF - 1) >> SCALEBITS) + 128
    return Color(y, u, v, a, r, g, b)


def blend_table(fg: Color, bg: Color, rgb: bool) -> np.ndarray:
    """C's ``videotestsrc_blend_line`` as a lookup table.

    Returns
    -------
    ndarray, uint8, shape (256, 4)
        Row ``x`` is the pixel painted for mix value ``x``: each byte
        ``DIV255(fg * x + bg * (255 - x))``, ``x`` = 255 giving ``fg``.
    """
    x = np.arange(256, dtype=np.int32)[:, None]
    a = np.array(fg.coded(rgb), dtype=np.int32)[None, :]
    b = np.array(bg.coded(rgb), dtype=np.int32)[None, :]
    t = a * x + b * (255 - x)
    table: np.ndarray = ((t + ((t + 128) >> 8) + 128) >> 8).astype(np.uint8)
    return table


def palette(colors: list[Color] | tuple[Color, ...], rgb: bool) -> np.ndarray:
    """The painted bytes of several colours, shape (n, 4) uint8."""
    return np.array([c.coded(rgb) for c in colors], dtype=np.uint8).reshape(-1, 4)
