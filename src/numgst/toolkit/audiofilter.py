"""``AudioFilter``: audio in, audio out, the same caps, in a few lines of numpy.

A subclass defines ``transform(x)``. ``x`` is the buffer's audio as a (frames,
channels) float array, in every format and both layouts (:mod:`numgst.pcm` says how
samples become floats and back):

* native float formats (F32LE, F64LE): ``x`` is the buffer itself, float32 or
  float64, not a copy;
* every other format: ``x`` is the samples converted to float32 (float64 for 32-bit
  integers: the type that holds each exactly), converted back after ``transform``.

One rule for what ``transform`` gives back, in every format: it returns the output,
an array of real numbers of ``x``'s shape, or None to say that ``x`` holds it.
``IN_PLACE = True`` (the default) works in the input buffer: ``x`` is writable and
changing it in place is the cheap way. ``IN_PLACE = False`` makes a new output buffer:
``x`` is read-only and ``transform`` must return the output. Anything else it returns
(a wrong shape, complex numbers, a string) is a bus ERROR that says what was expected.

The base does the rest: caps (``FORMATS``, ``CHANNELS``, ``RATES``, ``LAYOUTS``),
controllers synced to each buffer's stream time before ``transform`` (so a controlled
property's Settings field is current), passthrough when ``passthrough()`` says so
(``transform`` is then not called at all), ``reset()`` after a flush (a seek) and when
streaming starts, ``drain()`` at EOS for a filter that holds samples back, errors to
the bus.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import pcm
from ..base.buffers import buffer_pointer
from ..base.control import value_array
from ..base.gst import Gst
from . import _common
from ._audio import LAYOUTS, MAX_INT, AudioCaps, FloatWork, audio_caps
from ._filter import Filter

FLOW_OK = int(Gst.FlowReturn.OK)
_READ = int(Gst.MapFlags.READ)
_NONE = Gst.CLOCK_TIME_NONE
_FRAMES = "(frames, channels)"


class AudioFilter(AudioCaps, Filter):
    """Base class of audio filters (see the module docstring).

    Class attributes: ``FORMATS`` (any of :data:`numgst.pcm.FORMATS`), ``CHANNELS``
    and ``RATES`` (ranges), ``LAYOUTS``, ``IN_PLACE``, ``PROPS``.
    """

    __gtype_name__ = "NumgstAudioFilter"
    FORMATS: tuple[str, ...] = ("F32LE", "F64LE")
    CHANNELS: tuple[int, int] = (1, 64)
    RATES: tuple[int, int] = (1, MAX_INT)
    LAYOUTS: tuple[str, ...] = LAYOUTS

    def __init_subclass__(cls, **kwargs: Any) -> None:
        caps = audio_caps(cls.FORMATS, cls.CHANNELS, cls.RATES, cls.LAYOUTS)
        _common.declare(cls, "Filter/Effect/Audio", sink=caps, src=caps)
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        self._work = FloatWork()

    # -- what subclasses provide ----------------------------------------------------

    def transform(self, x: np.ndarray) -> np.ndarray | None:
        """Process one buffer (see the module docstring)."""
        raise NotImplementedError(f"{type(self).__name__} must define transform()")

    def drain(self) -> np.ndarray | None:
        """At EOS: the samples still held back, (frames, channels) floats, or None.
        They go out as one last buffer, right after the last one."""
        return None

    def control_values(self, prop: str, n: int, out: np.ndarray) -> bool:
        """Per-sample values of a controlled double property for the buffer being
        processed (``out``: float64, n); False if no controller drives it."""
        return value_array(self, prop.encode(), self._pts, Gst.SECOND // self.rate, out)

    def _at_eos(self) -> None:
        self._push_drained()

    # -- GstBaseTransform ------------------------------------------------------------

    def do_set_caps(self, incaps: Gst.Caps, outcaps: Gst.Caps) -> bool:
        return self._take_audio_caps(incaps) and self._caps_set()

    # PyGObject calls these only where ctypes_vfuncs could not take their place.
    def do_transform_ip(self, buf: Gst.Buffer) -> Gst.FlowReturn:
        return Gst.FlowReturn(self.native_transform_ip(buffer_pointer(buf)))

    def do_transform(self, inbuf: Gst.Buffer, outbuf: Gst.Buffer) -> Gst.FlowReturn:
        return Gst.FlowReturn(self.native_transform(buffer_pointer(inbuf), buffer_pointer(outbuf)))

    def native_transform_ip(self, buf: int) -> int:
        """GstBaseTransform's transform_ip on the buffer's pointer (never called in
        passthrough: see ``Filter``)."""
        fmt = self.format
        assert fmt is not None
        with self._mapped_samples(buf) as words:
            x = words if fmt.native_float else self._floats(words)
            got = self.transform(x)
            y = x if got is None or got is x else _common.checked(got, x.shape, self._who, _FRAMES)
            if x is not words:
                self._store(y, words)
            elif y is not x:
                np.copyto(words, y, casting="unsafe")
            del x, got, y
        self._work.release()
        return FLOW_OK

    def native_transform(self, inbuf: int, outbuf: int) -> int:
        """GstBaseTransform's transform on the buffers' pointers."""
        fmt = self.format
        assert fmt is not None
        if self.planar:
            self._add_meta(outbuf, self._frames(inbuf)[0])
        with (
            self._mapped_samples(inbuf, _READ) as words,
            self._mapped_samples(outbuf) as out,
        ):
            x = words
            if not fmt.native_float:
                x = self._floats(words)
                x.flags.writeable = False
            got = self.transform(x)
            if got is None:
                raise TypeError(
                    f"{self._who} returned None: with IN_PLACE = False it must return "
                    f"the output, real numbers of shape {x.shape} {_FRAMES}"
                )
            got = _common.checked(got, x.shape, self._who, _FRAMES)
            self._store(got, out)
            del x, got
        self._work.release()
        return FLOW_OK

    # -- helpers ----------------------------------------------------------------------

    def _floats(self, words: np.ndarray) -> np.ndarray:
        fmt = self.format
        assert fmt is not None
        shape = words.shape[:2]
        return pcm.to_float(words, fmt, self._work.get(shape, fmt.float_dtype))

    def _store(self, y: np.ndarray, words: np.ndarray) -> None:
        fmt = self.format
        assert fmt is not None
        pcm.from_float(y, fmt, words)

    def _push_drained(self) -> None:
        if self.format is None:
            return
        got = self.drain()
        if got is None:
            return
        arr = _common.checked(got, (-1, self.channels), self._who_drain, _FRAMES)
        frames = arr.shape[0]
        if frames == 0:
            return
        buf = Gst.Buffer.new_allocate(None, frames * self.bpf, None)
        self._add_meta(buf, frames)
        with self._mapped_samples(buffer_pointer(buf)) as out:
            self._store(arr, out)
        # GstBaseTransform keeps where the input reached (the end of its last
        # buffer, passthrough ones included) in the segment's position.
        segment = self.segment
        end = segment.position
        if end != _NONE and segment.format == Gst.Format.TIME:
            buf.pts = end
            buf.duration = Gst.util_uint64_scale_int(frames, Gst.SECOND, self.rate)
        self.get_static_pad("src").push(buf)

    @property
    def _who_drain(self) -> str:
        return f"{type(self).__name__}.drain()"
