"""Burned-in frame numbers and timestamps (videotestsrc_py's ``overlay``).

Digits from a 3x5 pixel font, drawn at twice that size in the foreground colour on a
box of the background colour, in the top-left corner.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .patterns import SECOND, Indexed, Painted, Pattern, Picture, Scene

FRAME_NUMBER, TIMESTAMP = 1, 2
SCALE = 2
MARGIN = 2

# fmt: off
_FONT = {
    "0": ("111", "101", "101", "101", "111"), "1": ("010", "110", "010", "010", "111"),
    "2": ("111", "001", "111", "100", "111"), "3": ("111", "001", "111", "001", "111"),
    "4": ("101", "101", "111", "001", "001"), "5": ("111", "100", "111", "001", "111"),
    "6": ("111", "100", "111", "101", "111"), "7": ("111", "001", "010", "010", "010"),
    "8": ("111", "101", "111", "101", "111"), "9": ("111", "101", "111", "001", "111"),
    ":": ("000", "010", "000", "010", "000"), ".": ("000", "000", "000", "000", "010"),
    "-": ("000", "000", "111", "000", "000"),
}
# fmt: on
GLYPHS = {k: np.array([[c == "1" for c in row] for row in v]) for k, v in _FONT.items()}


def text(mode: int, frame: int, time_ns: int) -> str:
    """What is burned in: the frame number, or the time as h:mm:ss.mmm."""
    if mode == FRAME_NUMBER:
        return str(frame)
    ms = max(0, time_ns) // (SECOND // 1000)
    return f"{ms // 3600000}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def mask(s: str) -> np.ndarray:
    """The text's pixels (True = ink), with one pixel of space between glyphs."""
    cols = []
    for ch in s:
        cols.append(GLYPHS[ch])
        cols.append(np.zeros((5, 1), bool))
    m = np.concatenate(cols[:-1], axis=1) if cols else np.zeros((5, 0), bool)
    return np.kron(m, np.ones((SCALE, SCALE), bool)).astype(bool)


def burn(
    pixels: np.ndarray, s: str, ink: tuple[int, ...], paper: tuple[int, ...], top: int = 0
) -> None:
    """Draw ``s`` into painted ``pixels`` (rows, width, 4), clipped to the picture;
    ``pixels`` are the picture's rows from ``top`` on."""
    m = mask(s)
    rows, w = pixels.shape[:2]
    box_h, box_w = m.shape[0] + 2 * MARGIN, m.shape[1] + 2 * MARGIN
    bw = min(box_w, w)
    bh = min(box_h, top + rows) - top  # the box's rows in this band
    if bh <= 0 or bw <= 0:
        return
    label = np.empty((box_h, box_w, 4), np.uint8)
    label[...] = paper
    label[MARGIN : MARGIN + m.shape[0], MARGIN : MARGIN + m.shape[1]][m] = ink
    pixels[:bh, :bw] = label[top : top + bh, :bw]


def with_overlay(pattern: Pattern, mode: int) -> Pattern:
    """``pattern`` with the text of ``mode`` burned into every frame."""

    def paint(s: Scene) -> Painted:
        painted = pattern.paint(s)
        if isinstance(painted, Indexed):
            pixels = painted.palette[painted.index]
            rows = tuple((y, painted.palette[line]) for y, line in painted.rows)
        else:
            pixels, rows = painted.pixels.copy(), painted.rows
        ink, paper = s.fg.coded(s.rgb), s.bg.coded(s.rgb)
        burn(pixels, text(mode, s.frame, s.time), ink, paper, s.band[0])
        return Picture(pixels, rows)

    return dataclasses.replace(
        pattern,
        paint=paint,
        moving=True,
        timed=False,
        cycle=0,
        still_rows=None,
        still_columns=None,
    )
