"""``AudioSource``: an audio source in a few lines of numpy.

The base does GStreamer's part the way the C ``audiotestsrc`` does it (and
``audiotestsrc_py``, built on it, is compared with C buffer for buffer): caps and
fixation, timestamps, durations and offsets, DISCONT, seeking in TIME, DEFAULT and
BYTES with segment stops and reverse playback, live mode with the LATENCY query,
``samplesperbuffer``, ``is-live``, ``timestamp-offset``, ``num-buffers``,
controllers synced before every buffer. A subclass makes the samples, one of three
ways (the first it defines is used):

``generate(first_sample, frames) -> array``
    Float samples, shape (frames, channels), or (frames,) for the same samples in
    every channel; the base converts them to the negotiated format as
    :mod:`numgst.pcm` says (full scale is [-1, 1]; integer formats round, clip and
    take NaN as 0; float formats store the values as they are). Any other shape or
    type is a bus ERROR that says what was expected.
``fill(out, first_sample)``
    ``out`` is the mapped buffer itself as a writable (frames, channels) array of
    the negotiated format's dtype (a strided view for the non-interleaved layout):
    nothing is copied. Formats of 3-byte samples have no dtype: use ``generate``.
``write(first_sample, frames, raw)``
    ``raw`` is the buffer's bytes (uint8), for exact control of every format.

A non-live source streaming faster than real time asks for several buffers' frames
at once and hands them out as one GstBufferList (``Source._list_count`` says when;
docs/toolkit.md, "Buffer lists", what changes).

After caps are set, ``self.format`` (a :class:`numgst.pcm.Format`), ``self.rate``,
``self.channels``, ``self.planar`` and ``self.info`` say what they are, as in every
audio base class.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .. import pcm
from ..base import Prop, PropertyRefusedError, mapped_array, set_times
from ..base._native import ctypes_vfuncs
from ..base._native import gobject as c
from ..base.buffers import add_audio_meta, add_flags, buffer_pointer, set_size
from ..base.caps import refuse_caps
from ..base.control import value_array
from ..base.gst import GLib, Gst, GstAudio, GstBase
from . import _common
from ._audio import MAX_INT, AudioCaps, audio_caps
from ._lists import Lists, Templates
from ._source import IS_LIVE, NONE64, Source, scale_round, timestamp_offset

SECOND = Gst.SECOND  # a module constant: Gst.* lookups go through GI's proxy each time
NONE32 = (1 << 32) - 1  # guint -1
MAX_BLOCKSIZE = NONE32 - 1  # GstBaseSrc's blocksize is a guint; -1 means "unset"
FLOW_OK = int(Gst.FlowReturn.OK)
FLOW_EOS = int(Gst.FlowReturn.EOS)
_MASK64 = (1 << 64) - 1

#: The properties every audio source has (subclasses add theirs: ``PROPS =
#: AudioSource.PROPS + (...)``).
SOURCE_PROPS = (
    Prop(
        "samplesperbuffer",
        int,
        nick="Samples per buffer",
        blurb="Number of samples in each outgoing buffer",
        default=1024,
        minimum=1,
        maximum=GLib.MAXINT,
        apply="_apply_samplesperbuffer",
    ),
    IS_LIVE,
    timestamp_offset(GLib.MININT64),
)


@dataclasses.dataclass
class Stream:
    """Where the stream stands: reset when streaming starts."""

    next_sample: int = 0
    next_byte: int = 0
    next_time: int = 0
    samples_in_buffer: int = 1024  # the last buffer's, for the LATENCY query
    check_seek_stop: bool = False
    sample_stop: int = 0
    eos_reached: bool = False
    reverse: bool = False
    tags_pushed: bool = False
    pts: int = 0  # the buffer being made, as the controllers see it

    def list_room(self, samples: int, most: int) -> int:
        """How many buffers of ``samples`` frames, at most ``most``, one list may
        hold from here: whole buffers that end before a segment stop (the last one
        is made alone, as C makes it: cut short, or followed by GstBaseSrc's EOS);
        1 in reverse or at the end."""
        if self.reverse or self.eos_reached:
            return 1
        if self.check_seek_stop:
            return min(most, (self.sample_stop - self.next_sample - 1) // samples)
        return most

    def cut(self, samples: int) -> tuple[int, int]:
        """The next buffer's frames and the sample after it: ``samples``, or fewer
        where the segment stop cuts the last buffer short (EOS comes next call)."""
        if self.check_seek_stop:
            if self.reverse and self.sample_stop >= self.next_sample - samples:
                self.eos_reached = True
                return self.next_sample - self.sample_stop, self.sample_stop
            if (
                not self.reverse
                and self.next_sample < self.sample_stop < self.next_sample + samples
            ):
                self.eos_reached = True
                return self.sample_stop - self.next_sample, self.sample_stop
        return samples, self.next_sample + (-samples if self.reverse else samples)


class AudioSource(AudioCaps, Source):
    """Base class of audio sources (see the module docstring).

    Class attributes a subclass may set: ``FORMATS`` (sample formats offered, the
    first preferred), ``CHANNELS`` and ``RATES`` (ranges), ``DEFAULT_CHANNELS`` and
    ``DEFAULT_RATE`` (what fixation picks when downstream leaves it open), ``PROPS``
    (``AudioSource.PROPS + (...)``), ``__gstmetadata__`` (defaults from the class name
    and docstring).
    """

    __gtype_name__ = "NumgstAudioSource"
    FORMATS: tuple[str, ...] = ("F32LE", "F64LE", "S16LE", "S32LE")
    CHANNELS: tuple[int, int] = (1, 64)
    RATES: tuple[int, int] = (1, MAX_INT)
    DEFAULT_CHANNELS = 1
    DEFAULT_RATE = 48000
    PROPS: tuple[Prop, ...] = SOURCE_PROPS

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if "__gsttemplates__" not in vars(cls):
            _common.declare(
                cls, "Source/Audio", src=audio_caps(cls.FORMATS, cls.CHANNELS, cls.RATES)
            )
        else:
            _common.declare(cls, "Source/Audio")
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        ctypes_vfuncs.take_over(self, "fill", "create")
        self._scratch = np.empty(0, np.uint8)
        self._templates = Templates()
        self.stream = Stream()
        self.set_blocksize(NONE32)

    # -- what subclasses provide (one of them) ------------------------------------------

    def write(self, first_sample: int, frames: int, raw: np.ndarray) -> None:
        """Write ``frames`` frames from stream sample ``first_sample`` into ``raw``
        (the buffer's bytes); by default through :meth:`fill` or :meth:`generate`."""
        fmt = self.format
        if fmt is None:
            raise TypeError("write() before caps were set")
        if fmt.width == 3 and type(self).fill is not AudioSource.fill:
            raise TypeError(f"fill() cannot write {fmt.name} (3-byte samples): use generate()")
        out = self._samples(raw, frames)
        if type(self).fill is not AudioSource.fill:
            self.fill(out, first_sample)
        else:
            got = self.generate(first_sample, frames)
            y = _common.checked(
                got,
                (frames, self.channels),
                f"{type(self).__name__}.generate()",
                "(frames, channels), or (frames,) for every channel alike",
                also=(frames,),
            )
            pcm.from_float(y[:, None] if y.ndim == 1 else y, fmt, out)
        del out

    def fill(self, out: np.ndarray, first_sample: int) -> None:
        """Fill ``out``, the mapped buffer as an array (see the module docstring)."""
        raise NotImplementedError

    def generate(self, first_sample: int, frames: int) -> np.ndarray:
        """Float samples in [-1, 1] for ``frames`` frames (see the module docstring)."""
        raise NotImplementedError(
            f"{type(self).__name__} must define generate(), fill() or write()"
        )

    def fixate(self, s: Gst.Structure) -> None:
        """Settle the fields downstream left open, on the caps structure ``s``.

        The default picks the first of FORMATS, interleaved, DEFAULT_RATE and
        DEFAULT_CHANNELS (nearest), and a fallback channel-mask above 2 channels.
        """
        s.fixate_field_nearest_int("rate", self.DEFAULT_RATE)
        s.fixate_field_string("format", self.FORMATS[0])
        s.fixate_field_string("layout", "interleaved")
        s.fixate_field_nearest_int("channels", self.DEFAULT_CHANNELS)

    def caps_changed(self) -> None:
        """Called after new caps are set (``self.rate``, ``self.channels``...)."""

    def stream_tags(self) -> Gst.TagList | None:
        """Tags to send before the first buffer of a stream, or None."""
        return None

    def control_values(self, prop: str, n: int, out: np.ndarray) -> bool:
        """Per-sample values of a controlled double property for the buffer being
        made (``out``: float64, n); False if no controller drives it."""
        st = self.stream
        return value_array(self, prop.encode(), st.pts, SECOND // self.rate, out)

    # -- properties -----------------------------------------------------------------------

    def _apply_samplesperbuffer(self, spb: int) -> None:
        size = self.bpf * spb
        if size > MAX_BLOCKSIZE:
            raise PropertyRefusedError(_too_big(spb, self.bpf))
        self.set_blocksize(size)

    # -- negotiation --------------------------------------------------------------------

    def _complete(self, s: Gst.Structure) -> None:
        # Above two channels, a fallback channel-mask when downstream gave none.
        ok, channels = s.get_int("channels")
        if ok and channels > 2 and not s.has_field_typed("channel-mask", Gst.Bitmask.__gtype__):
            mask = GstAudio.audio_channel_get_fallback_mask(channels)
            s.set_value("channel-mask", Gst.Bitmask(mask))

    def do_set_caps(self, caps: Gst.Caps) -> bool:
        if not self._take_audio_caps(caps):
            return False
        spb = self.settings.samplesperbuffer
        if self.bpf * spb > MAX_BLOCKSIZE:
            return refuse_caps(self, caps, _too_big(spb, self.bpf))
        self.set_blocksize(self.bpf * spb)
        self.caps_changed()
        return True

    # -- streaming --------------------------------------------------------------------

    def do_start(self) -> bool:
        # A new stream in the caps already negotiated (as C keeps its info).
        self.stream = Stream()
        self.lists = Lists()
        self._reset_pending = True
        return True

    def do_stop(self) -> bool:
        return True

    def do_do_seek(self, segment: Gst.Segment) -> bool:
        st = self.stream
        rate = self.rate
        st.reverse = segment.rate < 0.0
        # Don't seek to the sample *after* the time.
        next_sample = segment.position * rate // SECOND
        st.next_byte = next_sample * self.bpf
        st.next_time = scale_round(next_sample, SECOND, rate) if rate else 0
        st.next_sample = next_sample
        if segment.rate > 0 and segment.stop != NONE64:
            st.sample_stop = scale_round(segment.stop, rate, SECOND)
            st.check_seek_stop = True
        elif segment.rate < 0:
            st.sample_stop = scale_round(segment.start, rate, SECOND)
            st.check_seek_stop = True
        else:
            st.check_seek_stop = False
        st.eos_reached = False
        self.lists = Lists()
        self._reset_pending = True
        return True

    def latency(self) -> int | None:
        if self.rate <= 0:
            return None
        return int(self.stream.samples_in_buffer * SECOND // self.rate)

    def query_more(self, query: Gst.Query) -> bool | None:
        if query.type != Gst.QueryType.SCHEDULING:
            return None
        query.set_scheduling(Gst.SchedulingFlags.SEEKABLE, 1, -1, 0)
        query.add_scheduling_mode(Gst.PadMode.PUSH)
        if getattr(self.settings, "can_activate_pull", False):
            query.add_scheduling_mode(Gst.PadMode.PULL)
        return True

    def do_fill(self, offset: int, length: int, buf: Gst.Buffer) -> Gst.FlowReturn:
        # Called through PyGObject only where ctypes_vfuncs could not take its place.
        return Gst.FlowReturn(self.native_fill(buffer_pointer(buf), offset, length))

    def native_create(self, offset: int, length: int, out: Any) -> int:
        """GstBaseSrc's create (``out``: the GstBuffer** to set).

        A non-live source streaming forward hands out up to LIST_LENGTH buffers per
        call, as a GstBufferList (``gst_base_src_submit_buffer_list``): they are
        rendered by one ``write`` and so pay the fixed cost of a render and of a
        Python call once. Each buffer has the same bytes, times, offsets and flags it
        would have had alone, and num-buffers and segment stops count them one by
        one. Otherwise (live, pull mode, controllers, the planar layout, reverse):
        one buffer, from the class's alloc, filled.
        """
        count = self._list_length(offset, length, out)
        ts_offset = self.settings.timestamp_offset  # one snapshot for the whole list
        if count > 1:
            flow = self._create_list(count, length // self.bpf, ts_offset)
        else:
            flow = self._create_one(offset, length, out)
        st = self.stream
        self._handed(
            count,
            count * st.samples_in_buffer * SECOND // self.rate if self.rate else 0,
            (ts_offset + st.next_time) & _MASK64,
        )
        return flow

    def _create_one(self, offset: int, length: int, out: Any) -> int:
        flow = self._alloc(offset, length, out)
        if flow != FLOW_OK:
            return flow
        buf = out[0]
        try:
            flow = self.native_fill(buf, offset, length)
        except BaseException:
            out[0] = None
            c.mini_object_unref(buf)
            raise
        if flow != FLOW_OK:
            out[0] = None
            c.mini_object_unref(buf)
        return flow

    def _lists_allowed(self) -> bool:
        # A list's buffers come from the default allocator (see _lists.Template).
        return self._allocates_by_default()

    def _list_length(self, offset: int, length: int, out: Any) -> int:
        """How many buffers the next create hands out (see :meth:`native_create`)."""
        # The frames per buffer GstBaseSrc asks for (its blocksize), not the
        # property: that may have changed since, from another thread.
        spb = length // self.bpf
        if (
            out[0]  # pull mode, into a buffer given
            or offset != NONE64
            or not 0 < length < NONE32
            or length != spb * self.bpf
            or self.planar
        ):
            return self._list_count(1)
        return self._list_count(self.stream.list_room(spb, self.LIST_BYTES // length))

    def _create_list(self, count: int, spb: int, ts_offset: int) -> int:
        """Render ``count`` buffers of ``spb`` frames at once and hand them out as a
        deep copy of the template list over the render, stamped first."""
        st = self.stream
        if not st.tags_pushed:
            self._push_tags()
        self._reset_if_pending()
        nbytes = spb * self.bpf
        if self._scratch.shape[0] < count * nbytes:
            self._scratch = np.empty(count * nbytes, np.uint8)
        scratch = self._scratch[: count * nbytes]
        self.write(st.next_sample, count * spb, scratch)
        template = self._templates.get(scratch, count, nbytes)
        template.set_flags(self.buffer_flags())
        rate = self.rate
        start_time, sample = st.next_time, st.next_sample
        for t in template.times:
            end_time = (sample + spb) * SECOND // rate
            t.pts = (ts_offset + start_time) & _MASK64
            t.duration = end_time - start_time
            t.offset, t.offset_end = sample, sample + spb
            start_time, sample = end_time, sample + spb
        blist = template.copy()
        st.samples_in_buffer = spb
        st.pts = (ts_offset + start_time) & _MASK64
        st.next_time, st.next_sample = start_time, sample
        st.next_byte += count * nbytes
        c.base_src_submit_buffer_list(self._pointer, blist)
        return FLOW_OK

    def native_fill(self, buf: int, offset: int, length: int) -> int:
        """GstBaseSrc's fill on the buffer's pointer (see :mod:`.._native.ctypes_vfuncs`)."""
        st = self.stream
        if not st.tags_pushed:
            self._push_tags()
        if st.eos_reached:
            return FLOW_EOS
        self._reset_if_pending()
        bpf = self.bpf
        samples = self.settings.samplesperbuffer if length == NONE32 else length // bpf
        if offset == NONE64:
            offset = st.next_byte
        if offset != st.next_byte:
            # A byte offset we did not expect (pull mode): jump there.
            st.next_sample = offset // bpf
            st.next_time = st.next_sample * SECOND // self.rate
            st.next_byte = offset
        first, n = self._advance(samples, buf)
        if n * bpf != length:
            set_size(buf, n * bpf)
        with mapped_array(buf, np.uint8, (n * bpf,)) as out:
            self.write(first, n, out)
        flags = self.buffer_flags()
        if flags:
            add_flags(buf, flags)
        if self.planar:
            add_audio_meta(buf, self.info, n)
        return FLOW_OK

    def buffer_flags(self) -> int:
        """Gst.BufferFlags to set on the buffer just made (e.g. GAP for silence);
        none by default."""
        return 0

    def _push_tags(self) -> None:
        self.stream.tags_pushed = True
        tags = self.stream_tags()
        if tags is not None:
            # The class vfunc, as C calls it: gst_element_send_event would take the
            # state lock, which a concurrent state change holds while it waits for
            # this streaming thread (a deadlock seen in the tests).
            GstBase.BaseSrc.do_send_event(self, Gst.Event.new_tag(tags))

    def _advance(self, samples: int, buf: int) -> tuple[int, int]:
        """Time and offsets of the next buffer of ``samples`` frames (cut short by a
        segment stop); sets them on ``buf``, syncs the controllers. Returns the
        buffer's first stream sample and its frames."""
        st = self.stream
        n, next_sample = st.cut(samples)
        st.samples_in_buffer = n
        next_time = next_sample * SECOND // self.rate
        ts_offset = self.settings.timestamp_offset
        if not st.reverse:
            pts, duration = ts_offset + st.next_time, next_time - st.next_time
        else:
            pts, duration = ts_offset + next_time, st.next_time - next_time
        set_times(buf, pts, duration, st.next_sample, next_sample)
        st.pts = pts & 0xFFFFFFFFFFFFFFFF
        if self._bindings.value:  # controllers bound: values for this buffer
            self.sync_values(st.pts)
        first = st.next_sample
        st.next_time = next_time
        st.next_sample = next_sample
        st.next_byte += -n * self.bpf if st.reverse else n * self.bpf
        return first, n


def _too_big(spb: int, bpf: int) -> str:
    return (
        f"samplesperbuffer={spb} at {bpf} bytes per frame makes buffers of "
        f"{spb * bpf} bytes; GstBaseSrc's blocksize holds at most {MAX_BLOCKSIZE}"
    )
