"""``ArraySink``: every buffer handed to Python as numpy arrays (analysis, tests).

Subclass it and define ``render(data, pts)``, or use the ready element
``numgst_arraysink`` and set its ``callback`` property to a callable of the same
arguments. Audio arrives as a read-only (frames, channels) array in the buffer's own
type (float formats) or float32 in [-1, 1) (integer formats, converted); video as a
read-only :class:`~numgst.toolkit.video.VideoFrame`. Views are valid during the call
only: copy what must be kept.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import ElementMixin, Prop, mapped_array
from ..base.caps import audio_info, refuse_caps
from ..base.element import ElementMeta
from ..base.gst import Gst, GstBase
from ..signal import formats
from .audiosrc import audio_caps
from .video import VideoFrame, VideoLayout, video_info
from .videosrc import video_caps

FLOW_OK = Gst.FlowReturn.OK
AUDIO_FORMATS = ("F32LE", "F64LE", "S16LE", "S32LE", "U8", "S8")
VIDEO_FORMATS = (
    "RGBA",
    "BGRA",
    "RGBx",
    "BGRx",
    "RGB",
    "BGR",
    "GRAY8",
    "GRAY16_LE",
    "I420",
    "NV12",
    "Y444",
    "YV12",
    "NV21",
    "AYUV",
)


class ArraySink(ElementMixin, GstBase.BaseSink, metaclass=ElementMeta):
    """Base class of sinks that look at the data (see the module docstring).

    ``AUDIO`` and ``VIDEO`` say what it accepts (both by default).
    """

    __gtype_name__ = "NumgstArraySink"
    AUDIO: bool = True
    VIDEO: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "__gsttemplates__" not in vars(cls):
            caps = Gst.Caps.new_empty()
            if cls.AUDIO:
                caps.append(audio_caps(AUDIO_FORMATS, layouts=("interleaved",)))
            if cls.VIDEO:
                caps.append(video_caps(VIDEO_FORMATS))
            cls.__gsttemplates__ = (
                Gst.PadTemplate.new("sink", Gst.PadDirection.SINK, Gst.PadPresence.ALWAYS, caps),
            )
        if "__gstmetadata__" not in vars(cls):
            doc = (cls.__doc__ or cls.__name__).strip().splitlines()[0]
            cls.__gstmetadata__ = (cls.__name__, "Sink", doc, "numgst user")
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        self.fmt: formats.SampleFormat | None = None
        self.layout: VideoLayout | None = None
        self.rate = self.channels = 0

    def render(self, data: np.ndarray | VideoFrame, pts: int) -> None:
        """Look at one buffer (see the module docstring)."""
        raise NotImplementedError(f"{type(self).__name__} must define render()")

    def do_set_caps(self, caps: Gst.Caps) -> bool:
        if caps[0].get_name() == "audio/x-raw":
            info = audio_info(caps)
            if info is None:
                return refuse_caps(self, caps, "GstAudio cannot describe them")
            self.fmt, self.layout = formats.FORMATS.get(info.finfo.name), None
            self.rate, self.channels = info.rate, info.channels
            return True
        vinfo = video_info(caps)
        if vinfo is None:
            return refuse_caps(self, caps, "GstVideo cannot describe them")
        self.fmt, self.layout = None, VideoLayout.from_info(vinfo)
        return True

    def do_render(self, buf: Gst.Buffer) -> Gst.FlowReturn:
        size = buf.get_size()
        if self.layout is not None:
            with mapped_array(buf, np.uint8, (size,), Gst.MapFlags.READ) as raw:
                frame = VideoFrame(raw, self.layout.for_buffer(buf), buf.offset, buf.pts)
                try:
                    self.render(frame, buf.pts)
                finally:
                    frame.release()
            return FLOW_OK
        fmt = self.fmt
        assert fmt is not None
        n = size // (fmt.width * self.channels)
        with mapped_array(buf, fmt.word, (n, self.channels), Gst.MapFlags.READ) as x:
            if fmt.floating:
                self.render(x, buf.pts)
            else:
                self.render(_to_float(x, fmt), buf.pts)
        return FLOW_OK


def _to_float(x: np.ndarray, fmt: formats.SampleFormat) -> np.ndarray:
    y = x.astype(np.float32)
    if not fmt.signed:
        y -= np.float32(1 << (fmt.depth - 1))
    y *= np.float32(1.0 / (1 << (fmt.depth - 1)))
    return y


class CallbackSink(ArraySink):
    """Hands every buffer's arrays to the Python callable in the callback property"""

    __gtype_name__ = "NumgstCallbackSink"
    __gstmetadata__ = (
        "Array sink (Python callback)",
        "Sink",
        "Hands every buffer to a Python callable as numpy arrays",
        "numgst developers",
    )
    PROPS = (
        Prop(
            "callback",
            object,
            "Callback",
            "Python callable(data, pts): data is a (frames, channels) array for audio, "
            "a VideoFrame for video, valid during the call only",
        ),
    )

    def render(self, data: np.ndarray | VideoFrame, pts: int) -> None:
        cb = self.settings.callback
        if cb is not None:
            cb(data, pts)


FACTORY = ("numgst_arraysink", Gst.Rank.NONE, CallbackSink)
