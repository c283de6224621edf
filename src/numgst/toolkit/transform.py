"""Caps-changing transforms: one buffer in, one buffer out, different caps
(``AudioTransform``: channel counts, formats; ``VideoTransform``: sizes, crops,
formats).

A subclass names the caps fields it changes (``CHANGES``; every other field passes
through, whatever downstream or upstream ask), says what they become for an input
(``output(info)`` returns them as a dict, from the input's ``GstAudio.AudioInfo`` or
``GstVideo.VideoInfo``), and writes ``transform``. The base does negotiation both
ways (a caps query from either side is answered with the other side's template and
the fields that pass through), fixation (the changed fields set from ``output``),
buffer sizes, timestamps (each output buffer has its input's), controllers,
``passthrough()`` and ``reset()`` as the filters do, and errors to the bus.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import pcm
from ..base import mapped_array
from ..base.buffers import add_audio_meta, buffer_pointer, buffer_size, buffer_times
from ..base.caps import audio_info, refuse_caps
from ..base.gst import Gst, GstAudio
from . import _common
from ._audio import MAX_INT, AudioCaps, FloatWork, audio_caps, mapped_samples
from ._filter import Filter
from .video import FORMATS, VideoFrame, VideoLayout, video_info
from .videosrc import video_caps

FLOW_OK = int(Gst.FlowReturn.OK)
_READ = int(Gst.MapFlags.READ)
_OUT_FRAMES = "(frames, out_channels)"
_SINK = Gst.PadDirection.SINK


def map_caps(caps: Gst.Caps, changes: tuple[str, ...], template: Gst.Caps) -> Gst.Caps:
    """What ``caps`` on one side allow on the other: each structure without the
    ``changes`` fields (they may be anything there), within the other side's
    ``template``."""
    free = Gst.Caps.new_empty()
    for i in range(caps.get_size()):
        s = caps[i].copy()
        for name in changes:
            s.remove_field(name)
        free.append_structure(s)
    return free.intersect(template)


def set_fields(caps: Gst.Caps, fields: dict[str, Any]) -> Gst.Caps:
    """``caps`` with ``fields`` set in every structure."""
    out = Gst.Caps.new_empty()
    for i in range(caps.get_size()):
        s = caps[i].copy()
        for name, value in fields.items():
            s.set_value(name, value)
        out.append_structure(s)
    return out


class _Transform(Filter):
    """What the audio and video transforms share: caps mapped through ``CHANGES``
    and ``output()``, never in place."""

    __gtype_name__ = "NumgstTransform"
    IN_PLACE = False
    CHANGES: tuple[str, ...] = ()
    _sink_template: Gst.Caps
    _src_template: Gst.Caps

    def output(self, info: Any) -> dict[str, Any]:
        """The changed caps fields for an input of ``info`` (by default none: each
        is fixed by GStreamer's fixation from what downstream accepts)."""
        return {}

    def _info_of(self, caps: Gst.Caps) -> Any:
        raise NotImplementedError

    def do_transform_caps(
        self, direction: Gst.PadDirection, caps: Gst.Caps, filt: Gst.Caps | None
    ) -> Gst.Caps:
        if direction == _SINK:  # caps of our input: what may come out
            other = map_caps(caps, self._all_changes(), self._src_template)
            if caps.is_fixed():
                info = self._info_of(caps)
                if info is not None:
                    other = set_fields(other, self.output(info)).intersect(self._src_template)
        else:
            other = map_caps(caps, self._all_changes(), self._sink_template)
        if filt is not None:
            other = filt.intersect_full(other, Gst.CapsIntersectMode.FIRST)
        return other

    def _all_changes(self) -> tuple[str, ...]:
        return self.CHANGES


class AudioTransform(AudioCaps, _Transform):
    """Audio in, audio out with other caps (see the module docstring).

    Class attributes: ``FORMATS``, ``CHANNELS``, ``RATES``, ``LAYOUTS`` (the input),
    ``OUT_FORMATS``, ``OUT_CHANNELS`` (the output; by default as the input),
    ``CHANGES`` (default ``("channels",)``; a channel-mask follows the channels).
    ``transform(x)`` gets the input as (frames, channels) floats, as
    ``AudioFilter`` does, and returns the output, (frames, out_channels) real
    numbers, converted to the output format by the same rule. After caps are set,
    the output's are ``self.out_info``, ``self.out_format``, ``self.out_channels``.
    """

    __gtype_name__ = "NumgstAudioTransform"
    FORMATS: tuple[str, ...] = ("F32LE", "F64LE")
    OUT_FORMATS: tuple[str, ...] | None = None
    CHANNELS: tuple[int, int] = (1, 64)
    OUT_CHANNELS: tuple[int, int] | None = None
    RATES: tuple[int, int] = (1, MAX_INT)
    LAYOUTS: tuple[str, ...] = ("interleaved",)
    CHANGES: tuple[str, ...] = ("channels",)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        sink = audio_caps(cls.FORMATS, cls.CHANNELS, cls.RATES, cls.LAYOUTS)
        src = audio_caps(
            cls.OUT_FORMATS or cls.FORMATS, cls.OUT_CHANNELS or cls.CHANNELS, cls.RATES, cls.LAYOUTS
        )
        cls._sink_template, cls._src_template = sink, src
        _common.declare(cls, "Filter/Converter/Audio", sink=sink, src=src)
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        self._work = FloatWork()
        self.out_info: GstAudio.AudioInfo | None = None
        self.out_format: pcm.Format | None = None
        self.out_channels = 0

    def transform(self, x: np.ndarray) -> np.ndarray:
        """The output for input ``x`` (see the class docstring)."""
        raise NotImplementedError(f"{type(self).__name__} must define transform()")

    def _info_of(self, caps: Gst.Caps) -> Any:
        return audio_info(caps)

    def _all_changes(self) -> tuple[str, ...]:
        if "channels" in self.CHANGES and "channel-mask" not in self.CHANGES:
            return (*self.CHANGES, "channel-mask")
        return self.CHANGES

    def do_get_unit_size(self, caps: Gst.Caps) -> tuple[bool, int]:
        info = audio_info(caps)
        return (True, info.bpf) if info is not None else (False, 0)

    def do_set_caps(self, incaps: Gst.Caps, outcaps: Gst.Caps) -> bool:
        out = audio_info(outcaps)
        if out is None or pcm.FORMATS.get(out.finfo.name) is None:
            return refuse_caps(self, outcaps, "GstAudio cannot describe them")
        if not self._take_audio_caps(incaps):
            return False
        self.out_info, self.out_format = out, pcm.FORMATS[out.finfo.name]
        self.out_channels = out.channels
        return self._caps_set()

    def do_transform(self, inbuf: Gst.Buffer, outbuf: Gst.Buffer) -> Gst.FlowReturn:
        # Called through PyGObject only where ctypes_vfuncs could not take its place.
        return Gst.FlowReturn(self.native_transform(buffer_pointer(inbuf), buffer_pointer(outbuf)))

    def native_transform(self, inbuf: int, outbuf: int) -> int:
        """GstBaseTransform's transform on the buffers' pointers."""
        fmt, out_fmt = self.format, self.out_format
        assert fmt is not None and out_fmt is not None
        with self._mapped_samples(inbuf, _READ) as words:
            frames = words.shape[0]
            x = words
            if not fmt.native_float:
                x = pcm.to_float(words, fmt, self._work.get(words.shape[:2], fmt.float_dtype))
                x.flags.writeable = False
            got = self.transform(x)
            y = _common.checked(got, (frames, self.out_channels), self._who, _OUT_FRAMES)
            if self.planar:
                add_audio_meta(outbuf, self.out_info, frames)
            layout = pcm.sample_layout(out_fmt, frames, self.out_channels, self.planar)
            with mapped_samples(outbuf, layout) as out:
                pcm.from_float(y, out_fmt, out)
            del x, got, y
        self._work.release()
        return FLOW_OK


class VideoTransform(_Transform):
    """Video in, video out with other caps (see the module docstring).

    Class attributes: ``FORMATS`` (the input's), ``OUT_FORMATS`` (the output's; by
    default as the input), ``CHANGES`` (default ``("width", "height")``; add
    ``"format"`` to convert). ``transform(src, dst)`` draws ``dst`` from ``src``, two
    :class:`~numgst.toolkit.video.VideoFrame`: write every plane of ``dst``. After
    caps are set: ``self.layout``/``self.info`` (input), ``self.out_layout``/
    ``self.out_info`` (output).
    """

    __gtype_name__ = "NumgstVideoTransform"
    FORMATS: tuple[str, ...] = FORMATS
    OUT_FORMATS: tuple[str, ...] | None = None
    CHANGES: tuple[str, ...] = ("width", "height")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        sink = video_caps(cls.FORMATS)
        src = video_caps(cls.OUT_FORMATS or cls.FORMATS)
        cls._sink_template, cls._src_template = sink, src
        _common.declare(cls, "Filter/Converter/Video", sink=sink, src=src)
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        self.layout: VideoLayout | None = None
        self.out_layout: VideoLayout | None = None
        self.info: Any = None
        self.out_info: Any = None

    def transform(self, src: VideoFrame, dst: VideoFrame) -> None:
        """Draw ``dst`` from ``src`` (see the class docstring)."""
        raise NotImplementedError(f"{type(self).__name__} must define transform()")

    def _info_of(self, caps: Gst.Caps) -> Any:
        return video_info(caps)

    def do_get_unit_size(self, caps: Gst.Caps) -> tuple[bool, int]:
        info = video_info(caps)
        return (True, info.size) if info is not None else (False, 0)

    def do_set_caps(self, incaps: Gst.Caps, outcaps: Gst.Caps) -> bool:
        info, out = video_info(incaps), video_info(outcaps)
        if info is None or out is None:
            return refuse_caps(self, incaps if info is None else outcaps, "not raw video")
        self.info, self.layout = info, VideoLayout.from_info(info)
        self.out_info, self.out_layout = out, VideoLayout.from_info(out)
        return self._caps_set()

    def do_transform(self, inbuf: Gst.Buffer, outbuf: Gst.Buffer) -> Gst.FlowReturn:
        # Called through PyGObject only where ctypes_vfuncs could not take its place.
        return Gst.FlowReturn(self.native_transform(buffer_pointer(inbuf), buffer_pointer(outbuf)))

    def native_transform(self, inbuf: int, outbuf: int) -> int:
        """GstBaseTransform's transform on the buffers' pointers."""
        layout, out_layout = self.layout, self.out_layout
        assert layout is not None and out_layout is not None
        t = buffer_times(inbuf)
        with (
            mapped_array(inbuf, np.uint8, (buffer_size(inbuf),), Gst.MapFlags.READ) as a,
            mapped_array(outbuf, np.uint8, (buffer_size(outbuf),)) as b,
        ):
            src = VideoFrame(a, layout.for_buffer(inbuf), t.offset, t.pts)
            dst = VideoFrame(b, out_layout.for_buffer(outbuf), t.offset, t.pts)
            try:
                self.transform(src, dst)
            finally:
                src.release()
                dst.release()
        return FLOW_OK


__all__ = ["AudioTransform", "VideoTransform", "map_caps", "set_fields"]
