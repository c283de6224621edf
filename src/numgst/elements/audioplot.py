"""``audioplot``: raw audio in, video frames of a live matplotlib plot out.

The element does GStreamer's part: caps on both sides, time, buffers and properties.
Unpacking and drawing live in :mod:`numgst.plot` (numpy + matplotlib's Agg).

Why a plain ``Gst.Element`` with chain and event functions, and not a base class:

* ``GstPbutils.AudioVisualizer`` can be subclassed from Python, but its ``render``
  vfunc hands over a ``GstVideoFrame`` whose ``buffer`` reads as None and whose
  ``data`` pointers are unusable under PyGObject 3.42; it also drops the last partial
  frame at EOS and does not treat GAP buffers as silence.
* ``GstBase.BaseTransform`` is 1:1 by design; a decoupled N:M element on it needs
  ``do_submit_input_buffer``/``do_generate_output`` and ``do_transform_size`` and
  still fights its assumptions about caps and allocation.

Output time: frame ``k`` covers running time ``[k*P, (k+1)*P)`` with ``P`` the frame
period; its pts is that running time converted back through the input segment, and it
shows the audio up to the end of its period. A frame is pushed once its period's
audio has arrived (or, at EOS, padded with silence), so the element adds one frame
period of latency.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import pcm
from ..base import (
    UINT64,
    ElementMixin,
    Prop,
    PropertyRefusedError,
    mapped_array,
    post_error,
    register_enum,
    vfunc,
)
from ..base._native.unwinders import cxx_imports
from ..base.buffers import audio_meta
from ..base.caps import audio_info, refuse_caps
from ..base.gst import Gst, GstAudio
from ..plot.audio import History, pcm_to_float
from ..plot.pool import FigurePool, figure_bytes
from ..plot.timeline import FrameGrid

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

# What can be drawn: a trace per channel (up to 64 stacked axes) and frames at most
# 1000 per second (a frame period below a millisecond rounds towards 0 ns) and at
# least one an hour.
MAX_CHANNELS = 64
SINK_CAPS = Gst.Caps.from_string(
    f"audio/x-raw, format=(string){GstAudio.AUDIO_FORMATS_ALL}, "
    "layout=(string){ interleaved, non-interleaved }, "
    f"rate=(int)[1, 2147483647], channels=(int)[1, {MAX_CHANNELS}]"
)
SRC_CAPS = Gst.Caps.from_string(
    "video/x-raw, format=(string){ RGBA, BGRA }, width=(int)[16, 16384], "
    "height=(int)[16, 16384], framerate=(fraction)[1/3600, 1000/1], "
    "pixel-aspect-ratio=(fraction)1/1"
)
# The window shown or analysed is at most MAX_WINDOW long and holds at most this many
# samples per channel (at very high rates the window gets shorter).
MAX_WINDOW_SAMPLES = 1 << 22
DEFAULT_SIZE = (640, 480)
DEFAULT_FPS = (25, 1)
# Timestamps closer than this to where the stream should be are taken as contiguous.
JITTER = Gst.MSECOND
# A hole in the input longer than this restarts the frame grid instead of drawing
# that much silence.
MAX_SILENCE = 10 * Gst.SECOND
NONE64 = Gst.CLOCK_TIME_NONE

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


def _time_segment() -> Gst.Segment:
    seg = Gst.Segment()
    seg.init(Gst.Format.TIME)
    return seg


@dataclasses.dataclass
class State:
    """Stream state, reset when streaming starts and (timing part) on flush."""

    # audio side
    fmt: pcm.Format | None = None
    interleaved: bool = True
    rate: int = 0
    channels: int = 0
    bpf: int = 0
    segment: Gst.Segment = dataclasses.field(default_factory=lambda: _time_segment())
    # video side
    width: int = 0
    height: int = 0
    fps_n: int = 0
    fps_d: int = 1
    bgra: bool = False
    # time: running time of sample 0 since the last (re)sync, samples since then, the
    # index of the frame being filled and the running time it starts at (where the
    # last frame ended). origin None = not synced yet.
    origin: int | None = None
    nsamp: int = 0
    frame: int = 0
    frame_start: int = 0
    discont: bool = True
    # drawing
    config: object = None
    config_from: tuple[Any, ...] | None = None
    mode: str = ""
    figure: Any = None
    history: History | None = None
    conv: np.ndarray = dataclasses.field(default_factory=lambda: np.empty((0, 0), np.float32))


class AudioPlot(ElementMixin, Gst.Element):
    __gtype_name__ = "NumgstAudioPlot"
    __gstmetadata__ = (
        "Audio plot (matplotlib)",
        "Visualization",
        "Draws audio as a live matplotlib plot with axes and units: waveform or spectrum",
        "numgst developers",
    )
    __gsttemplates__ = (
        Gst.PadTemplate.new("sink", Gst.PadDirection.SINK, Gst.PadPresence.ALWAYS, SINK_CAPS),
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS, SRC_CAPS),
    )
    PROPS = PROPS

    def __init__(self) -> None:
        super().__init__()
        self.state = State()
        _POOL.joined()
        weakref.finalize(self, _POOL.left)
        # Pad functions are plain functions that find the element through the pad's
        # parent: a bound method held by the pad would keep the element alive forever
        # (a cycle through C that Python's collector cannot see).
        self.sinkpad = Gst.Pad.new_from_template(self.get_pad_template("sink"), "sink")
        self.sinkpad.set_chain_function_full(_chain_fn, None)
        self.sinkpad.set_event_function_full(_sink_event_fn, None)
        self.add_pad(self.sinkpad)
        self.srcpad = Gst.Pad.new_from_template(self.get_pad_template("src"), "src")
        self.srcpad.set_query_function_full(_src_query_fn, None)
        self.add_pad(self.srcpad)

    def _check_colors(self, text: str) -> None:
        try:
            _load_figures().parse_colors(text or "")
        except ImportError:
            return  # no matplotlib: the element says so when it starts
        except ValueError as exc:
            raise PropertyRefusedError(str(exc)) from None

    # -- state --------------------------------------------------------------------------

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
        elif transition == Gst.StateChange.READY_TO_PAUSED:
            self.state = State()
        ret = Gst.Element.do_change_state(self, transition)
        if transition == Gst.StateChange.PAUSED_TO_READY:
            self._release_figure()
        return ret

    def _release_figure(self) -> None:
        st = self.state
        if st.figure is not None:
            _POOL.give_back((st.mode, st.config), st.figure)
            st.figure = None
            st.config = None

    # -- negotiation --------------------------------------------------------------------

    def _set_audio_caps(self, caps: Gst.Caps) -> bool:
        info = audio_info(caps)
        if info is None:
            return refuse_caps(
                self,
                caps,
                "GstAudio cannot describe them (more than two channels need a channel-mask)",
            )
        st = self.state
        st.fmt = pcm.FORMATS.get(info.finfo.name)
        if st.fmt is None:
            return refuse_caps(self, caps, f"no reader for {info.finfo.name}")
        st.interleaved = info.layout == GstAudio.AudioLayout.INTERLEAVED
        if (info.rate, info.channels) != (st.rate, st.channels):
            # A new sample clock: the old history and frame grid mean nothing now.
            st.origin = None
        st.rate, st.channels, st.bpf = info.rate, info.channels, info.bpf
        return self._negotiate_src()

    def _negotiate_src(self) -> bool:
        templ = self.srcpad.get_pad_template_caps()
        peer = self.srcpad.peer_query_caps(templ)
        caps = peer.intersect_full(templ, Gst.CapsIntersectMode.FIRST)
        if caps.is_empty():
            return False
        # caps[0], not get_structure(0): gst-python 1.26 returns a context-manager
        # wrapper from get_structure(), a plain Gst.Structure from indexing.
        s = caps[0].copy()
        s.fixate_field_nearest_int("width", DEFAULT_SIZE[0])
        s.fixate_field_nearest_int("height", DEFAULT_SIZE[1])
        s.fixate_field_nearest_fraction("framerate", *DEFAULT_FPS)
        s.fixate_field_nearest_fraction("pixel-aspect-ratio", 1, 1)
        fixed = Gst.Caps.new_empty()
        fixed.append_structure(s)
        fixed = fixed.fixate()
        s = fixed[0]
        st = self.state
        _, st.width = s.get_int("width")
        _, st.height = s.get_int("height")
        _, fps_n, fps_d = s.get_fraction("framerate")
        changed = (fps_n, fps_d) != (st.fps_n, st.fps_d)
        st.fps_n, st.fps_d = fps_n, fps_d
        if changed and st.origin is not None:
            # A new frame rate mid-stream: the frame being filled still starts where
            # the last one ended, and ends at the next boundary of the new grid.
            st.frame = self._grid().frame_at(st.frame_start)
        st.bgra = s.get_string("format") == "BGRA"
        return bool(self.srcpad.push_event(Gst.Event.new_caps(fixed)))

    def _ensure_config(self) -> None:
        """(Re)build the figure and history when settings or caps changed."""
        st, s = self.state, self.settings
        key = (s, st.width, st.height, st.rate, st.channels, st.fps_n, st.fps_d)
        if key == st.config_from:
            return
        period = Gst.util_uint64_scale_int(Gst.SECOND, st.fps_d, st.fps_n)
        duration = min(s.window_duration or period, MAX_WINDOW)
        window = max(
            2, min(MAX_WINDOW_SAMPLES, Gst.util_uint64_scale_round(duration, st.rate, Gst.SECOND))
        )
        figures = _load_figures()
        config = figures.PlotConfig(
            width=st.width,
            height=st.height,
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
        mode = s.mode.value_nick
        if (mode, config) != (st.mode, st.config):
            self._release_figure()
            st.figure = _POOL.take((mode, config))
            st.mode = mode
            old = st.history
            if old is None or (old.size, old.channels) != (window, st.channels):
                st.history = History(st.channels, window)
                if old is not None and old.channels == st.channels:
                    st.history.push(old.window())
            st.config = config
        st.config_from = key

    # -- time ---------------------------------------------------------------------------

    def _grid(self) -> FrameGrid:
        """Frames over the audio since the last sync (see numgst.plot.timeline)."""
        st = self.state
        return FrameGrid(st.fps_n, st.fps_d, st.rate, st.origin or 0)

    def _sync(self, rt: int) -> None:
        st = self.state
        st.origin, st.nsamp = rt, 0
        grid = self._grid()
        st.frame = grid.first_frame()
        st.frame_start = grid.start(st.frame)
        st.discont = True
        if st.history is not None:
            st.history.clear()

    def _running_time(self, pts: int) -> int | None:
        st = self.state
        seg = st.segment
        if pts == NONE64 or seg.format != Gst.Format.TIME:
            return None
        rt = seg.to_running_time(Gst.Format.TIME, pts)
        return None if rt == NONE64 else rt

    def _feed(self, rt: int | None, x: np.ndarray | None, n: int) -> Gst.FlowReturn:
        """Take ``n`` samples starting at running time ``rt`` (None: contiguous);
        ``x`` (channels, n) or None for silence. Pushes every frame they complete."""
        st = self.state
        if st.origin is None:
            self._sync(rt if rt is not None else 0)
        elif rt is not None:
            expected = st.origin + Gst.util_uint64_scale(st.nsamp, Gst.SECOND, st.rate)
            drift = rt - expected
            if drift > MAX_SILENCE:
                ret = self._drain()
                if ret != Gst.FlowReturn.OK:
                    return ret
                self._sync(rt)
            elif drift > JITTER:
                ret = self._advance(None, Gst.util_uint64_scale_round(drift, st.rate, Gst.SECOND))
                if ret != Gst.FlowReturn.OK:
                    return ret
            elif drift < -JITTER:
                # Overlap with what we already drew: drop the overlapping samples.
                drop = min(n, Gst.util_uint64_scale_round(-drift, st.rate, Gst.SECOND))
                n -= drop
                if x is not None:
                    x = x[:, drop:]
        return self._advance(x, n)

    def _advance(self, x: np.ndarray | None, n: int) -> Gst.FlowReturn:
        """Take ``n`` samples (None: silence), pushing each frame as its period fills.

        A frame whose period is already covered (the frame rate went up mid-frame)
        is pushed before anything is taken."""
        st = self.state
        i = 0
        grid = self._grid()
        while True:
            need = grid.boundary(st.frame + 1) - st.nsamp
            if need > 0:
                if n == 0:
                    return Gst.FlowReturn.OK
                take = min(n, need)
                assert st.history is not None
                st.history.push(None if x is None else x[:, i : i + take], take)
                st.nsamp += take
                i += take
                n -= take
                if take < need:
                    return Gst.FlowReturn.OK
            ret = self._emit()
            if ret != Gst.FlowReturn.OK:
                return ret

    def _drain(self) -> Gst.FlowReturn:
        """Pad the frame being filled with silence and push it, if it has any audio."""
        st = self.state
        if st.origin is None:
            return Gst.FlowReturn.OK
        grid = self._grid()
        if st.nsamp <= grid.sample_at(st.frame_start):
            return Gst.FlowReturn.OK
        return self._advance(None, grid.boundary(st.frame + 1) - st.nsamp)

    def _emit(self) -> Gst.FlowReturn:
        st = self.state
        k = st.frame
        st.frame += 1
        start, end = st.frame_start, self._grid().start(k + 1)
        st.frame_start = end
        pts = st.segment.position_from_running_time(Gst.Format.TIME, start)
        if pts == NONE64:
            return Gst.FlowReturn.OK  # before the segment: nothing to show
        if self.srcpad.check_reconfigure():
            if not self._negotiate_src():
                return Gst.FlowReturn.NOT_NEGOTIATED
            self._ensure_config()
        buf = Gst.Buffer.new_allocate(None, st.width * st.height * 4, None)
        assert st.history is not None
        with mapped_array(buf, np.uint8, (st.height, st.width, 4)) as out, _MPL_LOCK:
            st.figure.draw(st.history.window(), out, st.bgra)
        buf.pts = pts
        buf.duration = end - start
        buf.offset = k
        buf.offset_end = k + 1
        if st.discont:
            buf.set_flags(Gst.BufferFlags.DISCONT)
            st.discont = False
        return self.srcpad.push(buf)

    # -- pads ---------------------------------------------------------------------------

    @vfunc(Gst.FlowReturn.ERROR)
    def _chain(self, pad: Gst.Pad, parent: Gst.Object, buf: Gst.Buffer) -> Gst.FlowReturn:
        st = self.state
        if st.fmt is None or st.fps_n == 0:
            return Gst.FlowReturn.NOT_NEGOTIATED
        self._ensure_config()
        n, offsets = self._frames_of(buf)
        rt = self._running_time(buf.pts)
        if n == 0 or self._outside(buf.pts, rt):
            return Gst.FlowReturn.OK
        if buf.has_flags(Gst.BufferFlags.DISCONT) and st.origin is not None and rt is not None:
            st.discont = True
        x = None if buf.has_flags(Gst.BufferFlags.GAP) else self._floats(buf, n, offsets)
        return self._feed(rt, x, n)

    def _outside(self, pts: int, rt: int | None) -> bool:
        """A timestamp outside the segment (it has no running time)."""
        return pts != NONE64 and rt is None and self.state.segment.format == Gst.Format.TIME

    def _frames_of(self, buf: Gst.Buffer) -> tuple[int, tuple[int, ...] | None]:
        """Frames in ``buf`` and where its planes start. Planar buffers say where
        their planes are and how long they are (a trimmed buffer keeps its planes in
        place); interleaved ones are just shorter."""
        st = self.state
        meta = None if st.interleaved else audio_meta(buf)
        return meta if meta is not None else (buf.get_size() // st.bpf, None)

    def _floats(self, buf: Gst.Buffer, n: int, offsets: tuple[int, ...] | None) -> np.ndarray:
        """The buffer's ``n`` frames as (channels, n) floats, in a reused array."""
        st = self.state
        assert st.fmt is not None
        if st.conv.shape[0] != st.channels or st.conv.shape[1] < n:
            st.conv = np.empty((st.channels, n), np.float32)
        x = st.conv[:, :n]
        size = buf.get_size()
        with mapped_array(buf, np.uint8, (size,), Gst.MapFlags.READ) as raw:
            data = raw[: n * st.bpf] if offsets is None else raw
            pcm_to_float(data, st.fmt, st.channels, st.interleaved, x, offsets)
            del data
        return x

    @vfunc(False)
    def _sink_event(self, pad: Gst.Pad, parent: Gst.Object, event: Gst.Event) -> bool:
        handler = self._EVENTS.get(event.type)
        if handler is None:
            return bool(pad.event_default(parent, event))
        return bool(handler(self, event))

    def _on_caps(self, event: Gst.Event) -> bool:
        return self._set_audio_caps(event.parse_caps())

    def _on_segment(self, event: Gst.Event) -> bool:
        seg = event.parse_segment()
        if seg.format != Gst.Format.TIME:
            # Bytes or samples: we count time from the samples ourselves.
            seg = _time_segment()
            event = Gst.Event.new_segment(seg)
        self.state.segment = seg
        return bool(self.srcpad.push_event(event))

    def _on_flush_stop(self, event: Gst.Event) -> bool:
        self.state.origin = None
        return bool(self.srcpad.push_event(event))

    def _on_eos(self, event: Gst.Event) -> bool:
        st = self.state
        if st.fmt is not None and st.fps_n:
            self._ensure_config()
            self._drain()
        return bool(self.srcpad.push_event(event))

    def _on_gap(self, event: Gst.Event) -> bool:
        st = self.state
        ts, duration = event.parse_gap()
        if st.fmt is not None and st.fps_n and duration != NONE64:
            self._ensure_config()
            n = Gst.util_uint64_scale_round(duration, st.rate, Gst.SECOND)
            self._feed(self._running_time(ts), None, n)
        return True

    _EVENTS: dict[Any, Callable[[AudioPlot, Gst.Event], bool]] = {
        Gst.EventType.CAPS: _on_caps,
        Gst.EventType.SEGMENT: _on_segment,
        Gst.EventType.FLUSH_STOP: _on_flush_stop,
        Gst.EventType.EOS: _on_eos,
        Gst.EventType.GAP: _on_gap,
    }

    @vfunc(False)
    def _src_query(self, pad: Gst.Pad, parent: Gst.Object, query: Gst.Query) -> bool:
        if query.type == Gst.QueryType.LATENCY:
            if not self.sinkpad.peer_query(query):
                return False
            live, lo, hi = query.parse_latency()
            st = self.state
            # A frame leaves once its whole period of audio has arrived.
            ours = self._grid().start(1) if st.fps_n else 0
            query.set_latency(live, lo + ours, hi + ours if hi != NONE64 else NONE64)
            return True
        return bool(pad.query_default(parent, query))


def _chain_fn(pad: Gst.Pad, parent: AudioPlot | None, buf: Gst.Buffer) -> Gst.FlowReturn:
    return Gst.FlowReturn.FLUSHING if parent is None else parent._chain(pad, parent, buf)


def _sink_event_fn(pad: Gst.Pad, parent: AudioPlot | None, event: Gst.Event) -> bool:
    return parent is not None and parent._sink_event(pad, parent, event)


def _src_query_fn(pad: Gst.Pad, parent: AudioPlot | None, query: Gst.Query) -> bool:
    return parent is not None and parent._src_query(pad, parent, query)


FACTORY = ("audioplot", Gst.Rank.NONE, AudioPlot)
