"""Mixers: several inputs on request pads, one output (``AudioMixer``,
``VideoMixer``).

A subclass declares the properties of its pads in a ``PAD_PROPS`` table (like
``PROPS``: gst-inspect shows them, a GstController drives the ``CONTROLLABLE``
ones, synced to each output buffer's time) and writes ``mix(inputs, out)``:

* ``inputs``: one :class:`Input` per sink pad, in pad order: ``.pad`` (its
  ``.settings`` hold the pad properties), ``.data`` (the pad's audio for this output
  buffer as (frames, channels) floats, silence where it had none, or its
  :class:`~numgst.toolkit.video.VideoFrame`), or ``.data`` None when the pad has
  nothing for this output at all;
* ``out``: the output, (frames, channels) floats filled with silence (audio), or a
  :class:`~numgst.toolkit.video.VideoFrame` (video) to draw into.

``mix`` fills ``out`` in place and returns None, or returns the output (audio). The
aggregator does the rest: caps (inputs converted to the output's format: audio by
GstAudioAggregator's convert pads; video inputs must share the output's format),
timestamps, latency, EOS when every input is done.

Video inputs come on convert pads, which let each input keep its own size; the
frames they convert are out of Python's reach (``get_prepared_frame()``'s buffer
reads None under PyGObject 3.42), so ``mix`` gets each pad's own buffer, and an
input in another format than the output's is an error that says which.
"""

from __future__ import annotations

import ctypes
import dataclasses
from contextlib import ExitStack
from typing import Any

import numpy as np

from .. import pcm
from ..base import mapped_array
from ..base._native import ctypes_vfuncs, floating_refs
from ..base._native import gobject as c
from ..base.buffers import buffer_pointer, buffer_size, buffer_times, clear_flags
from ..base.control import bindings
from ..base.element import ElementMeta, ElementMixin
from ..base.gst import Gst, GstAudio, GstBase
from ..base.properties import Prop, PropertiesMixin, gproperties, settings_record
from . import _common
from ._audio import MAX_INT, AudioCaps, FloatWork, audio_caps
from .video import FORMATS, GstVideo, VideoFrame, VideoLayout, video_info
from .videosrc import video_caps

FLOW_OK = Gst.FlowReturn.OK
FLOW_NOT_NEGOTIATED = int(Gst.FlowReturn.NOT_NEGOTIATED)
NONE64 = Gst.CLOCK_TIME_NONE
_READ = int(Gst.MapFlags.READ)
_GAP = int(Gst.BufferFlags.GAP)
_PADS_COOKIE = c.field_offset("Gst", "Element", "pads_cookie")
_FRAMES = "(frames, channels)"
# What AudioMixer's finish_buffer passes the mixed buffer on to: GstAggregator's.
_AGGREGATOR_FINISH = ctypes_vfuncs.class_vfunc(
    GstAudio.AudioAggregator, ("GstBase", "AggregatorClass"), "finish_buffer", ctypes_vfuncs.FINISH
)


@dataclasses.dataclass
class Input:
    """One sink pad's part of an output buffer (see the module docstring)."""

    pad: Any
    data: Any = None


def _pad_class(cls: Any, base: type) -> type:
    """A pad class for mixer class ``cls``, its properties from ``cls.PAD_PROPS``."""
    props = tuple(cls.PAD_PROPS)
    name = f"{cls.__gtype_name__}Pad"
    return type(
        name,
        (MixerPad, base),
        {
            "__gtype_name__": name,
            "PROPS": props,
            "Settings": settings_record(f"{name}Settings", props),
            "__gproperties__": gproperties(props),
            "__module__": cls.__module__,
        },
    )


class MixerPad(PropertiesMixin):
    """What every mixer pad has: properties from the mixer's ``PAD_PROPS`` as a
    ``settings`` record, controllers, and references right whoever creates it."""

    sync_values: Any  # Gst.Object's, on the pad class this is mixed into

    def __init__(self) -> None:
        floating_refs.adopt(self)
        super().__init__()
        self.init_properties()
        self._bindings = bindings(self)
        self.layouts = Layouts()  # video mixers: this pad's frames


class Layouts:
    """The video layout of the caps last seen, made again only when they change: a
    caps comparison costs a microsecond, a VideoInfo and a layout many more."""

    def __init__(self) -> None:
        self.caps: Gst.Caps | None = None
        self.layout: VideoLayout | None = None

    def get(self, caps: Gst.Caps | None) -> VideoLayout | None:
        if caps is None:
            return None
        if self.caps is None or not caps.is_equal(self.caps):
            info = video_info(caps)
            self.layout = VideoLayout.from_info(info) if info is not None else None
            self.caps = caps
        return self.layout


def _sync_pads(agg: Any, pads: list[Any], pts: int) -> None:
    """Controlled pad properties at the output's stream time for ``pts``; nothing
    (not even the segment read, tens of microseconds) when no pad is controlled."""
    controlled = [p for p in pads if p._bindings.value]
    if controlled and pts != NONE64:
        when = _stream_time(agg, pts)
        for pad in controlled:
            pad.sync_values(when)


def _declare_mixer(
    cls: Any, klass: str, sink: Gst.Caps, src: Gst.Caps, pad_base: type, src_pad: Any
) -> None:
    if "PAD_PROPS" in vars(cls) or not hasattr(cls, "_pad_type"):
        cls._pad_type = _pad_class(cls, pad_base)
    if "__gsttemplates__" not in vars(cls):
        cls.__gsttemplates__ = mixer_templates(sink, src, cls._pad_type, src_pad)
    _common.declare(cls, klass)


def mixer_templates(
    sink: Gst.Caps, src: Gst.Caps, sink_pad: Any, src_pad: Any
) -> tuple[Gst.PadTemplate, Gst.PadTemplate]:
    """An aggregator's templates: request pads ``sink_%u`` of type ``sink_pad`` and
    an always ``src`` pad of type ``src_pad``."""
    return (
        Gst.PadTemplate.new_with_gtype(
            "sink_%u", Gst.PadDirection.SINK, Gst.PadPresence.REQUEST, sink, sink_pad.__gtype__
        ),
        Gst.PadTemplate.new_with_gtype(
            "src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS, src, src_pad.__gtype__
        ),
    )


class PadsAsChildren:
    """GstChildProxy over the sink pads, as C's mixers have it: gst-launch's
    ``name sink_1::volume=0.5`` sets a pad property (on the pad it requests, which
    is announced as a new child).

    PyGObject hooks a vfunc only from the dict of the class being registered, not
    from a plain mixin: the mixer class that lists ``Gst.ChildProxy`` gets them
    copied into its dict here. ``AGGREGATOR`` is the GStreamer class it derives from.
    """

    sinkpads: Any
    AGGREGATOR: Any
    _VFUNCS = (
        "do_get_child_by_name",
        "do_get_child_by_index",
        "do_get_children_count",
        "do_request_new_pad",
    )

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if Gst.ChildProxy in cls.__bases__:
            for name in PadsAsChildren._VFUNCS:
                setattr(cls, name, vars(PadsAsChildren)[name])
        super().__init_subclass__(**kwargs)

    def do_request_new_pad(self, templ: Gst.PadTemplate, name: str | None, caps: Any) -> Any:
        pad = self.AGGREGATOR.do_request_new_pad(self, templ, name, caps)
        if pad is not None:
            self.child_added(pad, pad.get_name())  # type: ignore[attr-defined]
        return pad

    def do_get_child_by_name(self, name: str) -> Any:
        return next((p for p in self.sinkpads if p.get_name() == name), None)

    def do_get_child_by_index(self, index: int) -> Any:
        pads = self.sinkpads
        return pads[index] if 0 <= index < len(pads) else None

    def do_get_children_count(self) -> int:
        return len(self.sinkpads)


def _stream_time(agg: Any, pts: int) -> int:
    """The output's stream time at ``pts``, for controllers. (The src pad's segment
    field reads as an undefined segment under PyGObject 3.42: then the pts.)"""
    seg = agg.srcpad.segment
    if pts == NONE64 or seg.format != Gst.Format.TIME:
        return pts
    return int(seg.to_stream_time(Gst.Format.TIME, pts))


class AudioMixer(
    ElementMixin,
    AudioCaps,
    PadsAsChildren,
    GstAudio.AudioAggregator,
    Gst.ChildProxy,
    metaclass=ElementMeta,
):
    """Base class of audio mixers (see the module docstring).

    Class attributes: ``FORMATS`` (the output's; inputs in any raw format are
    converted to it), ``CHANNELS``, ``RATES``, ``PAD_PROPS``, ``PROPS``. After caps,
    the output's in the audio bases' names: ``self.format``
    (:class:`numgst.pcm.Format`), ``self.rate``, ``self.channels``, ``self.info``.
    """

    __gtype_name__ = "NumgstAudioMixer"
    AGGREGATOR = GstAudio.AudioAggregator
    FORMATS: tuple[str, ...] = ("F32LE", "S16LE", "S32LE", "F64LE")
    CHANNELS: tuple[int, int] = (1, 64)
    RATES: tuple[int, int] = (1, MAX_INT)
    PAD_PROPS: tuple[Prop, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        src = audio_caps(cls.FORMATS, cls.CHANNELS, cls.RATES, ("interleaved",))
        sink = audio_caps(tuple(pcm.FORMATS), cls.CHANNELS, cls.RATES, ("interleaved",))
        _declare_mixer(
            cls, "Filter/Effect/Audio", sink, src, GstAudio.AudioAggregatorConvertPad,
            # A convert pad as the src pad is what makes the aggregator fixate the
            # output to the first input's rate and channels (as audiomixer does).
            GstAudio.AudioAggregatorConvertPad,
        )  # fmt: skip
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        self._parts: dict[int, np.ndarray] = {}  # by the pad's pointer
        self._out = FloatWork()
        self._pointer = c.gobject_pointer(self)
        self._pads: list[tuple[Any, int]] = []
        self._pads_cookie = -1
        ctypes_vfuncs.take_over(self, "aggregate_one_buffer", "finish_buffer")

    def mix(self, inputs: list[Input], out: np.ndarray) -> np.ndarray | None:
        """Mix ``inputs`` into ``out`` (see the module docstring)."""
        raise NotImplementedError(f"{type(self).__name__} must define mix()")

    # PyGObject calls these two only where ctypes_vfuncs could not take their place.
    def do_aggregate_one_buffer(
        self,
        pad: Any,
        inbuf: Gst.Buffer,
        in_offset: int,
        outbuf: Gst.Buffer,
        out_offset: int,
        num_frames: int,
    ) -> bool:
        return bool(
            self.native_aggregate_one_buffer(
                c.gobject_pointer(pad),
                buffer_pointer(inbuf),
                in_offset,
                buffer_pointer(outbuf),
                out_offset,
                num_frames,
            )
        )

    def do_finish_buffer(self, outbuf: Gst.Buffer) -> Gst.FlowReturn:
        if self.format is None:
            return Gst.FlowReturn.NOT_NEGOTIATED
        self._mix_into(buffer_pointer(outbuf))
        return GstAudio.AudioAggregator.do_finish_buffer(self, outbuf)

    def native_aggregate_one_buffer(
        self, pad: int, inbuf: int, in_offset: int, outbuf: int, out_offset: int, num_frames: int
    ) -> int:
        """GstAudioAggregator's aggregate_one_buffer on pointers: the pad's samples as
        floats, kept for ``mix`` (inputs come in the output's format)."""
        fmt = self.format
        if fmt is None:
            return 0
        frames = buffer_size(outbuf) // self.bpf
        part = self._parts.get(pad)
        if part is None or part.shape[0] < frames:
            part = self._parts[pad] = np.zeros((frames, self.channels), fmt.float_dtype)
        with self._mapped_samples(inbuf, _READ) as words:
            chunk = words[in_offset : in_offset + num_frames]
            pcm.to_float(chunk, fmt, part[out_offset : out_offset + num_frames])
            del chunk
        return 1

    def native_finish_buffer(self, buf: int) -> int:
        """GstAggregator's finish_buffer on the output's pointer, which it owns: mixed,
        then passed on to GstAggregator's (which pushes it). If this raises, the
        ctypes callback frees the buffer."""
        if self.format is None:
            c.mini_object_unref(buf)
            return FLOW_NOT_NEGOTIATED
        self._mix_into(buf)
        return int(_AGGREGATOR_FINISH(self._pointer, buf))

    def _mix_into(self, buf: int) -> None:
        fmt, ch = self.format, self.channels
        assert fmt is not None
        frames = buffer_size(buf) // self.bpf
        pads = self._sink_pads()
        _sync_pads(self, [pad for pad, _ in pads], buffer_times(buf).pts)
        parts = self._parts
        inputs = []
        for pad, ptr in pads:
            part = parts.pop(ptr, None)
            # The last output buffer before EOS is cut to what was written.
            inputs.append(Input(pad, None if part is None else part[:frames]))
        parts.clear()
        out = self._out.get((frames, ch), fmt.float_dtype)
        out.fill(0.0)
        got = self.mix(inputs, out)
        y = out if got is None else _common.checked(got, out.shape, self._who, _FRAMES)
        with self._mapped_samples(buf) as words:
            pcm.from_float(y, fmt, words)
        del inputs, out, got, y
        self._out.release()
        clear_flags(buf, _GAP)

    def _sink_pads(self) -> list[tuple[Any, int]]:
        """The sink pads and their pointers, asked of PyGObject again only when
        GstElement's pads cookie says they changed (a list of wrappers a buffer)."""
        cookie = ctypes.c_uint32.from_address(self._pointer + _PADS_COOKIE).value
        if cookie != self._pads_cookie:
            self._pads = [(pad, c.gobject_pointer(pad)) for pad in self.sinkpads]
            self._pads_cookie = cookie
        return self._pads

    @property
    def _who(self) -> str:
        return f"{type(self).__name__}.mix()"

    def do_negotiated_src_caps(self, caps: Gst.Caps) -> bool:
        return self._take_audio_caps(caps) and bool(
            GstAudio.AudioAggregator.do_negotiated_src_caps(self, caps)
        )


class VideoMixer(
    ElementMixin, PadsAsChildren, GstVideo.VideoAggregator, Gst.ChildProxy, metaclass=ElementMeta
):
    """Base class of video mixers (see the module docstring).

    Class attributes: ``FORMATS`` (output and inputs: an input must come in the
    output's format), ``PAD_PROPS``, ``PROPS``. The output's size is the largest
    input's unless downstream says otherwise.
    """

    __gtype_name__ = "NumgstVideoMixer"
    AGGREGATOR = GstVideo.VideoAggregator
    FORMATS: tuple[str, ...] = FORMATS
    PAD_PROPS: tuple[Prop, ...] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        caps = video_caps(cls.FORMATS)
        _declare_mixer(
            cls, "Filter/Editor/Video/Compositor", caps, caps, GstVideo.VideoAggregatorConvertPad,
            GstBase.AggregatorPad,
        )  # fmt: skip
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        self._layouts = Layouts()  # the output's

    def mix(self, inputs: list[Input], out: VideoFrame) -> None:
        """Draw ``out`` from ``inputs`` (see the module docstring)."""
        raise NotImplementedError(f"{type(self).__name__} must define mix()")

    def do_aggregate_frames(self, outbuf: Gst.Buffer) -> Gst.FlowReturn:
        layout = self._layouts.get(self.srcpad.get_current_caps())
        if layout is None:
            return Gst.FlowReturn.NOT_NEGOTIATED
        pads = self.sinkpads
        _sync_pads(self, pads, outbuf.pts)
        # Every frame is released before its buffer is unmapped (the stack unwinds
        # in reverse), whatever mix() does.
        with ExitStack() as stack:
            inputs = [
                Input(pad, self._frame_of(pad, layout.format, stack, outbuf.pts)) for pad in pads
            ]
            raw = stack.enter_context(mapped_array(outbuf, np.uint8, (outbuf.get_size(),)))
            out = VideoFrame(raw, layout.for_buffer(outbuf), outbuf.offset, outbuf.pts)
            stack.callback(out.release)
            self.mix(inputs, out)
            del inputs, out, raw
        return FLOW_OK

    def _frame_of(self, pad: Any, want: str, stack: ExitStack, pts: int) -> VideoFrame | None:
        """The pad's current frame, mapped until ``stack`` unwinds, or None."""
        buf = pad.get_current_buffer()
        layout = pad.layouts.get(pad.get_current_caps()) if buf is not None else None
        if buf is None or layout is None:
            return None
        fmt = layout.format
        if fmt != want:
            raise TypeError(
                f"{pad.get_name()} brings {fmt}, the output is {want}: "
                f"{type(self).__name__} takes its inputs in the output's format (put "
                f"videoconvert ! video/x-raw,format={want} before {pad.get_name()})"
            )
        raw = stack.enter_context(mapped_array(buf, np.uint8, (buf.get_size(),), Gst.MapFlags.READ))
        frame = VideoFrame(raw, layout.for_buffer(buf), buf.offset, pts)
        stack.callback(frame.release)
        return frame


__all__ = ["AudioMixer", "Input", "MixerPad", "VideoMixer"]
