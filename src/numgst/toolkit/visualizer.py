"""``AudioVisualizer``: audio in, video frames out (meters, scopes, plots).

A subclass defines ``draw(samples, frame)``: ``samples`` is the audio of the frame's
window as a (channels, n) float32 array (the last ``window()`` samples of each
channel up to the end of the frame's period, full scale 1.0 as :mod:`numgst.pcm`
converts, silence where there was none); ``frame`` is the output
:class:`~numgst.toolkit.video.VideoFrame`. It draws into ``frame``'s planes in place
and returns None, or returns a picture, (height, width, 3 or 4) RGB(A) or (height,
width) gray, uint8 or float in [0, 1], which the base writes into the negotiated
format (as ``VideoSource.generate`` does).

The base does GStreamer's part:

* any raw audio in (every format, rate and channel count up to ``CHANNELS``, both
  layouts), video out in ``FORMATS`` at ``DEFAULT_SIZE`` and ``DEFAULT_FRAMERATE``
  unless downstream asks otherwise (renegotiated when downstream changes its mind);
* time: frame ``k`` covers running time ``[k P, (k+1) P)`` for the frame period
  ``P``; its pts is that running time converted back through the input segment; a
  frame leaves once its period's audio has arrived, so the element adds one frame
  period of latency (answered in the LATENCY query). Gaps (GAP buffers and events,
  holes in the timestamps) are silence; a hole longer than 10 s restarts the grid;
  EOS pushes the last partial frame padded with silence;
* ``reset()`` when streaming starts and after a flush; errors to the bus.

Why a plain ``Gst.Element`` with pad functions, and not a GStreamer base class:
``GstPbutils.AudioVisualizer``'s ``render`` hands Python a ``GstVideoFrame`` whose
``buffer`` reads as None under PyGObject 3.42 (and it drops the last partial frame
and does not treat GAP buffers as silence); ``GstBase.BaseTransform`` is 1:1.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import pcm
from ..base import ElementMixin, mapped_array, vfunc
from ..base.buffers import audio_meta
from ..base.caps import audio_info, refuse_caps
from ..base.element import ElementMeta
from ..base.gst import Gst, GstAudio
from ..plot.audio import History, pcm_to_float
from ..plot.timeline import FrameGrid
from . import _common
from .video import VideoFrame, VideoLayout, video_info
from .video_formats import PictureWriter

NONE64 = Gst.CLOCK_TIME_NONE
# Timestamps closer than this to where the stream should be are taken as contiguous.
JITTER = Gst.MSECOND
# A hole in the input longer than this restarts the frame grid instead of drawing
# that much silence.
MAX_SILENCE = 10 * Gst.SECOND
#: The window of audio a frame shows holds at most this many samples per channel.
MAX_WINDOW_SAMPLES = 1 << 22
_FLOW_OK = Gst.FlowReturn.OK


def _time_segment() -> Gst.Segment:
    seg = Gst.Segment()
    seg.init(Gst.Format.TIME)
    return seg


@dataclasses.dataclass
class Stream:
    """What the element knows of both streams, reset when streaming starts and (the
    timing part) on a flush."""

    # audio side
    fmt: pcm.Format | None = None
    interleaved: bool = True
    rate: int = 0
    channels: int = 0
    bpf: int = 0
    segment: Gst.Segment = dataclasses.field(default_factory=_time_segment)
    # video side
    layout: VideoLayout | None = None
    fps_n: int = 0
    fps_d: int = 1
    writer: PictureWriter | None = None
    # time: running time of sample 0 since the last (re)sync, samples since then, the
    # frame being filled and the running time it starts at (where the last one
    # ended). origin None = not synced yet.
    origin: int | None = None
    nsamp: int = 0
    frame: int = 0
    frame_start: int = 0
    discont: bool = True
    # the audio shown: its length in samples, chosen when what it depends on changes
    history: History | None = None
    window_for: tuple[Any, ...] | None = None
    conv: np.ndarray = dataclasses.field(default_factory=lambda: np.empty((0, 0), np.float32))


class AudioVisualizer(ElementMixin, Gst.Element, metaclass=ElementMeta):
    """Base class of audio visualisers (see the module docstring).

    Class attributes: ``FORMATS`` (video out, the first preferred), ``CHANNELS``
    (most audio channels), ``SIZES`` ((min, max) of width and height),
    ``FRAMERATES`` (a caps range string), ``DEFAULT_SIZE``, ``DEFAULT_FRAMERATE``,
    ``PROPS``. After caps: ``self.stream`` (audio ``fmt``, ``rate``, ``channels``;
    video ``layout``, ``fps_n``/``fps_d``).
    """

    __gtype_name__ = "NumgstAudioVisualizer"
    FORMATS: tuple[str, ...] = ("RGBA", "BGRA", "RGBx", "BGRx", "RGB", "BGR", "GRAY8", "I420")
    CHANNELS = 64
    SIZES: tuple[int, int] = (16, 16384)
    FRAMERATES = "[1/3600, 1000/1]"
    DEFAULT_SIZE = (640, 480)
    DEFAULT_FRAMERATE = (25, 1)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        sink = Gst.Caps.from_string(
            f"audio/x-raw, format=(string){GstAudio.AUDIO_FORMATS_ALL}, "
            "layout=(string){ interleaved, non-interleaved }, "
            f"rate=(int)[1, 2147483647], channels=(int)[1, {cls.CHANNELS}]"
        )
        lo, hi = cls.SIZES
        src = Gst.Caps.from_string(
            "video/x-raw, format=(string){ " + ", ".join(cls.FORMATS) + " }, "
            f"width=(int)[{lo}, {hi}], height=(int)[{lo}, {hi}], "
            f"framerate=(fraction){cls.FRAMERATES}, pixel-aspect-ratio=(fraction)1/1"
        )
        _common.declare(cls, "Visualization", sink=sink, src=src)
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        self.stream = Stream()
        # Pad functions are plain functions that find the element through the pad's
        # parent: a bound method held by the pad would keep the element alive forever
        # (a cycle through C that Python's collector cannot see).
        self.sinkpad = Gst.Pad.new_from_template(_common.template(type(self), "sink"), "sink")
        self.sinkpad.set_chain_function_full(_chain_fn, None)
        self.sinkpad.set_event_function_full(_sink_event_fn, None)
        self.add_pad(self.sinkpad)
        self.srcpad = Gst.Pad.new_from_template(_common.template(type(self), "src"), "src")
        self.srcpad.set_query_function_full(_src_query_fn, None)
        self.add_pad(self.srcpad)

    # -- what subclasses provide ----------------------------------------------------

    def draw(self, samples: np.ndarray, frame: VideoFrame) -> Any:
        """Draw one frame (see the module docstring)."""
        raise NotImplementedError(f"{type(self).__name__} must define draw()")

    def window(self) -> int:
        """Samples per channel each frame shows: by default one frame period's."""
        st = self.stream
        return Gst.util_uint64_scale_round(st.rate, st.fps_d, st.fps_n)  # type: ignore[no-any-return]

    def caps_changed(self) -> None:
        """Called after the audio or the video caps change (``self.stream``)."""

    def reset(self) -> None:
        """Forget the state kept between frames: called when streaming starts and
        after a flush, before the next frame."""

    # -- state ----------------------------------------------------------------------

    def do_change_state(self, transition: Gst.StateChange) -> Gst.StateChangeReturn:
        if transition == Gst.StateChange.READY_TO_PAUSED:
            self.stream = Stream()
            self.reset()
        return Gst.Element.do_change_state(self, transition)

    # -- negotiation ----------------------------------------------------------------

    def _set_audio_caps(self, caps: Gst.Caps) -> bool:
        info = audio_info(caps)
        if info is None:
            why = "GstAudio cannot describe them (more than two channels need a channel-mask)"
            return refuse_caps(self, caps, why)
        st = self.stream
        st.fmt = pcm.FORMATS.get(info.finfo.name)
        if st.fmt is None:
            return refuse_caps(self, caps, f"no reader for {info.finfo.name}")
        st.interleaved = info.layout == GstAudio.AudioLayout.INTERLEAVED
        if (info.rate, info.channels) != (st.rate, st.channels):
            st.origin = None  # a new sample clock: the grid and the history mean nothing
        st.rate, st.channels, st.bpf = info.rate, info.channels, info.bpf
        return self._negotiate_src()

    def _negotiate_src(self) -> bool:
        templ = self.srcpad.get_pad_template_caps()
        caps = self.srcpad.peer_query_caps(templ).intersect_full(templ, Gst.CapsIntersectMode.FIRST)
        if caps.is_empty():
            return False
        # caps[0], not get_structure(0): gst-python 1.26 returns a context-manager
        # wrapper from get_structure(), a plain Gst.Structure from indexing.
        s = caps[0].copy()
        s.fixate_field_nearest_int("width", self.DEFAULT_SIZE[0])
        s.fixate_field_nearest_int("height", self.DEFAULT_SIZE[1])
        s.fixate_field_nearest_fraction("framerate", *self.DEFAULT_FRAMERATE)
        s.fixate_field_nearest_fraction("pixel-aspect-ratio", 1, 1)
        s.fixate_field_string("format", self.FORMATS[0])
        fixed = Gst.Caps.new_empty()
        fixed.append_structure(s)
        fixed = fixed.fixate()
        info = video_info(fixed)
        if info is None:
            return refuse_caps(self, fixed, "GstVideo cannot describe them")
        st = self.stream
        changed = (info.fps_n, info.fps_d) != (st.fps_n, st.fps_d)
        st.layout, st.fps_n, st.fps_d = VideoLayout.from_info(info), info.fps_n, info.fps_d
        st.writer = None
        if changed and st.origin is not None:
            # A new frame rate mid-stream: the frame being filled still starts where
            # the last one ended, and ends at the next boundary of the new grid.
            st.frame = self._grid().frame_at(st.frame_start)
        self.caps_changed()
        return bool(self.srcpad.push_event(Gst.Event.new_caps(fixed)))

    def _ensure_window(self) -> None:
        """(Re)size the history when what the window depends on changed."""
        st = self.stream
        key = (self.settings, st.rate, st.channels, st.fps_n, st.fps_d)
        if key == st.window_for:
            return
        st.window_for = key
        size = max(2, min(MAX_WINDOW_SAMPLES, int(self.window())))
        old = st.history
        if old is None or (old.size, old.channels) != (size, st.channels):
            st.history = History(st.channels, size)
            if old is not None and old.channels == st.channels:
                st.history.push(old.window())

    # -- time -------------------------------------------------------------------------

    def _grid(self) -> FrameGrid:
        """Frames over the audio since the last sync (see numgst.plot.timeline)."""
        st = self.stream
        return FrameGrid(st.fps_n, st.fps_d, st.rate, st.origin or 0)

    def _sync(self, rt: int) -> None:
        st = self.stream
        st.origin, st.nsamp = rt, 0
        grid = self._grid()
        st.frame = grid.first_frame()
        st.frame_start = grid.start(st.frame)
        st.discont = True
        if st.history is not None:
            st.history.clear()

    def _running_time(self, pts: int) -> int | None:
        seg = self.stream.segment
        if pts == NONE64 or seg.format != Gst.Format.TIME:
            return None
        rt = seg.to_running_time(Gst.Format.TIME, pts)
        return None if rt == NONE64 else int(rt)

    def _feed(self, rt: int | None, x: np.ndarray | None, n: int) -> Gst.FlowReturn:
        """Take ``n`` samples starting at running time ``rt`` (None: contiguous);
        ``x`` (channels, n) or None for silence. Pushes every frame they complete."""
        st = self.stream
        if st.origin is None:
            self._sync(rt if rt is not None else 0)
        elif rt is not None:
            expected = st.origin + Gst.util_uint64_scale(st.nsamp, Gst.SECOND, st.rate)
            drift = rt - expected
            if drift > MAX_SILENCE:
                ret = self._drain()
                if ret != _FLOW_OK:
                    return ret
                self._sync(rt)
            elif drift > JITTER:
                ret = self._advance(None, Gst.util_uint64_scale_round(drift, st.rate, Gst.SECOND))
                if ret != _FLOW_OK:
                    return ret
            elif drift < -JITTER:
                # Overlap with what was already drawn: drop the overlapping samples.
                drop = min(n, Gst.util_uint64_scale_round(-drift, st.rate, Gst.SECOND))
                n -= drop
                x = None if x is None else x[:, drop:]
        return self._advance(x, n)

    def _advance(self, x: np.ndarray | None, n: int) -> Gst.FlowReturn:
        """Take ``n`` samples (None: silence), pushing each frame as its period fills.

        A frame whose period is already covered (the frame rate went up mid-frame)
        is pushed before anything is taken."""
        st = self.stream
        assert st.history is not None
        i = 0
        grid = self._grid()
        while True:
            need = grid.boundary(st.frame + 1) - st.nsamp
            if need > 0:
                if n == 0:
                    return _FLOW_OK
                take = min(n, need)
                st.history.push(None if x is None else x[:, i : i + take], take)
                st.nsamp += take
                i += take
                n -= take
                if take < need:
                    return _FLOW_OK
            ret = self._emit()
            if ret != _FLOW_OK:
                return ret

    def _drain(self) -> Gst.FlowReturn:
        """Pad the frame being filled with silence and push it, if it has any audio."""
        st = self.stream
        if st.origin is None:
            return _FLOW_OK
        grid = self._grid()
        if st.nsamp <= grid.sample_at(st.frame_start):
            return _FLOW_OK
        return self._advance(None, grid.boundary(st.frame + 1) - st.nsamp)

    def _emit(self) -> Gst.FlowReturn:
        st = self.stream
        k = st.frame
        st.frame += 1
        start, end = st.frame_start, self._grid().start(k + 1)
        st.frame_start = end
        pts = st.segment.position_from_running_time(Gst.Format.TIME, start)
        if pts == NONE64:
            return _FLOW_OK  # before the segment: nothing to show
        if self.srcpad.check_reconfigure():
            if not self._negotiate_src():
                return Gst.FlowReturn.NOT_NEGOTIATED
            self._ensure_window()
        buf = self._frame_buffer(k, pts)
        buf.pts, buf.duration = pts, end - start
        buf.offset, buf.offset_end = k, k + 1
        if st.discont:
            buf.set_flags(Gst.BufferFlags.DISCONT)
            st.discont = False
        return self.srcpad.push(buf)

    def _frame_buffer(self, k: int, pts: int) -> Gst.Buffer:
        """Frame ``k``, drawn."""
        st = self.stream
        assert st.layout is not None and st.history is not None
        buf = Gst.Buffer.new_allocate(None, st.layout.size, None)
        with mapped_array(buf, np.uint8, (st.layout.size,)) as raw:
            frame = VideoFrame(raw, st.layout, k, pts)
            try:
                picture = self.draw(st.history.window(), frame)
                if picture is not None:
                    if st.writer is None:
                        st.writer = PictureWriter(st.layout)
                    st.writer.write(picture, raw)
            except ValueError as exc:
                raise TypeError(f"{type(self).__name__}.draw(): {exc}") from None
            finally:
                frame.release()
        return buf

    # -- pads -------------------------------------------------------------------------

    @vfunc(Gst.FlowReturn.ERROR)
    def _chain(self, pad: Gst.Pad, parent: Gst.Object, buf: Gst.Buffer) -> Gst.FlowReturn:
        st = self.stream
        if st.fmt is None or st.fps_n == 0:
            return Gst.FlowReturn.NOT_NEGOTIATED
        self._ensure_window()
        n, offsets = self._frames_of(buf)
        rt = self._running_time(buf.pts)
        if n == 0 or self._outside(buf.pts, rt):
            return _FLOW_OK
        if buf.has_flags(Gst.BufferFlags.DISCONT) and st.origin is not None and rt is not None:
            st.discont = True
        x = None if buf.has_flags(Gst.BufferFlags.GAP) else self._floats(buf, n, offsets)
        return self._feed(rt, x, n)

    def _outside(self, pts: int, rt: int | None) -> bool:
        """A timestamp outside the segment (it has no running time)."""
        return pts != NONE64 and rt is None and self.stream.segment.format == Gst.Format.TIME

    def _frames_of(self, buf: Gst.Buffer) -> tuple[int, tuple[int, ...] | None]:
        """Frames in ``buf`` and where its planes start. Planar buffers say where
        their planes are and how long they are (a trimmed buffer keeps its planes in
        place); interleaved ones are just shorter."""
        st = self.stream
        meta = None if st.interleaved else audio_meta(buf)
        return meta if meta is not None else (buf.get_size() // st.bpf, None)

    def _floats(self, buf: Gst.Buffer, n: int, offsets: tuple[int, ...] | None) -> np.ndarray:
        """The buffer's ``n`` frames as (channels, n) floats, in a reused array."""
        st = self.stream
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
        handler = _EVENTS.get(event.type)
        if handler is None:
            return bool(pad.event_default(parent, event))
        return bool(handler(self, event))

    def _on_caps(self, event: Gst.Event) -> bool:
        return self._set_audio_caps(event.parse_caps())

    def _on_segment(self, event: Gst.Event) -> bool:
        seg = event.parse_segment()
        if seg.format != Gst.Format.TIME:
            # Bytes or samples: time is counted from the samples.
            seg = _time_segment()
            event = Gst.Event.new_segment(seg)
        self.stream.segment = seg
        return bool(self.srcpad.push_event(event))

    def _on_flush_stop(self, event: Gst.Event) -> bool:
        self.stream.origin = None
        self.reset()
        return bool(self.srcpad.push_event(event))

    def _on_eos(self, event: Gst.Event) -> bool:
        st = self.stream
        if st.fmt is not None and st.fps_n:
            self._ensure_window()
            self._drain()
        return bool(self.srcpad.push_event(event))

    def _on_gap(self, event: Gst.Event) -> bool:
        st = self.stream
        ts, duration = event.parse_gap()
        if st.fmt is not None and st.fps_n and duration != NONE64:
            self._ensure_window()
            n = Gst.util_uint64_scale_round(duration, st.rate, Gst.SECOND)
            self._feed(self._running_time(ts), None, n)
        return True

    @vfunc(False)
    def _src_query(self, pad: Gst.Pad, parent: Gst.Object, query: Gst.Query) -> bool:
        if query.type == Gst.QueryType.LATENCY:
            if not self.sinkpad.peer_query(query):
                return False
            live, lo, hi = query.parse_latency()
            # A frame leaves once its whole period of audio has arrived.
            ours = self._grid().start(1) if self.stream.fps_n else 0
            query.set_latency(live, lo + ours, hi + ours if hi != NONE64 else NONE64)
            return True
        return bool(pad.query_default(parent, query))


_EVENTS: dict[Any, Callable[[AudioVisualizer, Gst.Event], bool]] = {
    Gst.EventType.CAPS: AudioVisualizer._on_caps,
    Gst.EventType.SEGMENT: AudioVisualizer._on_segment,
    Gst.EventType.FLUSH_STOP: AudioVisualizer._on_flush_stop,
    Gst.EventType.EOS: AudioVisualizer._on_eos,
    Gst.EventType.GAP: AudioVisualizer._on_gap,
}


def _chain_fn(pad: Gst.Pad, parent: AudioVisualizer | None, buf: Gst.Buffer) -> Gst.FlowReturn:
    return Gst.FlowReturn.FLUSHING if parent is None else parent._chain(pad, parent, buf)


def _sink_event_fn(pad: Gst.Pad, parent: AudioVisualizer | None, event: Gst.Event) -> bool:
    return parent is not None and parent._sink_event(pad, parent, event)


def _src_query_fn(pad: Gst.Pad, parent: AudioVisualizer | None, query: Gst.Query) -> bool:
    return parent is not None and parent._src_query(pad, parent, query)


__all__ = ["AudioVisualizer", "Stream"]
