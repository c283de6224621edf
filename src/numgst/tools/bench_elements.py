"""Elements for ``./run bench``'s toolkit section: each toolkit base class doing a
trivial job, and the same job in a plain PyGObject subclass (buffers mapped with
gst-python's ``Buffer.map``), to measure what the base class costs per buffer; and
the two floors, an empty fill called by PyGObject and by ctypes."""

from __future__ import annotations

import ctypes
from typing import Any

import numpy as np

from ..base._native import ctypes_vfuncs
from ..base._native import gobject as c
from ..base._native.thread_state import pin_thread_state
from ..base.gst import Gst, GstAudio, GstBase
from ..toolkit import (
    ArraySink,
    AudioFilter,
    AudioMixer,
    AudioSource,
    AudioTransform,
    AudioVisualizer,
    VideoFilter,
    VideoMixer,
    VideoSource,
    VideoTransform,
)
from ..toolkit._audio import audio_caps
from ..toolkit.mixer import mixer_templates
from ..toolkit.transform import map_caps
from ..toolkit.video import GstVideo
from ..toolkit.videosrc import video_caps

AUDIO = audio_caps(("F32LE",), layouts=("interleaved",))
VIDEO = video_caps(("RGBA",))


class ToolkitSilence(AudioSource):
    """Silence (toolkit)"""

    __gtype_name__ = "NumgstBenchToolkitSilence"
    FORMATS = ("F32LE",)

    def fill(self, out: np.ndarray, first_sample: int) -> None:
        out.fill(0)


class ToolkitHalf(AudioFilter):
    """Half the amplitude (toolkit)"""

    __gtype_name__ = "NumgstBenchToolkitHalf"

    def transform(self, x: np.ndarray) -> None:
        x *= 0.5


class ToolkitVideoNothing(VideoFilter):
    """Looks at every frame (toolkit)"""

    __gtype_name__ = "NumgstBenchToolkitVideoNothing"
    FORMATS = ("RGBA",)

    def transform(self, *frames: Any) -> None:
        pass


class ToolkitBlack(VideoSource):
    """Black frames (toolkit)"""

    __gtype_name__ = "NumgstBenchToolkitBlack"
    FORMATS = ("RGBA",)

    def fill(self, frame: Any) -> None:
        frame.array.fill(0)


class ToolkitLook(ArraySink):
    """Looks at every buffer (toolkit)"""

    __gtype_name__ = "NumgstBenchToolkitLook"

    def render(self, data: Any, pts: int) -> None:
        pass


def _meta(name: str, klass: str) -> tuple[str, str, str, str]:
    return (name, klass, name, "numgst bench")


def _templates(caps: Gst.Caps, *names: str) -> tuple[Gst.PadTemplate, ...]:
    """An ALWAYS pad template of ``caps`` for each of ``names`` ("sink", "src")."""
    directions = {"sink": Gst.PadDirection.SINK, "src": Gst.PadDirection.SRC}
    return tuple(Gst.PadTemplate.new(n, directions[n], Gst.PadPresence.ALWAYS, caps) for n in names)


class PlainSilence(GstBase.BaseSrc):
    __gtype_name__ = "NumgstBenchPlainSilence"
    __gstmetadata__ = _meta("plain silence", "Source/Audio")
    __gsttemplates__ = _templates(AUDIO, "src")

    def __init__(self) -> None:
        super().__init__()
        self.set_format(Gst.Format.TIME)

    def do_set_caps(self, caps: Gst.Caps) -> bool:
        self.set_blocksize(4 * caps[0].get_int("channels")[1] * 1024)
        return True

    def do_fill(self, offset: int, length: int, buf: Gst.Buffer) -> Gst.FlowReturn:
        with buf.map(Gst.MapFlags.WRITE) as info:
            np.frombuffer(info.data, np.float32).fill(0)
        return Gst.FlowReturn.OK


class PlainHalf(GstBase.BaseTransform):
    __gtype_name__ = "NumgstBenchPlainHalf"
    __gstmetadata__ = _meta("plain half", "Filter/Effect/Audio")
    __gsttemplates__ = _templates(AUDIO, "sink", "src")

    def __init__(self) -> None:
        super().__init__()
        self.set_in_place(True)

    def do_transform_ip(self, buf: Gst.Buffer) -> Gst.FlowReturn:
        with buf.map(Gst.MapFlags.READ | Gst.MapFlags.WRITE) as info:
            np.frombuffer(info.data, np.float32).__imul__(0.5)
        return Gst.FlowReturn.OK


class PlainVideoNothing(GstBase.BaseTransform):
    __gtype_name__ = "NumgstBenchPlainVideoNothing"
    __gstmetadata__ = _meta("plain video nothing", "Filter/Effect/Video")
    __gsttemplates__ = _templates(VIDEO, "sink", "src")

    def __init__(self) -> None:
        super().__init__()
        self.set_in_place(True)

    def do_transform_ip(self, buf: Gst.Buffer) -> Gst.FlowReturn:
        with buf.map(Gst.MapFlags.READ | Gst.MapFlags.WRITE) as info:
            np.frombuffer(info.data, np.uint8)
        return Gst.FlowReturn.OK


class PlainBlack(GstBase.BaseSrc):
    __gtype_name__ = "NumgstBenchPlainBlack"
    __gstmetadata__ = _meta("plain black", "Source/Video")
    __gsttemplates__ = _templates(VIDEO, "src")

    def __init__(self) -> None:
        super().__init__()
        self.set_format(Gst.Format.TIME)

    def do_set_caps(self, caps: Gst.Caps) -> bool:
        s = caps[0]
        self.set_blocksize(4 * s.get_int("width")[1] * s.get_int("height")[1])
        return True

    def do_fill(self, offset: int, length: int, buf: Gst.Buffer) -> Gst.FlowReturn:
        with buf.map(Gst.MapFlags.WRITE) as info:
            np.frombuffer(info.data, np.uint8).fill(0)
        return Gst.FlowReturn.OK


class PlainLook(GstBase.BaseSink):
    __gtype_name__ = "NumgstBenchPlainLook"
    __gstmetadata__ = _meta("plain look", "Sink")
    __gsttemplates__ = _templates(Gst.Caps.new_any(), "sink")

    def do_render(self, buf: Gst.Buffer) -> Gst.FlowReturn:
        with buf.map(Gst.MapFlags.READ) as info:
            np.frombuffer(info.data, np.uint8)
        return Gst.FlowReturn.OK


class ToolkitDownmix(AudioTransform):
    """Stereo to mono: the mean"""

    __gtype_name__ = "NumgstBenchToolkitDownmix"
    FORMATS = ("F32LE",)
    OUT_CHANNELS = (1, 1)

    def output(self, info: Any) -> dict[str, Any]:
        return {"channels": 1}

    def transform(self, x: np.ndarray) -> np.ndarray:
        # Not x.mean(axis=1): numpy reduces along a 2-long last axis frame by frame,
        # 8 times slower, which would hide what the base class costs.
        mono: np.ndarray = np.add(x[:, :1], x[:, 1:]) * np.float32(0.5)
        return mono


class ToolkitHalfSize(VideoTransform):
    """Every second pixel of every second row"""

    __gtype_name__ = "NumgstBenchToolkitHalfSize"
    FORMATS = ("RGBA",)

    def output(self, info: Any) -> dict[str, Any]:
        return {"width": info.width // 2, "height": info.height // 2}

    def transform(self, src: Any, dst: Any) -> None:
        # Pixels as uint32 words: numpy copies 4 bytes at a time, not 1.
        dst.array.view(np.uint32)[...] = src.array.view(np.uint32)[::2, ::2]


class ToolkitScope(AudioVisualizer):
    """A black frame with a line at each channel's peak"""

    __gtype_name__ = "NumgstBenchToolkitScope"

    def draw(self, samples: np.ndarray, frame: Any) -> None:
        a = frame.array
        a[...] = 0
        rows = ((1 - np.abs(samples).max(axis=1)) * (a.shape[0] - 1)).astype(int)
        a[rows] = 255


class ToolkitSum(AudioMixer):
    """The sum of the inputs"""

    __gtype_name__ = "NumgstBenchToolkitSum"

    def mix(self, inputs: list[Any], out: np.ndarray) -> None:
        for i in inputs:
            if i.data is not None:
                out += i.data


class ToolkitStack(VideoMixer):
    """Each input copied over the last, at the top left"""

    __gtype_name__ = "NumgstBenchToolkitStack"
    FORMATS = ("RGBA",)

    def mix(self, inputs: list[Any], out: Any) -> None:
        for i in inputs:
            if i.data is not None:
                a = i.data.array
                out.array[: a.shape[0], : a.shape[1]] = a


class PlainConverter(GstBase.BaseTransform):
    """What a plain caps-changing BaseTransform answers: the other side's caps are
    these with the ``CHANGES`` fields free (the same caps arithmetic as the toolkit's)."""

    __gtype_name__ = "NumgstBenchPlainConverter"
    CAPS: Gst.Caps
    CHANGES: tuple[str, ...]

    def do_transform_caps(self, direction: Any, caps: Gst.Caps, filt: Any) -> Gst.Caps:
        out = map_caps(caps, self.CHANGES, self.CAPS)
        return out.intersect(filt) if filt is not None else out


class PlainDownmix(PlainConverter):
    __gtype_name__ = "NumgstBenchPlainDownmix"
    __gstmetadata__ = _meta("plain downmix", "Filter/Converter/Audio")
    __gsttemplates__ = _templates(AUDIO, "sink", "src")
    CAPS, CHANGES = AUDIO, ("channels", "channel-mask")

    def do_get_unit_size(self, caps: Gst.Caps) -> tuple[bool, int]:
        info = GstAudio.AudioInfo.new_from_caps(caps)
        return True, info.bpf

    def do_set_caps(self, incaps: Gst.Caps, outcaps: Gst.Caps) -> bool:
        self.channels = GstAudio.AudioInfo.new_from_caps(incaps).channels
        return True

    def do_transform(self, inbuf: Gst.Buffer, outbuf: Gst.Buffer) -> Gst.FlowReturn:
        with inbuf.map(Gst.MapFlags.READ) as a, outbuf.map(Gst.MapFlags.WRITE) as b:
            x = np.frombuffer(a.data, np.float32).reshape(-1, self.channels)
            np.frombuffer(b.data, np.float32)[...] = (x[:, 0] + x[:, 1]) * np.float32(0.5)
        return Gst.FlowReturn.OK


class PlainHalfSize(PlainConverter):
    __gtype_name__ = "NumgstBenchPlainHalfSize"
    __gstmetadata__ = _meta("plain half size", "Filter/Converter/Video")
    __gsttemplates__ = _templates(VIDEO, "sink", "src")
    CAPS, CHANGES = VIDEO, ("width", "height")

    def do_get_unit_size(self, caps: Gst.Caps) -> tuple[bool, int]:
        return True, GstVideo.VideoInfo.new_from_caps(caps).size

    def do_set_caps(self, incaps: Gst.Caps, outcaps: Gst.Caps) -> bool:
        self.info = GstVideo.VideoInfo.new_from_caps(incaps)
        self.out = GstVideo.VideoInfo.new_from_caps(outcaps)
        return True

    def do_transform(self, inbuf: Gst.Buffer, outbuf: Gst.Buffer) -> Gst.FlowReturn:
        i, o = self.info, self.out
        with inbuf.map(Gst.MapFlags.READ) as a, outbuf.map(Gst.MapFlags.WRITE) as b:
            x = np.frombuffer(a.data, np.uint32).reshape(i.height, i.stride[0] // 4)
            y = np.frombuffer(b.data, np.uint32).reshape(o.height, o.stride[0] // 4)
            y[:, : o.width] = x[: 2 * o.height : 2, : 2 * o.width : 2]
        return Gst.FlowReturn.OK


class PlainSum(GstAudio.AudioAggregator):
    __gtype_name__ = "NumgstBenchPlainSum"
    __gstmetadata__ = _meta("plain sum", "Filter/Effect/Audio")
    __gsttemplates__ = mixer_templates(
        AUDIO, AUDIO, GstAudio.AudioAggregatorConvertPad, GstAudio.AudioAggregatorConvertPad
    )

    def do_aggregate_one_buffer(
        self, pad: Any, inbuf: Gst.Buffer, in_offset: int, outbuf: Gst.Buffer,
        out_offset: int, num_frames: int,
    ) -> bool:  # fmt: skip
        ch = GstAudio.AudioInfo.new_from_caps(self.srcpad.get_current_caps()).channels
        with inbuf.map(Gst.MapFlags.READ) as a, outbuf.map(Gst.MapFlags.WRITE) as b:
            x = np.frombuffer(a.data, np.float32)[in_offset * ch : (in_offset + num_frames) * ch]
            y = np.frombuffer(b.data, np.float32)[out_offset * ch : (out_offset + num_frames) * ch]
            y += x
        return True


class PlainStack(GstVideo.VideoAggregator):
    __gtype_name__ = "NumgstBenchPlainStack"
    __gstmetadata__ = _meta("plain stack", "Filter/Editor/Video/Compositor")
    __gsttemplates__ = mixer_templates(
        VIDEO, VIDEO, GstVideo.VideoAggregatorPad, GstBase.AggregatorPad
    )

    def do_aggregate_frames(self, outbuf: Gst.Buffer) -> Gst.FlowReturn:
        # get_prepared_frame's buffer reads None under PyGObject 3.42: the pad's buffer.
        with outbuf.map(Gst.MapFlags.WRITE) as b:
            y = np.frombuffer(b.data, np.uint8)
            for pad in self.sinkpads:
                buf = pad.get_current_buffer()
                if buf is not None:
                    with buf.map(Gst.MapFlags.READ) as a:
                        x = np.frombuffer(a.data, np.uint8)
                        n = min(x.size, y.size)
                        y[:n] = x[:n]
        return Gst.FlowReturn.OK


# -- the floors: what one call into Python costs per buffer, nothing else -----------


class FloorPyGObject(GstBase.BaseSrc):
    """An empty fill called by PyGObject (thread state pinned, as the toolkit's)."""

    __gtype_name__ = "NumgstBenchFloorPyGObject"
    __gstmetadata__ = _meta("floor: PyGObject vfunc", "Source")
    __gsttemplates__ = _templates(Gst.Caps.new_any(), "src")

    def do_fill(self, offset: int, length: int, buf: Gst.Buffer) -> Gst.FlowReturn:
        pin_thread_state()
        return Gst.FlowReturn.OK


class FloorCtypes(GstBase.BaseSrc):
    """An empty fill as a ctypes callback in the class structure (thread state
    pinned): the least a Python vfunc can cost."""

    __gtype_name__ = "NumgstBenchFloorCtypes"
    __gstmetadata__ = _meta("floor: ctypes vfunc", "Source")
    __gsttemplates__ = _templates(Gst.Caps.new_any(), "src")


@ctypes_vfuncs.FILL
def _empty_fill(src: int | None, offset: int, length: int, buf: int | None) -> int:
    pin_thread_state()
    return 0


def _install_empty_fill() -> None:
    slot = c.class_slot(FloorCtypes.__gtype__, "GstBase", "BaseSrcClass", "fill")
    slot.value = ctypes.cast(_empty_fill, ctypes.c_void_p).value


ELEMENTS = {
    "numgst_bench_floor_pygobject": FloorPyGObject,
    "numgst_bench_floor_ctypes": FloorCtypes,
    "numgst_bench_toolkit_silence": ToolkitSilence,
    "numgst_bench_plain_silence": PlainSilence,
    "numgst_bench_toolkit_half": ToolkitHalf,
    "numgst_bench_plain_half": PlainHalf,
    "numgst_bench_toolkit_video": ToolkitVideoNothing,
    "numgst_bench_plain_video": PlainVideoNothing,
    "numgst_bench_toolkit_black": ToolkitBlack,
    "numgst_bench_plain_black": PlainBlack,
    "numgst_bench_toolkit_look": ToolkitLook,
    "numgst_bench_plain_look": PlainLook,
    "numgst_bench_toolkit_downmix": ToolkitDownmix,
    "numgst_bench_plain_downmix": PlainDownmix,
    "numgst_bench_toolkit_halfsize": ToolkitHalfSize,
    "numgst_bench_plain_halfsize": PlainHalfSize,
    "numgst_bench_toolkit_scope": ToolkitScope,
    "numgst_bench_toolkit_sum": ToolkitSum,
    "numgst_bench_plain_sum": PlainSum,
    "numgst_bench_toolkit_stack": ToolkitStack,
    "numgst_bench_plain_stack": PlainStack,
}


def register() -> None:
    _install_empty_fill()
    for name, cls in ELEMENTS.items():
        if Gst.ElementFactory.find(name) is None:
            Gst.Element.register(None, name, Gst.Rank.NONE, cls)
