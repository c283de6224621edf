"""Elements for ``./run bench``'s toolkit section: each toolkit base class doing a
trivial job, and the same job in a plain PyGObject subclass (buffers mapped with
gst-python's ``Buffer.map``), to measure what the base class costs per buffer."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base.gst import Gst, GstBase
from ..toolkit import ArraySink, AudioFilter, AudioSource, VideoFilter, VideoSource
from ..toolkit._audio import audio_caps
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


class PlainSilence(GstBase.BaseSrc):
    __gtype_name__ = "NumgstBenchPlainSilence"
    __gstmetadata__ = _meta("plain silence", "Source/Audio")
    __gsttemplates__ = (
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS, AUDIO),
    )

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
    __gsttemplates__ = (
        Gst.PadTemplate.new("sink", Gst.PadDirection.SINK, Gst.PadPresence.ALWAYS, AUDIO),
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS, AUDIO),
    )

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
    __gsttemplates__ = (
        Gst.PadTemplate.new("sink", Gst.PadDirection.SINK, Gst.PadPresence.ALWAYS, VIDEO),
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS, VIDEO),
    )

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
    __gsttemplates__ = (
        Gst.PadTemplate.new("src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS, VIDEO),
    )

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
    __gsttemplates__ = (
        Gst.PadTemplate.new(
            "sink", Gst.PadDirection.SINK, Gst.PadPresence.ALWAYS, Gst.Caps.new_any()
        ),
    )

    def do_render(self, buf: Gst.Buffer) -> Gst.FlowReturn:
        with buf.map(Gst.MapFlags.READ) as info:
            np.frombuffer(info.data, np.uint8)
        return Gst.FlowReturn.OK


ELEMENTS = {
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
}


def register() -> None:
    for name, cls in ELEMENTS.items():
        if Gst.ElementFactory.find(name) is None:
            Gst.Element.register(None, name, Gst.Rank.NONE, cls)
