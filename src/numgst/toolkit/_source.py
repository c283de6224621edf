"""What the toolkit's sources share (``AudioSource``, ``VideoSource``): negotiation
with a Python fixation, times for live mode, seekability, ``reset()`` before the
first buffer after a start or a seek, and the LATENCY and CONVERT queries."""

from __future__ import annotations

import ctypes
import time
from typing import Any

from ..base import INT64, ElementMixin, Prop
from ..base._native import ctypes_vfuncs
from ..base._native import gobject as c
from ..base._native.borrowed_vfuncs import borrow_vfunc
from ..base.control import bindings
from ..base.element import ElementMeta
from ..base.gst import GLib, Gst, GstBase
from ._lists import Lists

NONE64 = (1 << 64) - 1  # GST_CLOCK_TIME_NONE as the vfuncs see it
FLOW_OK = int(Gst.FlowReturn.OK)
FLOW_ERROR = int(Gst.FlowReturn.ERROR)
_SRC_CLASS = ("GstBase", "BaseSrcClass")
# GstBaseSrc's public counter of the buffers num-buffers still allows (-1: no limit)
_NUM_BUFFERS_LEFT = c.field_offset("GstBase", "BaseSrc", "num_buffers_left")
_SRCPAD = c.field_offset("GstBase", "BaseSrc", "srcpad")
_SEGMENT_STOP = c.field_offset("GstBase", "BaseSrc", "segment") + c.field_offset(
    "Gst", "Segment", "stop"
)
# GstPad's count of the probes on it (public struct, written under the pad's lock)
_NUM_PROBES = c.field_offset("Gst", "Pad", "num_probes")
#: Each class's alloc (GstBaseSrc's, or a do_alloc of its own), for native_create.
_ALLOC: dict[type, Any] = {}
_ALLOC_IS_BASE: dict[type, bool] = {}


#: A source's is-live property (C's blurb), driving GstBaseSrc's live mode.
IS_LIVE = Prop(
    "is-live", bool, nick="Is Live", blurb="Whether to act as a live source", default=False,
    apply="set_live",
)  # fmt: skip


def timestamp_offset(minimum: int) -> Prop:
    """A source's timestamp-offset property; C's audio source lets it go negative,
    its video source does not."""
    return Prop(
        "timestamp-offset", INT64, nick="Timestamp offset",
        blurb="An offset added to timestamps set on buffers (in ns)", default=0,
        minimum=minimum, maximum=GLib.MAXINT64,
    )  # fmt: skip


def scale(val: int, num: int, denom: int) -> int:
    """gst_util_uint64_scale: val * num / denom, rounded down."""
    return val * num // denom


def scale_round(val: int, num: int, denom: int) -> int:
    """gst_util_uint64_scale_round: val * num / denom rounded to nearest."""
    return (val * num + denom // 2) // denom


class Source(ElementMixin, GstBase.BaseSrc, metaclass=ElementMeta):
    """Base of the toolkit's sources (see the module docstring). Subclasses answer
    :meth:`latency` and :meth:`query_more`, and may narrow the caps (``restrict``)
    and settle them (``fixate``, ``_complete``)."""

    __gtype_name__ = "NumgstSource"
    info: Any = None  # GstAudio.AudioInfo or GstVideo.VideoInfo, once caps are set
    #: Buffers a non-live source may hand out per create at most, as one
    #: GstBufferList (1: always one at a time); see :meth:`_list_count`.
    LIST_LENGTH = 32
    #: ... and bytes per list at most.
    LIST_BYTES = 256 * 1024

    _borrowed: set[type] = set()

    def __init__(self) -> None:
        super().__init__()
        cls = type(self)
        if cls not in Source._borrowed:
            # The C audiotestsrc's get_times does what ours does (videotestsrc's is
            # the same code), in C: it saves a PyGObject call per buffer, 3-6 us. Not
            # at import: the plugin loader imports modules while it holds the lock
            # that loading the donor plugin takes. A subclass with a get_times of its
            # own keeps it.
            Source._borrowed.add(cls)
            if cls.do_get_times is Source.do_get_times:
                borrow_vfunc(cls, ("GstBase", "BaseSrcClass"), "get_times", "audiotestsrc")
        if cls not in _ALLOC:
            _ALLOC[cls] = ctypes_vfuncs.class_vfunc(cls, _SRC_CLASS, "alloc", ctypes_vfuncs.CREATE)
        self._pointer = c.gobject_pointer(self)
        self._bindings = bindings(self)
        self.lists = Lists()
        self._reset_pending = True
        self.set_format(Gst.Format.TIME)
        self.set_live(self.settings.is_live)

    # -- hooks --------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget the state kept between buffers: called when streaming starts and
        after a seek, before the next buffer (on the streaming thread)."""

    def fixate(self, s: Gst.Structure) -> None:
        """Settle the caps fields downstream left open, on the structure ``s``."""

    def restrict(self, caps: Gst.Caps) -> Gst.Caps:
        """Narrow what downstream accepts before fixation (by default: unchanged)."""
        return caps

    def _complete(self, s: Gst.Structure) -> None:
        """What fixation always adds after ``fixate`` (a subclass's own fixate
        included)."""

    def latency(self) -> int | None:
        """The source's latency in ns (one buffer), or None before caps."""
        return None

    def query_more(self, query: Gst.Query) -> bool | None:
        """A subclass's own queries: True/False if answered, None to pass it on."""
        return None

    # -- GstBaseSrc ----------------------------------------------------------------------

    def do_negotiate(self) -> bool:
        # GstBaseSrc's default negotiation with our fixation. Not the fixate vfunc:
        # PyGObject before 3.50 never releases the caps it hands a Python fixate
        # (transfer full), one leaked GstCaps per negotiation (the leaks tracer).
        pad = self.get_static_pad("src")
        thiscaps = pad.query_caps(None)
        if thiscaps is None or thiscaps.is_any():
            return True
        if thiscaps.is_empty():
            return False
        caps = pad.peer_query_caps(thiscaps) or thiscaps
        if caps.is_empty():
            return False
        if caps.is_any():
            return True
        # A structure of our own (caps[0] is a plain Gst.Structure on every
        # gst-python; 1.26's get_structure() is a context manager), then
        # gst_caps_fixate for whatever fields remain, as the parent class does.
        s = self.restrict(caps)[0].copy()
        self.fixate(s)
        self._complete(s)
        fixed = Gst.Caps.new_empty()
        fixed.append_structure(s)
        fixed = fixed.fixate()
        return bool(fixed.is_fixed() and self.set_caps(fixed))

    def do_is_seekable(self) -> bool:
        return True

    def do_get_times(self, buf: Gst.Buffer) -> tuple[int, int]:
        # Live sources sync on the buffer's timestamp; others run free.
        if self.settings.is_live:
            pts, duration = buf.pts, buf.duration
            if pts != NONE64:
                return pts, (pts + duration if duration != NONE64 else NONE64)
        return NONE64, NONE64

    def do_gst_base_src_query(self, query: Gst.Query) -> bool:
        if query.type == Gst.QueryType.LATENCY:
            latency = self.latency()
            if latency is None:
                return False
            query.set_latency(self.settings.is_live, latency, Gst.CLOCK_TIME_NONE)
            return True
        if query.type == Gst.QueryType.CONVERT:
            if self.info is None:
                return False
            src_fmt, src_val, dest_fmt, _ = query.parse_convert()
            ok, dest = self.info.convert(src_fmt, src_val, dest_fmt)
            if ok:
                query.set_convert(src_fmt, src_val, dest_fmt, dest)
            return bool(ok)
        if query.type == Gst.QueryType.POSITION and self.lists.end is not None:
            return self._list_position(query, self.lists.end)
        answered = self.query_more(query)
        if answered is not None:
            return answered
        return bool(GstBase.BaseSrc.do_query(self, query))

    # -- for subclasses' create and fill ------------------------------------------------

    def _alloc(self, offset: int, length: int, out: Any) -> int:
        """The class's alloc (GstBaseSrc's: from the negotiated pool), into ``out[0]``."""
        alloc = _ALLOC[type(self)]
        return int(alloc(self._pointer, offset, length, out)) if alloc else FLOW_ERROR

    def _allocates_by_default(self) -> bool:
        """Whether GstBaseSrc's alloc would take the next buffer from the default
        allocator with default params: no pool, allocator or params from downstream,
        no do_alloc of the class's own. A list's buffers are allocated so (see
        :mod:`._lists`); anything else goes one buffer at a time."""
        cls = type(self)
        if cls not in _ALLOC_IS_BASE:
            alloc = c.class_slot(cls.__gtype__, *_SRC_CLASS, "alloc").value
            base = c.class_slot(GstBase.BaseSrc.__gtype__, *_SRC_CLASS, "alloc").value
            _ALLOC_IS_BASE[cls] = alloc == base
        if not _ALLOC_IS_BASE[cls]:
            return False
        pool = c.base_src_get_buffer_pool(self._pointer)
        allocator, params = ctypes.c_void_p(), c.GstAllocationParams()
        c.base_src_get_allocator(self._pointer, ctypes.byref(allocator), ctypes.byref(params))
        for obj in (pool, allocator.value):
            if obj:
                c.object_unref(obj)
        return not (
            pool
            or allocator.value
            or params.flags
            or params.align
            or params.prefix
            or params.padding
        )

    def _list_count(self, most: int) -> int:
        """How many buffers the next create hands out: 1, or a list of up to ``most``
        (what the subclass can make in one go) and LIST_LENGTH.

        Lists are for a source streaming faster than real time: not live (a live
        buffer waits for its time), not synced to the clock downstream (see below),
        no controllers (they are synced per buffer), no pad probe that would miss
        the buffers of a list. They grow 1, 2, 4, ... from the start, a seek or a
        wait downstream: the first buffer comes as soon as alone (preroll), and a
        property set at preroll applies from the second buffer, as in C.
        """
        lists = self.lists
        if time.monotonic_ns() - lists.handed_at > lists.handed_ns // 2:
            # Downstream took the last buffers at about the pace of the stream (a
            # sink synced to the clock) or more slowly: one at a time again, so that
            # a property set now is heard as soon as in C.
            lists.made = 0
        if (
            most < 2
            or self.LIST_LENGTH < 2
            or self.settings.is_live
            or self._bindings.value
            or self._probed()
            or not self._lists_allowed()
        ):
            return 1
        count = min(most, self.LIST_LENGTH, 1 << lists.made)
        lists.made += 1
        return self._buffers_allowed(count) if count > 1 else 1

    def _lists_allowed(self) -> bool:
        """What a subclass adds to :meth:`_list_count`'s conditions, asked last
        (the costliest): True by default."""
        return True

    def _handed(self, count: int, ns: int, end: int) -> None:
        """What a create handed out: ``count`` buffers, ``ns`` of stream time, to the
        end time ``end``."""
        lists = self.lists
        lists.handed_at = time.monotonic_ns()
        lists.handed_ns = ns
        lists.end = end if count > 1 else None

    def _list_position(self, query: Gst.Query, end: int) -> bool:
        # GstBaseSrc takes its position from the first buffer of a list: after a
        # list, the end of its last buffer, as after the same buffers one by one.
        fmt = query.parse_position()[0]
        if fmt == Gst.Format.PERCENT:
            return bool(GstBase.BaseSrc.do_query(self, query))
        segment = self.segment
        if segment.stop != NONE64 and end > segment.stop:
            end = segment.stop
        position = segment.to_stream_time(Gst.Format.TIME, end)
        if fmt != Gst.Format.TIME and position != -1:
            ok, position = self.info.convert(Gst.Format.TIME, position, fmt)
            if not ok:
                return False
        query.set_position(fmt, position)
        return True

    def _segment_stop(self) -> int:
        """GstBaseSrc's segment's stop, read in place (NONE64: none)."""
        return ctypes.c_uint64.from_address(self._pointer + _SEGMENT_STOP).value

    def _probed(self) -> bool:
        """Whether a pad probe sits on the source pad or its peer: one that asks for
        buffers (Gst.PadProbeType.BUFFER) would not see the buffers of a list, so
        they go one at a time then, as in C."""
        pad = ctypes.c_void_p.from_address(self._pointer + _SRCPAD).value
        if not pad or ctypes.c_int.from_address(pad + _NUM_PROBES).value:
            return True
        peer = c.pad_get_peer(pad)
        if not peer:
            return False
        probed = ctypes.c_int.from_address(peer + _NUM_PROBES).value != 0
        c.object_unref(peer)
        return probed

    def _buffers_allowed(self, wanted: int) -> int:
        """How many buffers num-buffers lets one create call hand out, at most
        ``wanted``; GstBaseSrc counts each call as one buffer, so the others are
        taken off its counter here."""
        left = ctypes.c_int.from_address(self._pointer + _NUM_BUFFERS_LEFT)
        if left.value < 0:  # no limit
            return wanted
        n = min(wanted, left.value + 1)  # GstBaseSrc took one off before this call
        left.value -= n - 1
        return n

    def _reset_if_pending(self) -> None:
        if self._reset_pending:
            self._reset_pending = False
            self.reset()
