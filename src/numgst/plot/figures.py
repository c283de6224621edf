"""Draw audio plots into RGBA numpy arrays with matplotlib's Agg, fast enough for video.

No pyplot and no GUI backend: a :class:`~matplotlib.figure.Figure` on a
``FigureCanvasAgg``. Everything static (axes, ticks, labels, grid) is drawn once and
kept as a background; each frame restores that background, draws only the lines
(``animated=True`` keeps them out of the static pass) and copies Agg's RGBA buffer
once into the caller's array.

This module imports matplotlib at import time: import it lazily.
"""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import numpy as np
from matplotlib import colors as mcolors
from matplotlib import rcParams
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from .audio import Spectrum

DPI = 100
# Below this size there is no room for ticks and labels: the axes fill the frame.
MIN_LABELLED = (240, 160)
# Margins in pixels around the axes (left, right, top, bottom), so text keeps its size
# whatever the frame size.
MARGINS = (64, 14, 24, 40)
FONT_SIZE = 8


@dataclasses.dataclass(frozen=True)
class PlotConfig:
    """Everything a figure is built from; a different config means a new figure.

    Attributes
    ----------
    width, height : int
        Output frame size in pixels.
    rate : int
        Sample rate in Hz.
    channels : int
        Number of traces.
    window : int
        Samples shown (waveform) or analysed (spectrum).
    stacked : bool
        One axes per channel (True) or all traces on one axes (False).
    colors : tuple of str
        Matplotlib colour specs, cycled over channels; empty = matplotlib's cycle.
    line_width : float
        Trace width in points.
    grid : bool
        Draw a grid.
    amplitude : float
        Waveform: the amplitude axis spans +-amplitude, in full-scale units.
    log_freq : bool
        Spectrum: logarithmic frequency axis.
    min_db, max_db : float
        Spectrum: magnitude axis range in dBFS.
    """

    width: int = 640
    height: int = 480
    rate: int = 48000
    channels: int = 1
    window: int = 1920
    stacked: bool = True
    colors: tuple[str, ...] = ()
    line_width: float = 1.0
    grid: bool = True
    amplitude: float = 1.0
    log_freq: bool = True
    min_db: float = -90.0
    max_db: float = 0.0


def parse_colors(text: str) -> tuple[str, ...]:
    """Split a comma-separated colour list and check every entry.

    Raises
    ------
    ValueError
        If an entry is not a matplotlib colour.
    """
    names = tuple(c.strip() for c in text.split(",") if c.strip())
    for c in names:
        if not mcolors.is_color_like(c):
            raise ValueError(f"not a colour: {c!r}")
    return names


class _AggPlot:
    """Figure, canvas, axes, one animated line per channel, and the blit background."""

    def __init__(self, cfg: PlotConfig) -> None:
        self.cfg = cfg
        w, h = cfg.width, cfg.height
        self.fig = Figure(figsize=(w / DPI, h / DPI), dpi=DPI, facecolor="white")
        self.canvas = FigureCanvasAgg(self.fig)
        if tuple(self.canvas.get_width_height()) != (w, h):
            raise RuntimeError(f"Agg canvas is {self.canvas.get_width_height()}, wanted {(w, h)}")
        self.labelled = w >= MIN_LABELLED[0] and h >= MIN_LABELLED[1]
        self.axes = self._make_axes()
        self.lines = self._make_lines()
        self._setup_axes()
        for ax in self.axes:
            # ax.grid(False, alpha=...) turns the grid on: matplotlib takes line
            # properties to mean "visible".
            if cfg.grid:
                ax.grid(True, alpha=0.35)
            else:
                ax.grid(False)
        if self.labelled:
            self._label()
        self.canvas.draw()  # type: ignore[no-untyped-call]
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)  # type: ignore[no-untyped-call]

    def _make_axes(self) -> list[Any]:
        cfg, (w, h) = self.cfg, (self.cfg.width, self.cfg.height)
        if self.labelled:
            left, right, top, bottom = MARGINS
            grid = dict(
                left=left / w, right=1 - right / w, top=1 - top / h, bottom=bottom / h, hspace=0.12
            )
        else:
            grid = dict(left=0, right=1, top=1, bottom=0, hspace=0)
        naxes = cfg.channels if cfg.stacked else 1
        axes = list(self.fig.subplots(naxes, 1, sharex=True, squeeze=False, gridspec_kw=grid)[:, 0])
        for ax in axes:
            ax.tick_params(labelsize=FONT_SIZE)
            if not self.labelled:
                ax.set_xticks([])
                ax.set_yticks([])
        return axes

    def _make_lines(self) -> list[Any]:
        """One animated line per channel, in its axes."""
        cfg = self.cfg
        colors = cfg.colors or tuple(rcParams["axes.prop_cycle"].by_key()["color"])
        x, y = self._initial_xy()
        lines = []
        for ch in range(cfg.channels):
            ax = self.axes[ch if cfg.stacked else 0]
            (line,) = ax.plot(
                x, y, color=colors[ch % len(colors)], lw=cfg.line_width, animated=True,
                label=f"ch {ch + 1}",
            )  # fmt: skip
            lines.append(line)
        return lines

    def _label(self) -> None:
        cfg = self.cfg
        self.fig.text(
            0.005, 0.995, self._title(), fontsize=FONT_SIZE, va="top", ha="left", color="0.3"
        )
        if not cfg.stacked and cfg.channels > 1:
            self.axes[0].legend(loc="upper right", fontsize=FONT_SIZE, ncols=min(cfg.channels, 4))

    # -- subclass hooks -------------------------------------------------------------

    def _initial_xy(self) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _setup_axes(self) -> None:
        raise NotImplementedError

    def _update(self, samples: np.ndarray) -> None:
        raise NotImplementedError

    def _title(self) -> str:
        c = self.cfg
        return f"{c.rate} Hz, {c.channels} ch, {1000 * c.window / c.rate:.4g} ms"

    # -- public -----------------------------------------------------------------------

    def draw(self, samples: np.ndarray, out: np.ndarray, bgra: bool = False) -> None:
        """Draw ``samples`` (channels, window) float into ``out`` (height, width, 4) uint8.

        ``bgra`` swaps red and blue for BGRA output; the default writes RGBA, Agg's own
        order, with one copy.
        """
        with np.errstate(all="ignore"):  # silence and extreme input are drawn, not warned
            self._update(samples)
        self.canvas.restore_region(self.background)  # type: ignore[no-untyped-call]
        for line in self.lines:
            line.axes.draw_artist(line)
        rgba = np.asarray(self.canvas.buffer_rgba())  # type: ignore[no-untyped-call]
        if bgra:
            out[..., 0] = rgba[..., 2]
            out[..., 1] = rgba[..., 1]
            out[..., 2] = rgba[..., 0]
            out[..., 3] = rgba[..., 3]
        else:
            np.copyto(out, rgba)

    def pixel_to_data(self, ax_index: int, col: float, row: float) -> tuple[float, float]:
        """Data coordinates of pixel (col, row) of the output image, row 0 at the top."""
        ax = self.axes[ax_index]
        disp = (col + 0.5, self.cfg.height - (row + 0.5))
        x, y = ax.transData.inverted().transform(disp)
        return float(x), float(y)

    def data_to_pixel(self, ax_index: int, x: float, y: float) -> tuple[float, float]:
        """Output-image (col, row) of data point (x, y); inverse of :meth:`pixel_to_data`."""
        dx, dy = self.axes[ax_index].transData.transform((x, y))
        return float(dx - 0.5), float(self.cfg.height - dy - 0.5)


class WaveformFigure(_AggPlot):
    """Amplitude (full scale) against time (ms), one trace per channel.

    A window longer than about two samples per pixel column is drawn as its min/max
    envelope (two points per column), which keeps peaks and costs the same per frame
    whatever the window length.
    """

    def _initial_xy(self) -> tuple[np.ndarray, np.ndarray]:
        c = self.cfg
        ms_per_sample = 1000.0 / c.rate
        # Pixel columns of the axes, known once the layout is fixed.
        ax_px = max(1, int(c.width * (self.fig.subplotpars.right - self.fig.subplotpars.left)))
        self.block = c.window // ax_px if c.window >= 4 * ax_px else 1
        if self.block > 1:
            npts = c.window // self.block
            self.skip = c.window - npts * self.block  # oldest samples left out
            centres = (self.skip + (np.arange(npts) + 0.5) * self.block) * ms_per_sample
            x = np.repeat(centres, 2)
            self._y = np.zeros((c.channels, 2 * npts), np.float32)
        else:
            self.skip = 0
            x = np.arange(c.window) * ms_per_sample
            self._y = None  # type: ignore[assignment]  # every sample drawn as it is
        return x, np.zeros_like(x)

    def _setup_axes(self) -> None:
        c = self.cfg
        span = 1000.0 * c.window / c.rate
        for i, ax in enumerate(self.axes):
            ax.set_xlim(0.0, span)
            ax.set_ylim(-c.amplitude, c.amplitude)
            ax.margins(0)
            if self.labelled:
                ax.set_ylabel(
                    f"ch {i + 1} (FS)" if c.stacked and c.channels > 1 else "amplitude (FS)",
                    fontsize=FONT_SIZE,
                )
        if self.labelled:
            self.axes[-1].set_xlabel("time (ms)", fontsize=FONT_SIZE)

    def _update(self, samples: np.ndarray) -> None:
        if self._y is None:
            for ch, line in enumerate(self.lines):
                line.set_ydata(samples[ch])
            return
        c = self.cfg
        blocks = samples[:, self.skip :].reshape(c.channels, -1, self.block)
        np.min(blocks, axis=2, out=self._y[:, 0::2])
        np.max(blocks, axis=2, out=self._y[:, 1::2])
        for ch, line in enumerate(self.lines):
            line.set_ydata(self._y[ch])


def _hz_label(v: float, _pos: object = None) -> str:
    return f"{v / 1000:g}k" if v >= 1000 else f"{v:g}"


class SpectrumFigure(_AggPlot):
    """Magnitude (dBFS) against frequency (Hz, log or linear), one trace per channel.

    The window is Hann-weighted and zero-padded to the next power of two (the FFT
    size); the first bin drawn on a log axis is bin 1 (DC has no place there).
    """

    def _initial_xy(self) -> tuple[np.ndarray, np.ndarray]:
        c = self.cfg
        self.spectrum = Spectrum(c.window, c.rate)
        self.first_bin = 1 if c.log_freq else 0
        self._db = np.zeros((c.channels, self.spectrum.freqs.size), np.float32)
        x = self.spectrum.freqs[self.first_bin :]
        return x, np.full_like(x, c.min_db - 10.0)

    def _setup_axes(self) -> None:
        c = self.cfg
        freqs = self.spectrum.freqs
        for i, ax in enumerate(self.axes):
            if c.log_freq:
                ax.set_xscale("log")
                ax.xaxis.set_major_formatter(FuncFormatter(_hz_label))
                ax.xaxis.set_minor_formatter(NullFormatter())
            ax.set_xlim(freqs[self.first_bin], freqs[-1])
            ax.set_ylim(c.min_db, c.max_db)
            if self.labelled:
                ax.set_ylabel(
                    f"ch {i + 1} (dBFS)" if c.stacked and c.channels > 1 else "magnitude (dBFS)",
                    fontsize=FONT_SIZE,
                )
        if self.labelled:
            self.axes[-1].set_xlabel("frequency (Hz)", fontsize=FONT_SIZE)
            if not c.log_freq:
                self.axes[-1].xaxis.set_major_formatter(FuncFormatter(_hz_label))

    def _title(self) -> str:
        return f"{super()._title()}, Hann, FFT {self.spectrum.nfft}"

    def _update(self, samples: np.ndarray) -> None:
        self.spectrum.db(samples, self._db)
        for ch, line in enumerate(self.lines):
            line.set_ydata(self._db[ch, self.first_bin :])


RENDERERS = {"waveform": WaveformFigure, "spectrum": SpectrumFigure}


def make_figure(mode: str, cfg: PlotConfig) -> _AggPlot:
    """The figure for ``mode`` ("waveform" or "spectrum")."""
    return RENDERERS[mode](cfg)


def bench_draw_fps(
    mode: str = "waveform",
    width: int = 640,
    height: int = 480,
    seconds: float = 2.0,
    channels: int = 2,
    rate: int = 48000,
    fps: int = 25,
) -> float:
    """Frames per second the figure alone sustains (no GStreamer), for ``./run bench``.

    Draws a moving stereo sine for about ``seconds`` of wall time and returns frames
    rendered divided by elapsed seconds.
    """
    window = rate // fps
    r = make_figure(
        mode, PlotConfig(width=width, height=height, rate=rate, channels=channels, window=window)
    )
    out = np.empty((height, width, 4), np.uint8)
    t = np.arange(window) / rate
    frames = 0
    start = time.perf_counter()
    while True:
        phase = frames * window / rate
        sig = np.stack(
            [0.8 * np.sin(2 * np.pi * (440 + 110 * c) * (t + phase)) for c in range(channels)]
        ).astype(np.float32)
        r.draw(sig, out)
        frames += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return frames / elapsed
