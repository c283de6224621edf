"""Frames of one pattern, format and size: the work chosen once, as C's caching does.

:class:`Frames` is made when the caps or a property change. It packs what a pattern
paints into the frame's bytes (:mod:`numgst.picture.pack`), and decides how much of
that to redo per frame:

* patterns C renders once (:func:`~numgst.picture.patterns.is_static`) are rendered
  once and copied;
* indexed pictures pack their few colours once and each frame is one gather of packed
  pixels (formats without subsampled chroma), or colours then pack (others);
* the zone plates keep their frame-independent phase; blink keeps its two frames.
"""

from __future__ import annotations

import numpy as np

from .pack import Layout, Packer, PixelFormat
from .patterns import (
    SINE_TABLE,
    Indexed,
    Painted,
    Pattern,
    Picture,
    Scene,
    ZonePlate,
    chroma_palette,
    is_static,
)


class Frames:
    """Draws frames of ``pattern`` into buffers of ``layout``.

    ``scene`` is the :class:`~numgst.picture.patterns.Scene` of the current settings;
    :meth:`draw` updates its frame number and time.
    """

    def __init__(
        self,
        pattern: Pattern,
        scene: Scene,
        fmt: PixelFormat,
        layout: Layout,
        h_cosited: bool = False,
        v_cosited: bool = False,
        speed: int = 0,
    ) -> None:
        self.pattern, self.scene, self.layout = pattern, scene, layout
        self.packer = Packer(fmt, layout, h_cosited, v_cosited)
        self.speed = speed
        self.static = is_static(pattern, scene.props)
        self.cached: np.ndarray | None = None
        self.blink: dict[int, np.ndarray] = {}
        self.zone: ZonePlate | None = None
        self.direct = _direct_planes(fmt, layout)
        self._palette_key: np.ndarray | None = None
        self._packed: list[np.ndarray] = []
        # Rows from `top` on are repainted into a layout of those rows alone; `top` is
        # a multiple of 4 so that chroma row groups (1, 2 or 4 rows) fall as in C.
        self.top = 0
        if pattern.still_rows is not None and not speed:
            self.top = pattern.still_rows(layout.height) // 4 * 4
            below = _rows_from(fmt, layout, self.top)
            if below is None:
                self.top = 0
            else:
                self.below = below
                self.below_packer = Packer(fmt, below, h_cosited, v_cosited)

    def draw(self, frame: int, out: np.ndarray, time: int = 0) -> None:
        """Frame number ``frame`` (C's counter) into ``out``, the frame's bytes;
        ``time`` its timestamp in ns (for the custom pattern and the overlay)."""
        s = self.scene
        s.frame, s.time = frame, time
        if self.static:
            if self.cached is None:
                self.cached = np.zeros(self.layout.size, np.uint8)
                self._render(self.cached)
            np.copyto(out[: self.layout.size], self.cached)
        elif self.pattern.cycle and not self.speed:
            key = frame % self.pattern.cycle
            done = self.blink.get(key)
            if done is None:
                done = self.blink[key] = np.zeros(self.layout.size, np.uint8)
                self._render(done)
            np.copyto(out[: self.layout.size], done)
        elif self.top:
            if self.cached is None:
                self.cached = np.zeros(self.layout.size, np.uint8)
                self._render(self.cached)
                np.copyto(out[: self.layout.size], self.cached)
            else:
                np.copyto(out[: self.layout.size], self.cached)
                self._render(out, self.top)
        else:
            self._render(out)

    def x_offset(self) -> int:
        """C's scroll for this frame: ``(horizontal_speed * n_frames) % width``."""
        if not self.speed:
            return 0
        product = _i64(self.speed * self.scene.frame)
        return product % self.layout.width  # C adds width to a negative remainder

    def _render(self, out: np.ndarray, top: int = 0) -> None:
        """Paint and pack the frame, or only its rows from ``top`` on."""
        layout, packer = (self.below, self.below_packer) if top else (self.layout, self.packer)
        if self.pattern.timed:
            if self.zone is None:
                self.zone = ZonePlate.of(self.scene)
            s = self.scene
            pal = (
                chroma_palette(s)
                if self.pattern.nick == "chroma-zone-plate"
                else s.blend()[SINE_TABLE]
            )
            painted: Painted = Indexed(self.zone.phase(s), pal)
        else:
            painted = self.pattern.paint(self.scene)
        x = self.x_offset()
        if isinstance(painted, Indexed):
            index = _scroll(painted.index, x)[top:]
            rows = painted.rows
            if self.direct is not None and not rows:
                self._gather(index, painted.palette, out, layout)
                return
            picture = _lookup(painted.palette, index)
            lines = [(y, painted.palette[line]) for y, line in rows]
        else:
            assert isinstance(painted, Picture)
            picture = _scroll(painted.pixels, x)[top:]
            lines = list(painted.rows)
        assert not (top and lines), "a pattern with still rows converts no rows again"
        packer.pack(picture, out)
        if lines:
            cache = packer.lines()
            cache.replay_tail(picture, out)
            for y, line in lines:
                cache.convert(_scroll(line[None], x)[0], y, out)

    def _gather(self, index: np.ndarray, palette: np.ndarray, out: np.ndarray, lay: Layout) -> None:
        """Pixels of formats without subsampling are their colour's packed bytes."""
        assert self.direct is not None
        if self._palette_key is None or not np.array_equal(self._palette_key, palette):
            self._packed = self._pack_palette(palette)
            self._palette_key = palette.copy()
        for (plane, bpp), packed in zip(self.direct, self._packed, strict=True):
            word = np.dtype(f"V{bpp}") if bpp not in (1, 2, 4, 8) else np.dtype(f"u{bpp}")
            view = np.ndarray(
                (lay.height, lay.width),
                word,
                buffer=out,
                offset=lay.offsets[plane],
                strides=(lay.strides[plane], bpp),
            )
            if word.kind == "u" and view.flags.c_contiguous:
                np.take(packed.view(word).reshape(-1), index, out=view, mode="clip")
            else:
                view[...] = packed.view(word).reshape(-1)[index]

    def _pack_palette(self, palette: np.ndarray) -> list[np.ndarray]:
        """Each colour packed as a one-row picture: its bytes in every plane."""
        assert self.direct is not None
        n = palette.shape[0]
        offsets, strides, total = [], [], 0
        for _plane, bpp in self.direct:
            offsets.append(total)
            strides.append(n * bpp)
            total += n * bpp
        layout = Layout(n, 1, tuple(offsets), tuple(strides), total)
        scratch = np.zeros(total, np.uint8)
        fmt = self.packer.fmt
        Packer(fmt, layout).pack(palette[None], scratch)
        return [
            scratch[o : o + n * bpp].reshape(n, bpp)
            for o, (_p, bpp) in zip(offsets, self.direct, strict=True)
        ]


def _rows_from(fmt: PixelFormat, layout: Layout, top: int) -> Layout | None:
    """The layout of a frame's rows from ``top`` (a multiple of 4) on, in the same
    bytes; None if ``top`` leaves nothing or a plane mixes subsamplings."""
    subs: dict[int, int] = {}
    for c in fmt.components:
        if subs.setdefault(c.plane, c.h_sub) != c.h_sub:
            return None
    if not 0 < top < layout.height:
        return None
    offsets = tuple(
        o + (top >> subs.get(p, 0)) * st
        for p, (o, st) in enumerate(zip(layout.offsets, layout.strides, strict=True))
    )
    return Layout(layout.width, layout.height - top, offsets, layout.strides, layout.size)


def _lookup(palette: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``palette[index]`` as one 4-byte gather per pixel (fancy indexing of rows
    costs several times more)."""
    words = np.ascontiguousarray(palette, np.uint8).view(np.uint32).reshape(-1)
    return np.take(words, index).view(np.uint8).reshape(*index.shape, 4)


def _direct_planes(fmt: PixelFormat, layout: Layout) -> list[tuple[int, int]] | None:
    """[(plane, bytes per pixel)] when every pixel's bytes depend on that pixel alone
    (no subsampling, each plane a run of whole pixels), else None."""
    planes: dict[int, int] = {}
    for c in fmt.components:
        if c.w_sub or c.h_sub:
            return None
        if planes.setdefault(c.plane, c.step) != c.step:
            return None
    return sorted(planes.items())


def _scroll(a: np.ndarray, x: int) -> np.ndarray:
    """Rows rotated left by ``x`` pixels (C's tmpline2)."""
    if not x:
        return a
    return np.concatenate((a[:, x:], a[:, :x]), axis=1)


def _i64(v: int) -> int:
    return ((v + (1 << 63)) & ((1 << 64) - 1)) - (1 << 63)


__all__ = ["Frames"]
