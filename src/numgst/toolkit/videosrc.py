"""``VideoSource``: video frames made with numpy.

The base does what the C ``videotestsrc`` does around its pictures: caps and fixation
(320x240 at 30/1 unless downstream asks otherwise), timestamps, durations and offsets
frame by frame (``timestamp-offset`` added, renegotiation mid-stream continuing the
count), seeking in TIME (reverse too), live mode with the LATENCY query, the DURATION
query for ``num-buffers``, controllers synced before every frame. A subclass draws:

``generate(frame)``
    Return the picture: (height, width, 3) RGB or (height, width, 4) RGBA, uint8 or
    float in [0, 1] (clipped, NaN as 0), or (height, width) gray. The base writes it
    into the negotiated format, whatever it is (planar YUV with C ``videotestsrc``'s
    colour matrix and chroma filters, 10-bit, packed...), and every byte of the frame
    is written. A wrong shape or type is a bus ERROR that says what was expected.
``fill(frame)``
    ``frame`` is a :class:`~numgst.toolkit.video.VideoFrame` whose planes are views of
    the buffer itself: write the pixels in place, every plane (the buffer may hold an
    earlier frame).

After caps are set, ``self.layout`` (format, size, planes), ``self.fps`` and
``self.info`` say what they are, as in every video base class.
"""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

from ..base import Prop, mapped_array, set_times
from ..base._native import ctypes_vfuncs
from ..base._native import gobject as c
from ..base.buffers import TIMES_OFFSET, Times, buffer_pointer, buffer_size, set_size
from ..base.caps import refuse_caps
from ..base.gst import Gst
from . import _common
from ._lists import Lists
from ._source import IS_LIVE, NONE64, Source, scale, timestamp_offset
from .video import GstVideo, VideoFrame, VideoLayout, video_info
from .video_formats import PictureWriter

SECOND = Gst.SECOND
FLOW_OK = int(Gst.FlowReturn.OK)
FLOW_EOS = int(Gst.FlowReturn.EOS)
FLOW_NOT_NEGOTIATED = int(Gst.FlowReturn.NOT_NEGOTIATED)
FLOW_ERROR = int(Gst.FlowReturn.ERROR)
_MASK64 = (1 << 64) - 1
_APPEND, _ZERO = ctypes.c_int(-1), ctypes.c_size_t(0)  # gst_buffer_list_insert at the end


class _Still:
    """A still frame kept for sharing: a copy of the buffer it was drawn in, whose
    memory every later buffer shares (owned here, released with this object)."""

    __slots__ = ("buf", "size")

    def __init__(self, drawn: int) -> None:
        self.size = buffer_size(drawn)
        self.buf = c.buffer_copy_region(
            drawn, c.BUFFER_COPY_MEMORY | c.BUFFER_COPY_DEEP, 0, self.size
        )
        if not self.buf:
            raise MemoryError("could not copy a still frame")

    def __del__(self) -> None:
        c.mini_object_unref(self.buf)


VIDEO_SOURCE_PROPS = (IS_LIVE, timestamp_offset(0))


def video_caps(
    formats: tuple[str, ...],
    width: tuple[int, int] = (1, 2147483647),
    height: tuple[int, int] = (1, 2147483647),
    framerate: str = "[0/1, 2147483647/1]",
) -> Gst.Caps:
    """``video/x-raw`` caps with these formats and ranges."""
    return Gst.Caps.from_string(
        "video/x-raw, format=(string){ " + ", ".join(formats) + " }, "
        f"width=(int)[{width[0]}, {width[1]}], height=(int)[{height[0]}, {height[1]}], "
        f"framerate=(fraction){framerate}, multiview-mode=(string)mono, "
        "pixel-aspect-ratio=(fraction)1/1, interlace-mode=(string)progressive"
    )


class VideoSource(Source):
    """Base class of video sources (see the module docstring).

    Class attributes: ``FORMATS`` (the first preferred), ``DEFAULT_SIZE`` (320, 240),
    ``DEFAULT_FRAMERATE`` (30, 1), ``PROPS`` (``VideoSource.PROPS + (...)``).
    """

    __gtype_name__ = "NumgstVideoSource"
    FORMATS: tuple[str, ...] = ("RGBA", "BGRA", "RGBx", "RGB", "GRAY8", "I420", "NV12")
    DEFAULT_SIZE = (320, 240)
    DEFAULT_FRAMERATE = (30, 1)
    PROPS: tuple[Prop, ...] = VIDEO_SOURCE_PROPS

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "__gsttemplates__" in vars(cls):
            _common.declare(cls, "Source/Video")
        else:
            _common.declare(cls, "Source/Video", src=video_caps(cls.FORMATS))
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        self.layout: VideoLayout | None = None
        self.info: Any = None
        self.fps = (0, 1)
        self._writer: PictureWriter | None = None
        self._reset_time()
        self._still: _Still | None = None
        ctypes_vfuncs.take_over(self, "fill", "create")

    def _reset_time(self) -> None:
        self.n_frames = 0
        self.running_time = 0
        self.accum_frames = 0
        self.accum_rtime = 0
        self.reverse = False
        self._reset_pending = True

    # -- what subclasses provide ----------------------------------------------------

    def fill(self, frame: VideoFrame) -> None:
        """Draw into ``frame`` (see the module docstring); by default, generate()."""
        writer = self._writer
        if writer is None or writer.layout is not frame.layout:
            writer = self._writer = PictureWriter(frame.layout)
        try:
            writer.write(self.generate(frame), frame.raw)
        except ValueError as exc:
            raise TypeError(f"{type(self).__name__}.generate(): {exc}") from None

    def generate(self, frame: VideoFrame) -> np.ndarray:
        """The picture of ``frame`` (see the module docstring)."""
        raise NotImplementedError(f"{type(self).__name__} must define fill() or generate()")

    def still(self) -> bool:
        """True when the frame about to be made is the same bytes as the last one
        ``fill`` drew (a still picture). The base then hands out that frame's memory
        again without calling ``fill``: shared and read-only, so only an element
        downstream that writes into it pays for a copy (GStreamer's rules for shared
        memory). Asked before every frame, after the controllers' values are set;
        False by default."""
        return False

    def fixate(self, s: Gst.Structure) -> None:
        """Settle what downstream left open on the caps structure ``s`` (C
        videotestsrc's fixation: its size and rate, square pixels, progressive, mono)."""
        w, h = self.DEFAULT_SIZE
        s.fixate_field_nearest_int("width", w)
        s.fixate_field_nearest_int("height", h)
        if s.has_field("framerate"):
            s.fixate_field_nearest_fraction("framerate", *self.DEFAULT_FRAMERATE)
        else:
            s.set_value("framerate", Gst.Fraction(*self.DEFAULT_FRAMERATE))
        if s.has_field("pixel-aspect-ratio"):
            s.fixate_field_nearest_fraction("pixel-aspect-ratio", 1, 1)
        else:
            s.set_value("pixel-aspect-ratio", Gst.Fraction(1, 1))
        for field, value in (("colorimetry", "bt601"), ("chroma-site", "mpeg2")):
            if s.has_field(field):
                s.fixate_field_string(field, value)
        for field, value in (("interlace-mode", "progressive"), ("multiview-mode", "mono")):
            if s.has_field(field):
                s.fixate_field_string(field, value)
            else:
                s.set_value(field, value)
        s.fixate_field_string("format", self.FORMATS[0])

    def caps_changed(self) -> None:
        """Called after new caps are set (``self.layout``, ``self.fps``)."""

    # -- negotiation ------------------------------------------------------------------

    def do_set_caps(self, caps: Gst.Caps) -> bool:
        info = video_info(caps)
        if info is None:
            return refuse_caps(self, caps, "GstVideo cannot describe them")
        self.layout, self.info = VideoLayout.from_info(info), info
        self.fps = (info.fps_n, info.fps_d)
        self.set_blocksize(info.size)
        # A new format mid-stream continues the count, as C does.
        self.accum_rtime += self.running_time
        self.accum_frames += self.n_frames
        self.running_time = self.n_frames = 0
        self._still = None
        self.caps_changed()
        return True

    # -- streaming --------------------------------------------------------------------

    def do_start(self) -> bool:
        self._reset_time()
        self._still = None
        self.lists = Lists()
        return True

    def do_stop(self) -> bool:
        self._still = None
        return True

    def do_do_seek(self, segment: Gst.Segment) -> bool:
        fps_n, fps_d = self.fps
        segment.time = segment.start
        position = segment.position
        self.reverse = segment.rate < 0
        self.n_frames = scale(position, fps_n, fps_d * SECOND) if fps_n else 0
        self.accum_frames = self.accum_rtime = 0
        self.running_time = scale(self.n_frames, fps_d * SECOND, fps_n) if fps_n else 0
        self._reset_pending = True
        self.lists = Lists()
        return True

    def latency(self) -> int | None:
        fps_n, fps_d = self.fps
        return scale(SECOND, fps_d, fps_n) if fps_n > 0 else None

    def query_more(self, query: Gst.Query) -> bool | None:
        # The DURATION num-buffers makes, as C answers it.
        if query.type != Gst.QueryType.DURATION or self.layout is None:
            return None
        buffers = self.get_property("num-buffers")
        fmt = query.parse_duration()[0]
        fps_n, fps_d = self.fps
        if buffers != -1 and fmt == Gst.Format.TIME and fps_n:
            dur = (buffers * SECOND * fps_d + fps_n // 2) // fps_n  # scale_int_round
            query.set_duration(Gst.Format.TIME, dur)
            return True
        if buffers != -1 and fmt == Gst.Format.BYTES:
            query.set_duration(Gst.Format.BYTES, buffers * self.layout.size)
            return True
        return None

    def do_fill(self, offset: int, length: int, buf: Gst.Buffer) -> Gst.FlowReturn:
        # Called through PyGObject only where ctypes_vfuncs could not take its place.
        return Gst.FlowReturn(self.native_fill(buffer_pointer(buf), offset, length))

    def native_fill(self, buf: int, offset: int, length: int) -> int:
        """GstBaseSrc's fill on the buffer's pointer (see :mod:`.._native.ctypes_vfuncs`)."""
        flow = self._begin()
        if flow is not None:
            return flow
        self._draw(buf)
        return FLOW_OK

    def native_create(self, offset: int, length: int, out: Any) -> int:
        """GstBaseSrc's create (``out``: the GstBuffer** to set): a still frame's
        memory shared again, or a buffer from the class's alloc, drawn."""
        flow = self._begin()
        if flow is not None:
            return flow
        if not out[0] and self._share_still(out):
            count = self._list_count(self._still_list_most())
            if count > 1:
                self._share_list(out, count)
            fps_n, fps_d = self.fps
            self._handed(count, scale(count, fps_d * SECOND, fps_n), self._next_pts())
            return FLOW_OK
        self._handed(1, 0, 0)
        if not out[0]:  # else downstream gave the buffer to fill (pull mode)
            flow = self._alloc(offset, length, out)
            if flow != FLOW_OK:
                return flow
        buf = out[0] or 0
        self._draw(buf)
        if self.still():
            self._still = _Still(buf)
        return FLOW_OK

    def _still_list_most(self) -> int:
        """How many frames of the kept still frame may go in one list: none when
        GstBaseSrc must see each (a segment stop: it ends the stream after the
        buffer that reaches the stop, and looks only at a list's first)."""
        if self.reverse or not self.fps[0] or self._segment_stop() != NONE64:
            return 1
        return self.LIST_LENGTH

    def _share_list(self, out: Any, count: int) -> None:
        """Hand out ``out[0]`` (a shared still frame, stamped) and ``count - 1`` more
        frames sharing the same memory as one GstBufferList."""
        still = self._still
        assert still is not None
        blist = c.buffer_list_new_sized(count)
        c.buffer_list_insert(blist, -1, out[0])
        out[0] = None
        # _begin and _stamp for each frame, forward at a frame rate (what
        # _still_list_most allows), without controllers (_list_count): inlined, as
        # this loop is all a frame costs.
        fps_n, fps_d = self.fps
        step = fps_d * SECOND
        start = (self.accum_rtime + self.settings.timestamp_offset) & _MASK64
        number, n, running = self.accum_frames + self.n_frames, self.n_frames, self.running_time
        share = (ctypes.c_void_p(still.buf), ctypes.c_int(c.BUFFER_COPY_MEMORY), _ZERO)
        size, list_p = ctypes.c_ssize_t(still.size), ctypes.c_void_p(blist)
        try:
            for _ in range(count - 1):
                buf = c.buffer_copy_region_unchecked(*share, size)
                if not buf:
                    raise MemoryError("could not share a still frame")
                c.buffer_list_insert_unchecked(list_p, _APPEND, ctypes.c_void_p(buf))
                n += 1
                next_time = n * step // fps_n
                t = Times.from_address(buf + TIMES_OFFSET)
                t.pts, t.dts, t.duration = (start + running) & _MASK64, NONE64, next_time - running
                t.offset, t.offset_end = number, number + 1
                number, running = number + 1, next_time
        except BaseException:
            c.mini_object_unref(blist)
            raise
        finally:
            self.n_frames, self.running_time = n, running
        c.base_src_submit_buffer_list(self._pointer, blist)

    def _next_pts(self) -> int:
        """The next frame's PTS: where the frames handed out end."""
        return int(self.accum_rtime + self.settings.timestamp_offset + self.running_time)

    def _share_still(self, out: Any) -> bool:
        """Set ``out[0]`` to a new buffer sharing the kept still frame's memory, if
        there is one and ``still()`` says so (the kept frame is dropped if not)."""
        still = self._still
        if still is None:
            return False
        if not self.still() or self.layout is None or still.size != self.layout.size:
            self._still = None
            return False
        buf = c.buffer_copy_region(still.buf, c.BUFFER_COPY_MEMORY, 0, still.size)
        if not buf:
            raise MemoryError("could not share a still frame")
        out[0] = buf
        self._stamp(buf, self._pts, self._number)
        return True

    def _begin(self) -> int | None:
        """What comes before a frame is drawn: the checks, the controllers; None to go
        on, else the flow to return."""
        layout = self.layout
        if layout is None:
            return FLOW_NOT_NEGOTIATED
        fps_n, fps_d = self.fps
        if (fps_n == 0 and self.n_frames == 1) or self.n_frames == -1:
            return FLOW_EOS  # a still image is one frame; reverse ends at -1
        self._reset_if_pending()
        self._pts = pts = self._next_pts()
        if self._bindings.value:
            self.sync_values(pts)
        self._number = self.accum_frames + self.n_frames
        return None

    def _draw(self, buf: int) -> None:
        layout = self.layout
        assert layout is not None
        size = buffer_size(buf)
        if size < layout.size:
            set_size(buf, layout.size)
            size = layout.size
        pts, number = self._pts, self._number
        with mapped_array(buf, np.uint8, (size,)) as raw:
            frame = VideoFrame(raw, layout.for_buffer(buf), number, pts)
            try:
                self.fill(frame)
            finally:
                frame.release()
        self._stamp(buf, pts, number)

    def _stamp(self, buf: int, pts: int, number: int) -> None:
        """C videotestsrc's timestamps, duration and offsets, then the next frame."""
        fps_n, fps_d = self.fps
        self.n_frames += -1 if self.reverse else 1
        if fps_n:
            next_time = scale(self.n_frames, fps_d * SECOND, fps_n)
            if self.reverse:
                prev = scale(self.n_frames + 2, fps_d * SECOND, fps_n)
                duration = prev - pts
            else:
                duration = next_time - self.running_time
        else:
            next_time = self.settings.timestamp_offset
            duration = NONE64
        set_times(buf, pts, duration, number, number + 1, dts=NONE64)
        self.running_time = next_time


__all__ = ["GstVideo", "VideoFrame", "VideoSource", "video_caps"]
