"""Frames of one pattern, format and size: the work chosen once, as C's caching does.

:class:`Frames` is made when the caps or a property change. It packs what a pattern
paints into the frame's bytes (:mod:`numgst.picture.pack`), and decides how much of
that to redo per frame:

* patterns C renders once (:func:`~numgst.picture.patterns.is_static`) are rendered
  once and copied, as C does;
* indexed pictures pack their few colours once and each frame is one gather of packed
  pixels (formats without subsampled chroma), or colours then pack (others);
* frames up to :data:`CACHE_BYTES` keep more than C does: the zone plates their
  frame-independent phase, blink its two frames, smpte the rows above its snow (and
  the columns left of it, in formats whose pixels have no chroma shared with a
  neighbour; smpte's colours and lines are worked out once per scene).

Frames are painted and packed in bands of rows (:data:`BAND_BYTES` of painted pixels
at most, a multiple of 4 rows so that chroma row groups fall as in C): what is held
besides the frame itself stays small at any size, as C's line-by-line painting does.
"""

from __future__ import annotations

import numpy as np

from .pack import FrameGeometry, Packer, PixelFormat, sub_scale
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
from .repack import analog_geometry, analog_planes

#: Painted pixels (4 bytes each) of one band at most.
BAND_BYTES = 1 << 20
#: Frames at most this large keep caches C does not (see the module docstring).
CACHE_BYTES = 8 << 20


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
        layout: FrameGeometry,
        h_cosited: bool = False,
        v_cosited: bool = False,
        speed: int = 0,
    ) -> None:
        # A format packed from an analog's planes (see .repack) is drawn as the
        # analog, into a frame of its own, then rearranged into the target's bytes.
        self.repack, self.target = fmt.repack, layout
        if fmt.repack is not None:
            layout = analog_geometry(fmt.repack, layout.width, layout.height)
            self._analog = np.zeros(layout.size, np.uint8)
        self.pattern, self.scene, self.layout = pattern, scene, layout
        self.fmt, self.cosited = fmt, (h_cosited, v_cosited)
        self.packer = Packer(fmt, layout, h_cosited, v_cosited)
        self.speed = speed
        self.static = is_static(pattern, scene.props)
        self.small = layout.size <= CACHE_BYTES
        self.cached: np.ndarray | None = None
        self.blink: dict[int, np.ndarray] = {}
        self.zone: ZonePlate | None = None
        self.direct = _direct_planes(fmt, layout)
        self._palette_key: np.ndarray | None = None
        self._packed: list[np.ndarray] = []
        rows = max(4, BAND_BYTES // (4 * max(1, layout.width)) // 4 * 4)
        self.band = rows if _band_layout(fmt, layout, 0, min(rows, layout.height)) else 0
        self._bands: dict[int, tuple[FrameGeometry, Packer]] = {}
        self._pixels: np.ndarray | None = None
        # A band's window (see _pack_window): its geometry, packer, bytes and pixels.
        self._window: dict[int, tuple[FrameGeometry, Packer, np.ndarray, np.ndarray]] = {}
        self.top, self.left = self._still_area()
        # Planar formats repaint the columns from `left` on from a window (0: none).
        self._start = 0 if self.direct is not None else window_start(fmt, self.left) or 0
        self._units = _plane_units(fmt)
        self._palette_of: np.ndarray | None = None

    def _still_area(self) -> tuple[int, int]:
        """(top, left): rows from ``top`` on are repainted, those above kept from the
        first frame; of those rows, columns before ``left`` are kept too."""
        pattern, fmt, layout = self.pattern, self.fmt, self.layout
        if pattern.still_rows is None or self.speed or not self.small:
            return 0, 0
        # A multiple of 4 so that chroma row groups (1, 2 or 4 rows) fall as in C.
        top = pattern.still_rows(layout.height) // 4 * 4
        if not top or _band_layout(fmt, layout, top, layout.height) is None:
            return 0, 0
        # Columns are kept where a pixel's bytes are its own (no chroma shared with a
        # neighbour), and in planar formats, whose chroma is packed from a window of
        # columns some way before `left`.
        if pattern.still_columns is None:
            return top, 0
        left = pattern.still_columns(layout.width)
        if self.direct is not None or window_start(fmt, left) is not None:
            return top, left
        return top, 0

    def draw(self, frame: int, out: np.ndarray, time: int = 0) -> None:
        """Frame number ``frame`` (C's counter) into ``out``, the frame's bytes;
        ``time`` its timestamp in ns (for the custom pattern and the overlay)."""
        r = self.repack
        if r is None:
            self._draw_frame(frame, out, time)
            return
        self._draw_frame(frame, self._analog, time)
        r.write(analog_planes(r, self._analog, self.layout), out, self.target)

    def _draw_frame(self, frame: int, out: np.ndarray, time: int) -> None:
        s = self.scene
        s.frame, s.time = frame, time
        size = self.layout.size
        if self.static:
            if self.cached is None:
                self.cached = np.zeros(size, np.uint8)
                self._draw(self.cached)
            np.copyto(out[:size], self.cached)
        elif self.pattern.cycle and not self.speed and self.small:
            key = frame % self.pattern.cycle
            done = self.blink.get(key)
            if done is None:
                done = self.blink[key] = np.zeros(size, np.uint8)
                self._draw(done)
            np.copyto(out[:size], done)
        elif self.top:
            if self.cached is None:
                self.cached = np.zeros(size, np.uint8)
                self._draw(self.cached)
                np.copyto(out[:size], self.cached)
            else:
                np.copyto(out[:size], self.cached)
                self._draw(out, self.top)
        else:
            self._draw(out)

    def x_offset(self) -> int:
        """C's scroll for this frame: ``(horizontal_speed * n_frames) % width``."""
        if not self.speed:
            return 0
        product = _i64(self.speed * self.scene.frame)
        return product % self.layout.width  # C adds width to a negative remainder

    def _draw(self, out: np.ndarray, top: int = 0) -> None:
        """Paint and pack the frame, or only its rows from ``top`` on (of those, the
        columns from :attr:`left` on where the pixels are gathered), band by band."""
        left = self.left if top else 0
        h = self.layout.height
        step = self.band or h
        s = self.scene
        x = self.x_offset()
        lines: list[tuple[int, np.ndarray]] = []
        last: tuple[int, np.ndarray] | None = None
        try:
            for y0 in range(top, h, step):
                s.top, s.bottom = y0, min(h, y0 + step)
                picture, lines = self._band_picture(out, x, step, left)
                if picture is not None:
                    last = (y0, picture)
        finally:
            s.top, s.bottom = 0, None
        assert not (top and lines), "a pattern with still rows converts no rows again"
        if lines and last is not None:
            cache = self.packer.lines()
            cache.replay_tail(last[1], last[0], out)
            for y, line in lines:
                cache.convert(_scroll(line[None], x)[0], y, out)

    def _band_picture(
        self, out: np.ndarray, x: int, step: int, left: int = 0
    ) -> tuple[np.ndarray | None, list[tuple[int, np.ndarray]]]:
        """Paint the scene's band and pack it into ``out``: the painted picture (None
        when it went straight in as packed colours) and the rows C converts again."""
        layout, packer = self._band(*self.scene.band)
        painted = self._paint()
        if isinstance(painted, Picture):
            picture = _scroll(painted.pixels, x)
            lines = list(painted.rows)
        else:
            index = _scroll(painted.index, x)
            if self.direct is not None and not painted.rows:
                self._gather(index, painted.palette, out, layout, left)
                return None, []
            if left and not painted.rows:  # left > 0 here: a window (see _still_area)
                self._pack_window(index, painted.palette, out, layout)
                return None, []
            picture = _lookup(painted.palette, index, self._picture(step))
            lines = [(y, painted.palette[line]) for y, line in painted.rows]
        packer.pack(picture, out)
        return picture, lines

    def _pack_window(
        self,
        index: np.ndarray,
        palette: np.ndarray,
        out: np.ndarray,
        lay: FrameGeometry,
    ) -> None:
        """Pack only the columns from :attr:`left` on of a band (planar formats): the band
        from a window starting :data:`MARGIN` columns earlier goes into a scratch
        frame, whose left edge filters the chroma differently than the whole row
        would, and the columns past the margin are copied into ``out``."""
        start = self._start
        key = lay.offsets[0]
        done = self._window.get(key)
        if done is None or done[0].height != lay.height:
            sub = _tight(self._units, self.layout.width - start, lay.height)
            scratch = np.zeros(sub.size, np.uint8)
            pixels = np.empty((lay.height, sub.width, 4), np.uint8)
            packer = Packer(self.fmt, sub, *self.cosited)
            done = self._window[key] = (sub, packer, scratch, pixels)
        sub, packer, scratch, pixels = done
        packer.pack(_lookup(palette, index[:, start:], pixels), scratch)
        for plane, (w_sub, h_sub, px) in self._units.items():
            first, skip = (start >> w_sub) * px, (MARGIN >> w_sub) * px
            shape = (
                sub_scale(lay.height, h_sub),
                (sub_scale(self.layout.width, w_sub) * px) - first - skip,
            )
            dst = _bytes(out, lay.offsets[plane] + first + skip, lay.strides[plane], shape)
            dst[...] = _bytes(scratch, sub.offsets[plane] + skip, sub.strides[plane], shape)

    def _picture(self, rows: int) -> np.ndarray:
        """The painted pixels of one band, reused from band to band."""
        if self._pixels is None or self._pixels.shape[0] < rows:
            self._pixels = np.empty((rows, self.layout.width, 4), np.uint8)
        return self._pixels

    def _paint(self) -> Painted:
        s = self.scene
        if not self.pattern.timed:
            return self.pattern.paint(s)
        # The zone plates: the frame-independent phase kept whole for small frames,
        # made per band for large ones.
        if self.small:
            if self.zone is None:
                band = s.top, s.bottom
                s.top, s.bottom = 0, None
                self.zone = ZonePlate.of(s)
                s.top, s.bottom = band
            top, bottom = s.band
            zone = ZonePlate(self.zone.base[top:bottom])
        else:
            zone = ZonePlate.of(s)
        chroma = self.pattern.nick == "chroma-zone-plate"
        return Indexed(zone.phase(s), chroma_palette(s) if chroma else s.blend()[SINE_TABLE])

    def _band(self, y0: int, y1: int) -> tuple[FrameGeometry, Packer]:
        """The layout of rows [y0, y1) in the frame's bytes, and its packer."""
        if y0 == 0 and y1 == self.layout.height:
            return self.layout, self.packer
        done = self._bands.get(y0)
        if done is None or done[0].height != y1 - y0:
            lay = _band_layout(self.fmt, self.layout, y0, y1)
            assert lay is not None
            done = self._bands[y0] = (lay, Packer(self.fmt, lay, *self.cosited))
        return done

    def _gather(
        self,
        index: np.ndarray,
        palette: np.ndarray,
        out: np.ndarray,
        lay: FrameGeometry,
        left: int = 0,
    ) -> None:
        """Pixels of formats without subsampling are their colour's packed bytes
        (from column ``left`` on)."""
        assert self.direct is not None
        if left:
            index = index[:, left:]
        for (plane, bpp), packed in zip(self.direct, self._packed_palette(palette), strict=True):
            word = np.dtype(f"V{bpp}") if bpp not in (1, 2, 4, 8) else np.dtype(f"u{bpp}")
            view = np.ndarray(
                (lay.height, lay.width - left),
                word,
                buffer=out,
                offset=lay.offsets[plane] + left * bpp,
                strides=(lay.strides[plane], bpp),
            )
            words = packed.view(word).reshape(-1)
            if word.kind == "u" and view.flags.c_contiguous:
                np.take(words, index, out=view, mode="clip")
            else:  # odd pixel sizes, or some columns only: rows apart in the frame
                view[...] = np.take(words, index, mode="clip")

    def _packed_palette(self, palette: np.ndarray) -> list[np.ndarray]:
        """The palette's colours packed, kept while the palette is the same."""
        # A read-only palette seen last time is the painter's kept one: unchanged.
        if not (palette is self._palette_of and not palette.flags.writeable) and (
            self._palette_key is None or not np.array_equal(self._palette_key, palette)
        ):
            self._packed = self._pack_palette(palette)
            self._palette_key = palette.copy()
        self._palette_of = palette
        return self._packed

    def _pack_palette(self, palette: np.ndarray) -> list[np.ndarray]:
        """Each colour packed as a one-row picture: its bytes in every plane."""
        assert self.direct is not None
        n = palette.shape[0]
        offsets, strides, total = [], [], 0
        for _plane, bpp in self.direct:
            offsets.append(total)
            strides.append(n * bpp)
            total += n * bpp
        layout = FrameGeometry(n, 1, tuple(offsets), tuple(strides), total)
        scratch = np.zeros(total, np.uint8)
        fmt = self.packer.fmt
        Packer(fmt, layout).pack(palette[None], scratch)
        return [
            scratch[o : o + n * bpp].reshape(n, bpp)
            for o, (_p, bpp) in zip(offsets, self.direct, strict=True)
        ]


def _band_layout(
    fmt: PixelFormat, layout: FrameGeometry, top: int, bottom: int
) -> FrameGeometry | None:
    """The layout of a frame's rows [top, bottom) (top a multiple of 4) in the same
    bytes; None if that leaves nothing or a plane mixes subsamplings."""
    subs: dict[int, int] = {}
    for c in fmt.components:
        if subs.setdefault(c.plane, c.h_sub) != c.h_sub:
            return None
    if not 0 <= top < bottom <= layout.height:
        return None
    offsets = tuple(
        o + (top >> subs.get(p, 0)) * st
        for p, (o, st) in enumerate(zip(layout.offsets, layout.strides, strict=True))
    )
    return FrameGeometry(layout.width, bottom - top, offsets, layout.strides, layout.size)


def _lookup(palette: np.ndarray, index: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``palette[index]`` as one 4-byte gather per pixel (fancy indexing of rows
    costs several times more), into ``out`` (at least index's rows, width, 4 bytes):
    a band's fresh megabyte costs more in page faults than the gather itself."""
    words = np.ascontiguousarray(palette, np.uint8).view(np.uint32).reshape(-1)
    dst = out[: index.shape[0]]
    np.take(words, index, out=dst.view(np.uint32).reshape(index.shape), mode="clip")
    return dst


#: Columns packed before a window's first kept column: more than any chroma
#: filter's reach, and a multiple of every horizontal subsampling.
MARGIN = 16


def window_start(fmt: PixelFormat, left: int) -> int | None:
    """The first column of the window packed to repaint the columns from ``left``
    on (see Frames._pack_window), or None where a window cannot be packed alone:
    formats whose planes mix samplings or sample sizes (packed 4:2:2, tails,
    repacked ones), and windows too close to the left edge to gain anything."""
    if fmt.repack is not None or not _plane_units(fmt):
        return None
    start = (left - 2 * MARGIN) // MARGIN * MARGIN
    return start if start > 0 else None


def _plane_units(fmt: PixelFormat) -> dict[int, tuple[int, int, int]]:
    """{plane: (w_sub, h_sub, bytes per sample)} when each plane's components share
    one sampling and sample size, else {}."""
    units: dict[int, tuple[int, int, int]] = {}
    for c in fmt.components:
        if units.setdefault(c.plane, (c.w_sub, c.h_sub, c.step)) != (c.w_sub, c.h_sub, c.step):
            return {}
    return units


def _bytes(buf: np.ndarray, offset: int, stride: int, shape: tuple[int, int]) -> np.ndarray:
    """Rows of bytes in ``buf``, ``stride`` apart from ``offset`` on."""
    return np.ndarray(shape, np.uint8, buffer=buf, offset=offset, strides=(stride, 1))


def _tight(units: dict[int, tuple[int, int, int]], width: int, height: int) -> FrameGeometry:
    """A frame of ``width`` x ``height`` of planes ``units`` (see :func:`_plane_units`)
    back to back, rows unpadded."""
    offsets, strides, at = [], [], 0
    for _plane, (w_sub, h_sub, px) in sorted(units.items()):
        offsets.append(at)
        strides.append(sub_scale(width, w_sub) * px)
        at += strides[-1] * sub_scale(height, h_sub)
    return FrameGeometry(width, height, tuple(offsets), tuple(strides), at)


def _direct_planes(fmt: PixelFormat, layout: FrameGeometry) -> list[tuple[int, int]] | None:
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
