"""``audioplot``: raw audio in, video frames of a live matplotlib plot out.

An :class:`~numgst.toolkit.AudioVisualizer`, as a user's visualiser would be: the
base does caps on both sides, time, gaps and buffers; this module says which audio a
frame shows (``window-duration``) and draws it with :mod:`numgst.plot` (numpy +
matplotlib's Agg), keeping figures in a pool bounded by bytes.
"""

from __future__ import annotations

import sys
import threading
import weakref
from typing import Any

import numpy as np

from ..base import UINT64, Prop, PropertyRefusedError, post_error, register_enum
from ..base._native.unwinders import cxx_imports
from ..base.gst import Gst
from ..plot.pool import FigurePool, figure_bytes
from ..toolkit.video import VideoFrame
from ..toolkit.visualizer import MAX_WINDOW_SAMPLES, AudioVisualizer

MODES = (
    (0, "Waveform: amplitude (full scale) against time (ms)", "waveform"),
    (1, "Spectrum: magnitude (dBFS) against frequency (Hz)", "spectrum"),
)
Mode = register_enum("NumgstAudioPlotMode", MODES)
PlotLayout = register_enum(
    "NumgstAudioPlotLayout",
    (
        (0, "One axes per channel, stacked", "stacked"),
        (1, "All channels on one axes", "overlaid"),
    ),
)
FreqScale = register_enum(
    "NumgstAudioPlotFreqScale",
    (
        (0, "Logarithmic frequency axis", "log"),
        (1, "Linear frequency axis", "linear"),
    ),
)

MAX_WINDOW = 60 * Gst.SECOND

PROPS = (
    Prop("mode", Mode, nick="Mode", blurb="What to plot", default=Mode(0)),
    Prop(
        "window-duration",
        UINT64,
        nick="Window duration",
        blurb="Audio shown (waveform) or analysed (spectrum) in each frame, in ns; "
        "0 = one frame period",
        default=0,
        minimum=0,
        maximum=MAX_WINDOW,
    ),
    Prop(
        "layout",
        PlotLayout,
        nick="Layout",
        blurb="How channels share the plot",
        default=PlotLayout(0),
    ),
    Prop(
        "freq-scale",
        FreqScale,
        nick="Frequency scale",
        blurb="Spectrum frequency axis",
        default=FreqScale(0),
    ),
    Prop(
        "amplitude",
        float,
        nick="Amplitude range",
        blurb="Waveform amplitude axis spans +-amplitude, in full-scale units",
        default=1.0,
        minimum=1e-9,
        maximum=1e9,
    ),
    Prop(
        "min-db",
        float,
        nick="Minimum dB",
        blurb="Spectrum magnitude axis bottom, in dBFS",
        default=-90.0,
        minimum=-1000.0,
        maximum=1000.0,
    ),
    Prop(
        "max-db",
        float,
        nick="Maximum dB",
        blurb="Spectrum magnitude axis top, in dBFS",
        default=0.0,
        minimum=-1000.0,
        maximum=1000.0,
    ),
    Prop(
        "colors",
        str,
        nick="Colours",
        blurb="Comma-separated matplotlib colours for the channels' traces, cycled "
        '(e.g. "red,#00a0ff"); empty = matplotlib\'s default cycle',
        default="",
        apply="_check_colors",
    ),
    Prop(
        "line-width",
        float,
        nick="Line width",
        blurb="Trace width in points",
        default=1.0,
        minimum=0.05,
        maximum=50.0,
    ),
    Prop("grid", bool, nick="Grid", blurb="Draw a grid", default=True),
)

# matplotlib keeps process-wide caches (fonts, text layout) that are not thread-safe;
# several audioplot instances run on several streaming threads.
_MPL_LOCK = threading.Lock()
_figures_module = None


def _load_figures() -> Any:
    """Import the matplotlib side on first use, so the registry scan never needs it."""
    global _figures_module
    if _figures_module is None:
        with cxx_imports():  # matplotlib's C++ modules, see numgst.base._native.unwinders
            from ..plot import figures

        _figures_module = figures
    return _figures_module


def _make_figure(key: tuple[str, Any]) -> object:
    mode, config = key
    return _load_figures().make_figure(mode, config)


# Idle figures by (mode, config), bounded by bytes and dropped when the last
# audioplot is freed; guarded by _MPL_LOCK (building one uses matplotlib).
_POOL = FigurePool(
    _make_figure, lambda key: figure_bytes(key[1].width, key[1].height), lock=_MPL_LOCK
)


MAX_CHANNELS = 64


class AudioPlot(AudioVisualizer):
    __gtype_name__ = "NumgstAudioPlot"
    __gstmetadata__ = (
        "Audio plot (matplotlib)",
        "Visualization",
        "Draws audio as a live matplotlib plot with axes and units: waveform or spectrum",
        "numgst developers",
    )
    FORMATS = ("RGBA", "BGRA")
    CHANNELS = MAX_CHANNELS
    DEFAULT_SIZE = (640, 480)
    DEFAULT_FRAMERATE = (25, 1)
    PROPS = PROPS

    def __init__(self) -> None:
        super().__init__()
        self._figure: Any = None
        self._figure_key: tuple[str, Any] | None = None
        self._drawn_for: tuple[Any, ...] | None = None
        _POOL.joined()
        weakref.finalize(self, _POOL.left)

    def _check_colors(self, text: str) -> None:
        try:
            _load_figures().parse_colors(text or "")
        except ImportError:
            return  # no matplotlib: the element says so when it starts
        except ValueError as exc:
            raise PropertyRefusedError(str(exc)) from None

    def do_change_state(self, transition: Gst.StateChange) -> Gst.StateChangeReturn:
        if transition == Gst.StateChange.NULL_TO_READY:
            try:
                _load_figures()
            except ImportError as exc:
                post_error(
                    self,
                    "audioplot needs matplotlib, which the Python at "
                    f"{sys.executable} cannot import: {sys.executable} -m pip install "
                    "'numgst[plot]' (or pip install matplotlib)",
                    f"{type(exc).__name__}: {exc}",
                    Gst.LibraryError.quark(),
                    Gst.LibraryError.INIT,
                )
                return Gst.StateChangeReturn.FAILURE
        ret = AudioVisualizer.do_change_state(self, transition)
        if transition == Gst.StateChange.PAUSED_TO_READY:
            self._release_figure()
        return ret

    def _release_figure(self) -> None:
        if self._figure is not None:
            _POOL.give_back(self._figure_key, self._figure)
            self._figure = self._figure_key = self._drawn_for = None

    # -- AudioVisualizer ------------------------------------------------------------

    def window(self) -> int:
        st = self.stream
        period = Gst.util_uint64_scale_int(Gst.SECOND, st.fps_d, st.fps_n)
        duration = min(self.settings.window_duration or period, MAX_WINDOW)
        samples = Gst.util_uint64_scale_round(duration, st.rate, Gst.SECOND)
        return max(2, min(MAX_WINDOW_SAMPLES, int(samples)))

    def draw(self, samples: np.ndarray, frame: VideoFrame) -> None:
        self._ensure_figure(frame, samples.shape[1])
        with _MPL_LOCK:
            self._figure.draw(samples, frame.array, frame.format == "BGRA")

    def _ensure_figure(self, frame: VideoFrame, window: int) -> None:
        """The figure for these settings, frame size, rate, channels and window: the
        one kept, one from the pool, or a new one."""
        st, s = self.stream, self.settings
        drawn_for = (s, frame.width, frame.height, st.rate, st.channels, window)
        if drawn_for == self._drawn_for:
            return
        figures = _load_figures()
        config = figures.PlotConfig(
            width=frame.width,
            height=frame.height,
            rate=st.rate,
            channels=st.channels,
            window=window,
            stacked=s.layout.value_nick == "stacked",
            colors=figures.parse_colors(s.colors),
            line_width=s.line_width,
            grid=s.grid,
            amplitude=s.amplitude,
            log_freq=s.freq_scale.value_nick == "log",
            min_db=s.min_db,
            max_db=s.max_db if s.max_db > s.min_db else s.min_db + 1.0,
        )
        key = (s.mode.value_nick, config)
        if key != self._figure_key:
            self._release_figure()
            self._figure, self._figure_key = _POOL.take(key), key
        self._drawn_for = drawn_for


FACTORY = ("audioplot", Gst.Rank.NONE, AudioPlot)
