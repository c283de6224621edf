"""``VideoFilter``: video frames in, video frames out, the same caps.

A subclass defines ``transform(frame)`` to change the frame in place (``IN_PLACE =
True``, the default), or ``transform(src, dst)`` to draw ``dst`` from ``src``
(``IN_PLACE = False``). Frames are :class:`~numgst.toolkit.video.VideoFrame`: their
planes are views of the buffers, strides and plane offsets (GstVideoMeta included)
respected; with ``IN_PLACE = False`` write every plane of ``dst`` (the buffer may
hold an earlier frame). Caps: ``FORMATS`` (any size and frame rate); controllers are
synced to each frame's stream time before ``transform``; ``passthrough()`` True skips
it; ``reset()`` is called when streaming starts and after a flush (a seek).

After caps are set, ``self.layout`` (format, size, planes) and ``self.info`` say what
they are, as in every video base class.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import mapped_array
from ..base.buffers import buffer_pointer, buffer_size, buffer_times
from ..base.caps import refuse_caps
from ..base.gst import Gst
from . import _common
from ._filter import Filter
from .video import FORMATS, VideoFrame, VideoLayout, video_info
from .videosrc import video_caps

FLOW_OK = int(Gst.FlowReturn.OK)


class VideoFilter(Filter):
    """Base class of video filters (see the module docstring)."""

    __gtype_name__ = "NumgstVideoFilter"
    FORMATS: tuple[str, ...] = FORMATS

    def __init_subclass__(cls, **kwargs: Any) -> None:
        caps = video_caps(cls.FORMATS)
        _common.declare(cls, "Filter/Effect/Video", sink=caps, src=caps)
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        self.layout: VideoLayout | None = None
        self.info: Any = None

    def transform(self, *frames: VideoFrame) -> None:
        """Process a frame (see the module docstring)."""
        raise NotImplementedError(f"{type(self).__name__} must define transform()")

    def do_set_caps(self, incaps: Gst.Caps, outcaps: Gst.Caps) -> bool:
        info = video_info(incaps)
        if info is None:
            return refuse_caps(self, incaps, "GstVideo cannot describe them")
        self.layout, self.info = VideoLayout.from_info(info), info
        return self._caps_set()

    # PyGObject calls these only where ctypes_vfuncs could not take their place.
    def do_transform_ip(self, buf: Gst.Buffer) -> Gst.FlowReturn:
        return Gst.FlowReturn(self.native_transform_ip(buffer_pointer(buf)))

    def do_transform(self, inbuf: Gst.Buffer, outbuf: Gst.Buffer) -> Gst.FlowReturn:
        return Gst.FlowReturn(self.native_transform(buffer_pointer(inbuf), buffer_pointer(outbuf)))

    def native_transform_ip(self, buf: int) -> int:
        """GstBaseTransform's transform_ip on the buffer's pointer (never called in
        passthrough: see ``Filter``)."""
        layout = self.layout
        assert layout is not None
        t = buffer_times(buf)
        with mapped_array(buf, np.uint8, (buffer_size(buf),)) as raw:
            frame = VideoFrame(raw, layout.for_buffer(buf), t.offset, t.pts)
            try:
                self.transform(frame)
            finally:
                frame.release()
        return FLOW_OK

    def native_transform(self, inbuf: int, outbuf: int) -> int:
        """GstBaseTransform's transform on the buffers' pointers."""
        layout = self.layout
        assert layout is not None
        t = buffer_times(inbuf)
        with (
            mapped_array(inbuf, np.uint8, (buffer_size(inbuf),), Gst.MapFlags.READ) as a,
            mapped_array(outbuf, np.uint8, (buffer_size(outbuf),)) as b,
        ):
            src = VideoFrame(a, layout.for_buffer(inbuf), t.offset, t.pts)
            dst = VideoFrame(b, layout.for_buffer(outbuf), t.offset, t.pts)
            try:
                self.transform(src, dst)
            finally:
                src.release()
                dst.release()
        return FLOW_OK
