"""``AudioFilter``: audio in, audio out, the same caps, in a few lines of numpy.

A subclass defines ``transform(x)``: ``x`` is the buffer's audio as a (frames,
channels) float array. In place (``IN_PLACE = True``, the default) ``x`` is the buffer
itself (float formats) and ``transform`` changes it and returns None; otherwise ``x``
is read-only and ``transform`` returns the output (same shape), which the base writes
into the output buffer. Integer formats listed in ``FORMATS`` are converted to float32
for ``transform`` and back (clipped, NaN as silence).

The base does the rest: caps (``FORMATS``, ``CHANNELS``, ``RATES``), controllers
synced to each buffer's stream time before ``transform`` (so a controlled property's
Settings field is current), passthrough when ``passthrough()`` says so (``transform``
is then not called at all), errors to the bus.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import ElementMixin, mapped_array
from ..base.caps import audio_info, refuse_caps
from ..base.control import bindings, value_array
from ..base.element import ElementMeta
from ..base.gst import Gst, GstBase
from ..signal import formats
from .audiosrc import audio_caps

FLOW_OK = Gst.FlowReturn.OK


class AudioFilter(ElementMixin, GstBase.BaseTransform, metaclass=ElementMeta):
    """Base class of audio filters (see the module docstring)."""

    __gtype_name__ = "NumgstAudioFilter"
    FORMATS: tuple[str, ...] = ("F32LE", "F64LE")
    CHANNELS: tuple[int, int] = (1, 64)
    RATES: tuple[int, int] = (1, 2147483647)
    IN_PLACE = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "__gsttemplates__" not in vars(cls):
            caps = audio_caps(cls.FORMATS, cls.CHANNELS, cls.RATES, ("interleaved",))
            cls.__gsttemplates__ = (
                Gst.PadTemplate.new("sink", Gst.PadDirection.SINK, Gst.PadPresence.ALWAYS, caps),
                Gst.PadTemplate.new("src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS, caps),
            )
        if "__gstmetadata__" not in vars(cls):
            doc = (cls.__doc__ or cls.__name__).strip().splitlines()[0]
            cls.__gstmetadata__ = (cls.__name__, "Filter/Effect/Audio", doc, "numgst user")
        # A Python before_transform costs a vfunc call on every buffer: only classes
        # that need one (a controllable property to sync, a passthrough() to ask)
        # get it.
        controllable = any(p.flags & Gst.PARAM_CONTROLLABLE for p in getattr(cls, "PROPS", ()))
        if (controllable or cls.passthrough is not AudioFilter.passthrough) and (
            "do_before_transform" not in vars(cls)
        ):
            cls.do_before_transform = cls._before_transform
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        self.rate = self.channels = 0
        self.fmt: formats.SampleFormat | None = None
        self._bindings = bindings(self)
        self._pts = 0
        self.set_in_place(self.IN_PLACE)

    # -- what subclasses provide ----------------------------------------------------

    def transform(self, x: np.ndarray) -> np.ndarray | None:
        """Process one buffer (see the module docstring)."""
        raise NotImplementedError(f"{type(self).__name__} must define transform()")

    def passthrough(self) -> bool:
        """True when the output would equal the input (``transform`` is skipped)."""
        return False

    def _before_transform(self, buf: Gst.Buffer) -> None:
        pts = buf.pts
        if pts != Gst.CLOCK_TIME_NONE:
            self._pts = pts
            if self._bindings.value:  # controllers bound: values for this buffer
                t = self.segment.to_stream_time(Gst.Format.TIME, pts)
                if t != Gst.CLOCK_TIME_NONE:
                    self.sync_values(t)
        self.set_passthrough(bool(self.passthrough()))

    def caps_changed(self) -> None:
        """Called after new caps are set (``self.rate``, ``self.channels``)."""

    def control_values(self, prop: str, n: int, out: np.ndarray) -> bool:
        """Per-sample values of a controlled double property for the buffer being
        processed (``out``: float64, n); False if no controller drives it."""
        return value_array(self, prop.encode(), self._pts, Gst.SECOND // self.rate, out)

    # -- GstBaseTransform ------------------------------------------------------------

    def do_set_caps(self, incaps: Gst.Caps, outcaps: Gst.Caps) -> bool:
        info = audio_info(incaps)
        if info is None:
            return refuse_caps(self, incaps, "GstAudio cannot describe them")
        self.fmt = formats.FORMATS.get(info.finfo.name)
        if self.fmt is None or self.fmt.dtype is None:
            return refuse_caps(self, incaps, "no numpy view of this format")
        self.rate, self.channels = info.rate, info.channels
        self.caps_changed()
        self.set_passthrough(bool(self.passthrough()))
        return True

    def do_transform_ip(self, buf: Gst.Buffer) -> Gst.FlowReturn:
        fmt = self.fmt
        assert fmt is not None
        n = buf.get_size() // (fmt.width * self.channels)
        with mapped_array(buf, fmt.word, (n, self.channels)) as x:
            if fmt.floating:
                self.transform(x)
            else:
                y = x.astype(np.float32) * np.float32(1.0 / fmt.scale)
                got = self.transform(y)
                formats.store_float(
                    y if got is None else got,
                    fmt,
                    x.view(np.uint8).reshape(-1),
                    (n, self.channels),
                    False,
                )
        return FLOW_OK

    def do_transform(self, inbuf: Gst.Buffer, outbuf: Gst.Buffer) -> Gst.FlowReturn:
        fmt = self.fmt
        assert fmt is not None
        n = inbuf.get_size() // (fmt.width * self.channels)
        shape = (n, self.channels)
        with mapped_array(inbuf, fmt.word, shape, Gst.MapFlags.READ) as x:
            y = x if fmt.floating else x.astype(np.float32) * np.float32(1.0 / fmt.scale)
            got = self.transform(y)
            if isinstance(got, np.ndarray) and np.may_share_memory(got, x):
                got = np.array(got)  # the input itself (or a view): copy before unmapping
            del y
        if got is None:
            raise TypeError(
                "transform() returned None: when IN_PLACE is False it must return the output array"
            )
        with mapped_array(outbuf, np.uint8, (n * fmt.width * self.channels,)) as out:
            if fmt.floating:
                np.copyto(out.view(fmt.word).reshape(shape), got, casting="same_kind")
            else:
                formats.store_float(got, fmt, out, shape, False)
        return FLOW_OK
