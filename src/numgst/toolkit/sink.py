"""``ArraySink``: every buffer handed to Python as numpy arrays (analysis, tests).

Subclass it and define ``render(data, pts)``, or use the ready element
``numgst_arraysink`` (:mod:`numgst.elements.arraysink`) and set its ``callback``
property to a callable of the same arguments. Audio arrives as a read-only (frames,
channels) float array in every format and both layouts, as
:class:`~numgst.toolkit.AudioFilter` gets it: the buffer itself for native float
formats (F32LE, F64LE), otherwise the samples converted as :mod:`numgst.pcm` says
(float32, float64 for 32-bit integers, full scale [-1, 1)). Video arrives as a
read-only :class:`~numgst.toolkit.video.VideoFrame`. Both are valid during the call
only: copy what must be kept.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import pcm
from ..base import ElementMixin, mapped_array
from ..base._native import ctypes_vfuncs
from ..base.buffers import buffer_pointer, buffer_size, buffer_times
from ..base.caps import refuse_caps
from ..base.element import ElementMeta
from ..base.gst import Gst, GstBase
from . import _common
from ._audio import AudioCaps, FloatWork, audio_caps
from .video import FORMATS, VideoFrame, VideoLayout, video_info
from .videosrc import video_caps

FLOW_OK = int(Gst.FlowReturn.OK)
_READ = int(Gst.MapFlags.READ)
AUDIO_FORMATS = tuple(pcm.FORMATS)
VIDEO_FORMATS = (*FORMATS, "GRAY16_LE", "Y444", "YV12", "NV21", "AYUV")


class ArraySink(AudioCaps, ElementMixin, GstBase.BaseSink, metaclass=ElementMeta):
    """Base class of sinks that look at the data (see the module docstring).

    ``AUDIO`` and ``VIDEO`` say what it accepts (both by default).
    """

    __gtype_name__ = "NumgstArraySink"
    AUDIO: bool = True
    VIDEO: bool = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        caps = Gst.Caps.new_empty()
        if cls.AUDIO:
            caps.append(audio_caps(AUDIO_FORMATS))
        if cls.VIDEO:
            caps.append(video_caps(VIDEO_FORMATS))
        _common.declare(cls, "Sink", sink=caps)
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        ctypes_vfuncs.take_over(self, "render")
        self.layout: VideoLayout | None = None
        self._work = FloatWork()

    def render(self, data: np.ndarray | VideoFrame, pts: int) -> None:
        """Look at one buffer (see the module docstring)."""
        raise NotImplementedError(f"{type(self).__name__} must define render()")

    def do_set_caps(self, caps: Gst.Caps) -> bool:
        if caps[0].get_name() == "audio/x-raw":
            self.layout = None
            return self._take_audio_caps(caps)
        vinfo = video_info(caps)
        if vinfo is None:
            return refuse_caps(self, caps, "GstVideo cannot describe them")
        self.format, self.layout = None, VideoLayout.from_info(vinfo)
        return True

    def do_render(self, buf: Gst.Buffer) -> Gst.FlowReturn:
        # Called through PyGObject only where ctypes_vfuncs could not take its place.
        return Gst.FlowReturn(self.native_render(buffer_pointer(buf)))

    def native_render(self, buf: int) -> int:
        """GstBaseSink's render on the buffer's pointer."""
        t = buffer_times(buf)
        if self.layout is not None:
            with mapped_array(buf, np.uint8, (buffer_size(buf),), _READ) as raw:
                frame = VideoFrame(raw, self.layout.for_buffer(buf), t.offset, t.pts)
                try:
                    self.render(frame, t.pts)
                finally:
                    frame.release()
            return FLOW_OK
        fmt = self.format
        assert fmt is not None
        with self._mapped_samples(buf, _READ) as words:
            x = words
            if not fmt.native_float:
                x = pcm.to_float(words, fmt, self._work.get(words.shape[:2], fmt.float_dtype))
                x.flags.writeable = False
            self.render(x, t.pts)
            del x
        self._work.release()
        return FLOW_OK
