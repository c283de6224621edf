"""What the toolkit's sources share (``AudioSource``, ``VideoSource``): negotiation
with a Python fixation, times for live mode, seekability, ``reset()`` before the
first buffer after a start or a seek, and the LATENCY and CONVERT queries."""

from __future__ import annotations

from typing import Any

from ..base import INT64, ElementMixin, Prop
from ..base._native.borrowed_vfuncs import borrow_vfunc
from ..base.element import ElementMeta
from ..base.gst import GLib, Gst, GstBase

NONE64 = (1 << 64) - 1  # GST_CLOCK_TIME_NONE as the vfuncs see it


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
        answered = self.query_more(query)
        if answered is not None:
            return answered
        return bool(GstBase.BaseSrc.do_query(self, query))

    # -- for subclasses' fill -------------------------------------------------------------

    def _reset_if_pending(self) -> None:
        if self._reset_pending:
            self._reset_pending = False
            self.reset()
