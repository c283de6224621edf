"""``Harness``: one element under test, numpy arrays in and out, no main loop.

The test's own pads are linked to the element's: buffers pushed by the calling thread
reach the element's chain at once, what the element outputs waits in a queue to be
pulled (from whatever thread made it: sources and mixers have their own), events
are sent by hand. It works for any element, C or Python. What it adds to raw pads:

* arrays in the caps' terms: audio as (frames, channels) (or (frames,) for mono),
  video as the picture (packed formats) or the list of planes, laid out with the
  caps' strides and padding; floats for integer audio converted by
  :mod:`numgst.pcm` (full scale 1.0), integers taken as the format's own values;
* timestamps that follow on by themselves (the next buffer starts where the last
  one ended, from the rate or the framerate), or given;
* the element's ERROR messages raised as :class:`HarnessError` with their text, the
  moment a push or a pull fails;
* properties, controllers, flush, seek, segment and EOS in one call each.

Why not ``GstCheck.Harness``, GStreamer's own: its constructors
(``gst_harness_new*``) are not introspectable, so PyGObject cannot make one; the
same pads and queues are a few lines of PyGObject.

Example::

    with Harness("numgst_gain", gain=0.5, input_caps="audio/x-raw,format=F32LE,"
                 "layout=interleaved,rate=48000,channels=2") as h:
        h.push(np.ones((480, 2), np.float32))
        assert (h.pull_array() == 0.5).all()
"""

from __future__ import annotations

import itertools
import queue
import time
import weakref
from collections.abc import Iterable
from typing import Any

import numpy as np

from .. import pcm
from ..base.caps import audio_info
from ..base.gst import Gst, GstAudio, GstController
from ..toolkit.video import VideoFrame, VideoLayout, video_info

_ids = itertools.count()

NONE64: int = Gst.CLOCK_TIME_NONE


class HarnessError(AssertionError):
    """The element refused a buffer or an event, posted an ERROR, or gave nothing."""


class _Input:
    """The test's src pad feeding one of the element's sink pads."""

    def __init__(self, target: Gst.Pad, caps: Gst.Caps | None) -> None:
        self.pad = Gst.Pad.new(f"harness_src_{next(_ids)}", Gst.PadDirection.SRC)
        self.caps, self.next_pts, self.started = caps, 0, False
        self.upstream: queue.SimpleQueue[Gst.Event] = queue.SimpleQueue()
        self.events = self.upstream
        _SIDES[self.pad.get_name()] = self
        self.pad.set_query_function_full(_answer_caps, None)
        self.pad.set_event_function_full(_keep_event, None)
        self.pad.set_active(True)
        if caps is not None and not target.query_accept_caps(caps):
            raise HarnessError(
                f"{target.get_parent().get_name()} does not accept {caps}; it accepts "
                f"{target.query_caps(None)}"
            )
        _link(self.pad, target)

    def start(self) -> None:
        """Stream-start, caps and segment: what must precede the first buffer."""
        if not self.started:
            self.started = True
            self.event(Gst.Event.new_stream_start(self.pad.get_name()))
            if self.caps is not None:
                self.event(Gst.Event.new_caps(self.caps))
            self.event(Gst.Event.new_segment(_segment(0, NONE64, 1.0)))

    def event(self, event: Gst.Event) -> bool:
        return bool(self.pad.push_event(event))


class _Output:
    """The test's sink pad taking the element's output into queues."""

    def __init__(self, source: Gst.Pad, caps: Gst.Caps | None) -> None:
        self.pad = Gst.Pad.new(f"harness_sink_{next(_ids)}", Gst.PadDirection.SINK)
        self.caps = caps
        self.buffers: queue.SimpleQueue[Gst.Buffer] = queue.SimpleQueue()
        self.events: queue.SimpleQueue[Gst.Event] = queue.SimpleQueue()
        _SIDES[self.pad.get_name()] = self
        self.pad.set_chain_function_full(_keep_buffer, None)
        self.pad.set_event_function_full(_keep_event, None)
        self.pad.set_query_function_full(_answer_caps, None)
        self.pad.set_active(True)
        _link(source, self.pad)


def _link(src: Gst.Pad, sink: Gst.Pad) -> None:
    try:  # gi's override raises where GStreamer returns a code
        ret = src.link(sink)
    except Gst.LinkError as e:
        ret = e.args[0] if e.args else e
    if ret != Gst.PadLinkReturn.OK:
        raise HarnessError(f"cannot link {src.get_name()} to {sink.get_name()}: {ret}")


# Pad functions are plain functions that find their side by the pad's name: a bound
# method held by a pad would be a cycle through C that Python's collector cannot
# see, and PyGObject 3.42 drops the user data of set_*_function_full.
_SIDES: weakref.WeakValueDictionary[str, Any] = weakref.WeakValueDictionary()


def _keep_buffer(pad: Gst.Pad, parent: Any, buf: Gst.Buffer) -> Gst.FlowReturn:
    side = _SIDES.get(pad.get_name())
    if side is None:
        return Gst.FlowReturn.FLUSHING
    side.buffers.put(buf)
    return Gst.FlowReturn.OK


def _keep_event(pad: Gst.Pad, parent: Any, event: Gst.Event) -> bool:
    side = _SIDES.get(pad.get_name())
    if side is not None:
        if event.type == Gst.EventType.FLUSH_STOP:
            # What a sink does: data from before a flush is dropped. FLUSH_STOP is
            # serialized with the data, so no chain call is in flight.
            _drain(side.buffers)
        side.events.put(event)
    return True


def _answer_caps(pad: Gst.Pad, parent: Any, query: Gst.Query) -> bool:
    side = _SIDES.get(pad.get_name())
    if side is None:
        return False
    if query.type == Gst.QueryType.CAPS:
        caps = side.caps if side.caps is not None else Gst.Caps.new_any()
        filt = query.parse_caps()
        query.set_caps_result(caps.intersect(filt) if filt is not None else caps)
        return True
    if query.type == Gst.QueryType.ACCEPT_CAPS:
        caps = query.parse_accept_caps()
        query.set_accept_caps_result(side.caps is None or caps.can_intersect(side.caps))
        return True
    return bool(Gst.Pad.query_default(pad, parent, query))


def _segment(start: int, stop: int, rate: float) -> Gst.Segment:
    seg = Gst.Segment()
    seg.init(Gst.Format.TIME)
    seg.start, seg.stop, seg.rate, seg.time, seg.position = start, stop, rate, start, start
    return seg


class Harness:
    """One element, its inputs fed and its output drained by the test.

    Parameters
    ----------
    element : str or Gst.Element
        A factory name (``"numgst_gain"``) or an element made by the test.
    input_caps, output_caps : str, optional
        Caps the test's side offers on the element's input(s) and accepts from its
        output (the output's may be left open).
    inputs : int
        Sink pads to feed: more than one requests pads of a mixer (``sink_%u``).
    **props
        Properties set before anything else, ``_`` standing for ``-``.

    The element is PLAYING from the start, on the system clock (a live source
    runs in real time).
    """

    def __init__(
        self,
        element: str | Gst.Element,
        *,
        input_caps: str | None = None,
        output_caps: str | None = None,
        inputs: int = 1,
        **props: Any,
    ) -> None:
        Gst.init(None)
        el = Gst.ElementFactory.make(element) if isinstance(element, str) else element
        if el is None:
            raise HarnessError(
                f"no element {element!r}: is its plugin folder on GST_PLUGIN_PATH? "
                "(numgst doctor says what is missing)"
            )
        self.element: Gst.Element = el
        self.set(**props)
        self._bus = Gst.Bus.new()
        el.set_bus(self._bus)
        in_caps = Gst.Caps.from_string(input_caps) if input_caps else None
        out_caps = Gst.Caps.from_string(output_caps) if output_caps else None
        self._requested: list[Gst.Pad] = []
        self._inputs = [_Input(p, in_caps) for p in self._sink_pads(inputs)]
        src = el.get_static_pad("src")
        self._output = _Output(src, out_caps) if src is not None else None
        self._controls: dict[str, Any] = {}
        clock = Gst.SystemClock.obtain()
        el.set_clock(clock)
        el.set_base_time(clock.get_time())
        el.set_start_time(NONE64)  # keeps that base time through the state changes
        if el.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            self._raise(f"{el.get_name()} did not start")

    def _sink_pads(self, inputs: int) -> list[Gst.Pad]:
        static = list(self.element.sinkpads)
        if static or not any(
            t.direction == Gst.PadDirection.SINK for t in self.element.get_pad_template_list()
        ):
            return static[:inputs]
        for _ in range(inputs):
            pad = (
                self.element.request_pad_simple("sink_%u")
                if hasattr(self.element, "request_pad_simple")
                else self.element.get_request_pad("sink_%u")
            )
            if pad is None:
                raise HarnessError(f"{self.element.get_name()} gave no request pad sink_%u")
            self._requested.append(pad)
        return list(self._requested)

    # -- set-up ---------------------------------------------------------------------

    def set(self, **props: Any) -> None:
        """Set properties (``_`` in a name stands for ``-``)."""
        for name, value in props.items():
            self.element.set_property(name.replace("_", "-"), value)

    def get(self, name: str) -> Any:
        return self.element.get_property(name.replace("_", "-"))

    def pad(self, input: int) -> Gst.Pad:
        """The element's sink pad fed by input ``input`` (a mixer's pad properties)."""
        return self._inputs[input].pad.get_peer()

    def control(
        self, name: str, points: Iterable[tuple[int, float]], mode: str = "linear",
        target: Gst.Object | None = None,
    ) -> None:  # fmt: skip
        """Drive property ``name`` of the element (or of ``target``, e.g. a pad) by a
        controller through ``points`` ((time in ns, value) pairs; ``mode``
        ``"linear"``, ``"none"`` (steps) or ``"cubic"``)."""
        obj = self.element if target is None else target
        prop = name.replace("_", "-")
        cs = GstController.InterpolationControlSource()
        cs.set_property("mode", getattr(GstController.InterpolationMode, mode.upper()))
        binding = GstController.DirectControlBinding.new_absolute(obj, prop, cs)
        if not obj.add_control_binding(binding):
            raise HarnessError(f"{prop!r} cannot be controlled (is it CONTROLLABLE?)")
        for t, v in points:
            cs.set(t, v)
        self._controls[prop] = cs

    # -- data in ----------------------------------------------------------------------

    def push(
        self,
        data: np.ndarray | list[np.ndarray] | bytes | Gst.Buffer,
        pts: int | None = None,
        duration: int | None = None,
        *,
        input: int = 0,
        flags: Gst.BufferFlags | int = 0,
    ) -> None:
        """Push one buffer into input ``input``: an array (see the module docstring),
        bytes, or a ready ``Gst.Buffer``. ``pts`` defaults to where the last buffer
        on that input ended, ``duration`` to the data's length."""
        side = self._inputs[input]
        side.start()
        buf = data if isinstance(data, Gst.Buffer) else self._buffer(side.caps, data)
        if pts is not None or buf.pts == NONE64:
            buf.pts = side.next_pts if pts is None else pts
        if duration is not None:
            buf.duration = duration
        elif buf.duration == NONE64:
            buf.duration = _duration(side.caps, buf)
        if flags:
            buf.set_flags(Gst.BufferFlags(flags))
        if buf.duration != NONE64:
            side.next_pts = buf.pts + buf.duration
        ret = side.pad.push(buf)
        if ret != Gst.FlowReturn.OK:
            self._raise(f"pushing a buffer returned {ret.value_nick}")

    def eos(self) -> None:
        """End of stream on every input."""
        for side in self._inputs:
            side.start()
            side.event(Gst.Event.new_eos())

    def flush(self) -> None:
        """A flush on every input (FLUSH_START, FLUSH_STOP resetting time), then a
        new segment from 0: what a flushing seek does downstream."""
        for side in self._inputs:
            side.start()
            side.event(Gst.Event.new_flush_start())
            side.event(Gst.Event.new_flush_stop(True))
        self.segment()

    def segment(self, start: int = 0, stop: int = NONE64, rate: float = 1.0) -> None:
        """A new TIME segment on every input (``start``, ``stop`` in ns)."""
        for side in self._inputs:
            side.start()
            if not side.event(Gst.Event.new_segment(_segment(start, stop, rate))):
                self._raise("the element refused the segment")
            side.next_pts = start

    def seek(self, start: int, stop: int = NONE64, flags: Gst.SeekFlags | None = None) -> bool:
        """Send a TIME seek upstream into the element's output (a source seeks)."""
        if self._output is None:
            raise HarnessError("the element has no output to seek on")
        flags = Gst.SeekFlags.FLUSH if flags is None else flags
        event = Gst.Event.new_seek(
            1.0, Gst.Format.TIME, flags, Gst.SeekType.SET, start,
            Gst.SeekType.SET if stop != NONE64 else Gst.SeekType.NONE,
            stop if stop != NONE64 else -1,
        )  # fmt: skip
        return bool(self._output.pad.push_event(event))

    def upstream_events(self, input: int = 0) -> list[Gst.Event]:
        """The events the element sent upstream on input ``input`` since last asked."""
        return _drain(self._inputs[input].upstream)

    # -- data out ---------------------------------------------------------------------

    def pull(self, timeout: float = 5.0) -> Gst.Buffer:
        """The next output buffer, waiting up to ``timeout`` s (for elements that
        output from a thread of their own: sources, mixers)."""
        out = self._out()
        deadline = time.monotonic() + timeout
        while True:
            try:
                return out.buffers.get(timeout=0.01)
            except queue.Empty:
                self._check_bus()
                if time.monotonic() > deadline:
                    raise HarnessError(f"no output buffer within {timeout:g} s") from None

    def pull_array(self, timeout: float = 5.0) -> Any:
        """The next output buffer as arrays (copies): audio (frames, channels) in
        the format's own type (int32 for 3-byte formats), video the picture
        (packed formats) or the list of planes."""
        return self.to_array(self.pull(timeout))

    def pull_float(self, timeout: float = 5.0) -> np.ndarray:
        """The next audio buffer as (frames, channels) floats, by :mod:`numgst.pcm`."""
        fmt, words = self._audio_samples(self.pull(timeout))
        return pcm.to_float(words, fmt)

    def pending(self) -> int:
        """Output buffers waiting to be pulled."""
        return self._out().buffers.qsize()

    def events(self) -> list[Gst.Event]:
        """The events the element has sent downstream since last asked."""
        return _drain(self._out().events)

    def wait_eos(self, timeout: float = 5.0) -> list[Gst.Buffer]:
        """Every buffer the element outputs until its EOS (raises if none comes)."""
        out, got = self._out(), []
        deadline = time.monotonic() + timeout
        while True:
            got += _drain(out.buffers)
            if any(e.type == Gst.EventType.EOS for e in self.events()):
                return got + _drain(out.buffers)
            self._check_bus()
            if time.monotonic() > deadline:
                raise HarnessError(f"no EOS within {timeout:g} s")
            time.sleep(0.005)

    def output_caps(self) -> Gst.Caps | None:
        """The caps the element's output has negotiated."""
        return self._out().pad.get_current_caps()

    def to_array(self, buf: Gst.Buffer) -> Any:
        """``buf`` (an output buffer) as arrays (see :meth:`pull_array`)."""
        caps = self.output_caps()
        if caps is not None and caps[0].get_name() == "video/x-raw":
            info = video_info(caps)
            frame = VideoFrame(_copy(buf), VideoLayout.from_info(info).for_buffer(buf), 0, 0)
            planes = frame.planes  # views of the copy: the caller's to keep
            return planes[0] if len(planes) == 1 else planes
        fmt, words = self._audio_samples(buf)
        if fmt.dtype is not None:
            return words
        x = pcm.to_float(words, fmt).astype(np.float64) * fmt.full_scale
        return np.rint(x).astype(np.int32) + (0 if fmt.signed else fmt.full_scale)

    # -- the end ----------------------------------------------------------------------

    def close(self) -> None:
        """Stop the element and unlink everything (also on leaving a ``with``)."""
        self.element.set_state(Gst.State.NULL)
        for side in self._inputs:
            side.pad.set_active(False)
            side.pad.unlink(side.pad.get_peer())
        if self._output is not None:
            peer = self._output.pad.get_peer()
            if peer is not None:
                peer.unlink(self._output.pad)
            self._output.pad.set_active(False)
        for pad in self._requested:
            self.element.release_request_pad(pad)
        self._inputs, self._requested, self._output = [], [], None

    def __enter__(self) -> Harness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- inside -------------------------------------------------------------------------

    def _out(self) -> _Output:
        if self._output is None:
            raise HarnessError("the element has no src pad to pull from")
        return self._output

    def _buffer(self, caps: Gst.Caps | None, data: Any) -> Gst.Buffer:
        if isinstance(data, bytes | bytearray):
            return _writable_buffer(bytes(data))
        if caps is None:
            raise HarnessError("arrays need caps: give the Harness input_caps")
        if caps[0].get_name() == "video/x-raw":
            return _video_buffer(caps, data)
        return _audio_buffer(caps, np.asarray(data))

    def _audio_samples(self, buf: Gst.Buffer) -> tuple[pcm.Format, np.ndarray]:
        """The output format and ``buf``'s samples, (frames, channels), of a copy."""
        caps = self.output_caps()
        info = audio_info(caps) if caps is not None else None
        if info is None:
            raise HarnessError(f"the output is not raw audio or video GstAudio reads: {caps}")
        fmt, raw = pcm.get(info.finfo.name), _copy(buf)
        return fmt, pcm.samples(raw, fmt, raw.size // info.bpf, info.channels, _planar(info))

    def _check_bus(self) -> None:
        msg = self._bus.pop_filtered(Gst.MessageType.ERROR)
        if msg is not None:
            err, debug = msg.parse_error()
            raise HarnessError(f"{err.message}\n{debug}")

    def _raise(self, what: str) -> None:
        self._check_bus()
        raise HarnessError(what)


def _drain(q: queue.SimpleQueue[Any]) -> list[Any]:
    out = []
    while True:
        try:
            out.append(q.get_nowait())
        except queue.Empty:
            return out


def _copy(buf: Gst.Buffer) -> np.ndarray:
    """A writable copy of ``buf``'s bytes (one copy: what the test gets is views of it)."""
    ok, info = buf.map(Gst.MapFlags.READ)
    if not ok:
        raise HarnessError("an output buffer could not be mapped")
    try:
        return np.array(info.data, np.uint8)
    finally:
        buf.unmap(info)


def _planar(info: Any) -> bool:
    return bool(info.layout == GstAudio.AudioLayout.NON_INTERLEAVED)


def _audio_buffer(caps: Gst.Caps, x: np.ndarray) -> Gst.Buffer:
    info = audio_info(caps)
    if info is None:
        raise HarnessError(
            f"not raw audio or video caps GstAudio reads (more than two channels need "
            f"a channel-mask): {caps}"
        )
    fmt, ch = pcm.get(info.finfo.name), info.channels
    if x.ndim == 1 and ch == 1:
        x = x[:, None]
    if x.ndim != 2 or x.shape[1] != ch or x.dtype.kind not in "biuf":
        raise HarnessError(
            f"audio for {fmt.name} with {ch} channels is a (frames, {ch}) array of numbers; "
            f"got {x.dtype} {x.shape}"
        )
    raw = np.zeros(x.shape[0] * info.bpf, np.uint8)
    _write_samples(x, fmt, pcm.samples(raw, fmt, x.shape[0], ch, _planar(info)))
    buf = _writable_buffer(raw.tobytes())
    if _planar(info):
        GstAudio.buffer_add_audio_meta(buf, info, x.shape[0], None)
    return buf


def _write_samples(x: np.ndarray, fmt: pcm.Format, words: np.ndarray) -> None:
    """Floats by numgst.pcm's rule; integers as the format's own values (3-byte
    formats through floats, exactly)."""
    if x.dtype.kind == "f" or fmt.dtype is None:
        y = x if x.dtype.kind == "f" else x.astype(np.float64) / fmt.full_scale - (not fmt.signed)
        pcm.from_float(y, fmt, words)
    else:
        words[...] = x


def _video_buffer(caps: Gst.Caps, data: np.ndarray | list[np.ndarray]) -> Gst.Buffer:
    info = video_info(caps)
    layout = VideoLayout.from_info(info)
    raw = np.zeros(info.size, np.uint8)
    frame = VideoFrame(raw, layout, 0, 0)
    given = data if isinstance(data, list | tuple) else [data]
    if len(given) != len(frame.planes) or any(
        np.shape(g) != p.shape for g, p in zip(given, frame.planes, strict=False)
    ):
        want = " + ".join(str(p.shape) for p in frame.planes)
        got = " + ".join(str(np.shape(g)) for g in given)
        raise HarnessError(
            f"a {layout.format} {info.width}x{info.height} frame is {want}; got {got}"
        )
    for g, p in zip(given, frame.planes, strict=True):
        p[...] = g
    frame.release()
    return _writable_buffer(raw.tobytes())


def _writable_buffer(data: bytes) -> Gst.Buffer:
    # Not Buffer.new_wrapped: its memory is read-only, and an in-place element
    # downstream must be able to write what the test pushed.
    buf = Gst.Buffer.new_allocate(None, len(data), None)
    buf.fill(0, data)
    return buf


def _duration(caps: Gst.Caps | None, buf: Gst.Buffer) -> int:
    """The time ``buf`` lasts under ``caps`` (audio: its frames at the rate; video:
    one frame period), or CLOCK_TIME_NONE."""
    if caps is None:
        return NONE64
    if caps[0].get_name() == "video/x-raw":
        info = video_info(caps)
        if info is None or info.fps_n == 0:
            return NONE64
        return int(Gst.util_uint64_scale(Gst.SECOND, info.fps_d, info.fps_n))
    info = audio_info(caps)
    if info is None or info.bpf == 0:
        return NONE64
    return int(Gst.util_uint64_scale(buf.get_size() // info.bpf, Gst.SECOND, info.rate))


__all__ = ["Harness", "HarnessError"]
