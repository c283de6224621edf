"""Audio in the toolkit: caps, the attributes every audio base class shares, and
buffers as (frames, channels) arrays of samples (:mod:`numgst.pcm` converts them)."""

from __future__ import annotations

import sys

import numpy as np

from .. import pcm
from ..base.buffers import add_audio_meta, audio_meta, buffer_size, mapped_array
from ..base.caps import audio_info, refuse_caps
from ..base.gst import Gst, GstAudio

MAX_INT = 2147483647
LAYOUTS = ("interleaved", "non-interleaved")
_NON_INTERLEAVED = GstAudio.AudioLayout.NON_INTERLEAVED
_WRITE = int(Gst.MapFlags.WRITE)


def audio_caps(
    formats: tuple[str, ...],
    channels: tuple[int, int] = (1, MAX_INT),
    rate: tuple[int, int] = (1, MAX_INT),
    layouts: tuple[str, ...] = LAYOUTS,
) -> Gst.Caps:
    """``audio/x-raw`` caps with these formats, channel and rate ranges, layouts."""
    for name in formats:
        pcm.get(name)  # an unknown name fails here, when the class is made
    return Gst.Caps.from_string(
        "audio/x-raw, format=(string){ " + ", ".join(formats) + " }, "
        "layout=(string){ " + ", ".join(layouts) + " }, "
        f"rate=(int){_int_range(rate)}, channels=(int){_int_range(channels)}"
    )


def _int_range(bounds: tuple[int, int]) -> str:
    # GStreamer refuses a range whose ends are equal (a CRITICAL): a fixed value then.
    lo, hi = bounds
    return str(lo) if lo == hi else f"[{lo}, {hi}]"


def mapped_samples(buf: int, layout: pcm.Layout, flags: int = _WRITE) -> mapped_array:
    """``with mapped_samples(buf, layout) as words``: the buffer mapped straight to the
    samples' view that ``layout`` (:func:`numgst.pcm.sample_layout`) describes."""
    dtype, shape, offset, strides = layout
    return mapped_array(buf, dtype, shape, flags, offset=offset, strides=strides)


class AudioCaps:
    """What the negotiated audio caps say, under the same names in every audio base.

    Attributes (set before ``caps_changed()`` is called)
    ----------------------------------------------------
    info : GstAudio.AudioInfo
    format : numgst.pcm.Format
        The sample format (``format.name``: ``"S16LE"``...).
    rate, channels : int
    planar : bool
        Non-interleaved layout (arrays are (frames, channels) all the same).
    """

    info: GstAudio.AudioInfo | None = None
    format: pcm.Format | None = None
    rate: int = 0
    channels: int = 0
    planar: bool = False
    bpf: int = 0  # bytes per frame

    def _take_audio_caps(self, caps: Gst.Caps) -> bool:
        info = audio_info(caps)
        if info is None:
            return refuse_caps(self, caps, "GstAudio cannot describe them")
        fmt = pcm.FORMATS.get(info.finfo.name)
        if fmt is None:
            return refuse_caps(self, caps, "not one of the raw audio formats")
        self.info, self.format = info, fmt
        self.rate, self.channels, self.bpf = info.rate, info.channels, info.bpf
        self.planar = info.layout == _NON_INTERLEAVED
        self._layouts: dict[int, pcm.Layout] = {}
        return True

    def _frames(self, buf: Gst.Buffer | int) -> tuple[int, tuple[int, ...] | None]:
        """Frames in ``buf`` (or at its pointer) and, for planar data, where its
        planes start."""
        if self.planar:
            meta = audio_meta(buf)
            if meta is not None:
                return meta
        return buffer_size(buf) // self.bpf, None

    def _samples(
        self, raw: np.ndarray, frames: int, offsets: tuple[int, ...] | None = None
    ) -> np.ndarray:
        fmt = self.format
        assert fmt is not None
        return pcm.samples(raw, fmt, frames, self.channels, self.planar, offsets)

    def _mapped_samples(self, buf: int, flags: int = _WRITE) -> mapped_array:
        """``with self._mapped_samples(buf) as words``: the buffer's samples as
        :func:`numgst.pcm.samples` views them, mapped straight to that view (no
        derived view to let go of). Interleaved layouts are worked out once per size."""
        fmt = self.format
        assert fmt is not None
        if self.planar:
            frames, offsets = self._frames(buf)
            layout = pcm.sample_layout(fmt, frames, self.channels, True, offsets)
            return mapped_samples(buf, layout, flags)
        size = buffer_size(buf)
        known = self._layouts.get(size)
        if known is None:
            known = self._layouts[size] = pcm.sample_layout(fmt, size // self.bpf, self.channels)
        return mapped_samples(buf, known, flags)

    def _add_meta(self, buf: Gst.Buffer | int, frames: int) -> None:
        """Planar buffers say where their planes are (planes back to back)."""
        if self.planar and audio_meta(buf) is None:
            add_audio_meta(buf, self.info, frames)


class FloatWork:
    """A reusable float array for converted samples, given up when a caller kept it
    (or a view of it) past the buffer, so that what it kept is never overwritten."""

    __slots__ = ("array",)

    def __init__(self) -> None:
        self.array: np.ndarray | None = None

    def get(self, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        a = self.array
        if a is None or a.shape != shape or a.dtype != dtype:
            a = self.array = np.empty(shape, dtype)
        a.flags.writeable = True
        return a

    def release(self) -> None:
        """Call after the buffer, with no other reference to the array left."""
        a = self.array
        # References: self.array, `a` and getrefcount's argument; more means kept.
        if a is not None and sys.getrefcount(a) > 3:
            self.array = None
