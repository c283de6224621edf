"""What the toolkit's filters share (``AudioFilter``, ``VideoFilter``): in place or
not, controllers synced to each buffer's stream time, ``passthrough()`` asked before
each buffer, ``reset()`` when streaming starts and after a flush."""

from __future__ import annotations

from typing import Any

from ..base import ElementMixin
from ..base._native import ctypes_vfuncs
from ..base._native import gobject as c
from ..base.control import bindings
from ..base.element import ElementMeta
from ..base.gst import Gst, GstBase
from . import _common

_NONE = Gst.CLOCK_TIME_NONE
_FLUSH_STOP = Gst.EventType.FLUSH_STOP
_EOS = Gst.EventType.EOS


class Filter(ElementMixin, GstBase.BaseTransform, metaclass=ElementMeta):
    """Base of the toolkit's filters (see the module docstring)."""

    __gtype_name__ = "NumgstFilter"
    IN_PLACE = True

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if not cls.__module__.startswith("numgst.toolkit"):  # the classes users write
            base = next(b for b in cls.__mro__[1:] if b.__module__.startswith("numgst.toolkit"))
            # Python vfuncs cost a call each: before_transform only for classes with
            # controllable properties or a passthrough() to ask, sink_event only for
            # those that reset state or drain what they hold. Installed before the
            # base layer guards every do_* method.
            if "do_before_transform" not in vars(cls) and (
                _common.has_controllable(cls) or _common.overrides(cls, base, "passthrough")
            ):
                cls.do_before_transform = Filter._before_transform
            if "do_sink_event" not in vars(cls) and _common.overrides(cls, base, "reset", "drain"):
                cls.do_sink_event = Filter._sink_event
            if _common.overrides(cls, base, "latency"):
                # GstElement has a query vfunc too: PyGObject takes the long name.
                cls.do_gst_base_transform_query = Filter._query
        super().__init_subclass__(**kwargs)

    def __init__(self) -> None:
        super().__init__()
        if ctypes_vfuncs.take_over(self, "transform_ip", "transform"):
            # GstBaseTransform would call transform_ip on passthrough buffers too, to
            # let an element look at them; a toolkit filter's passthrough means
            # "transform() is not called", so the base class skips it and no buffer
            # pays for asking is_passthrough().
            c.class_field(
                type(self).__gtype__, "GstBase", "BaseTransformClass", "transform_ip_on_passthrough"
            ).value = 0
        self._bindings = bindings(self)
        self._who = f"{type(self).__name__}.transform()"  # what errors name
        self._pts = 0  # the buffer being processed, as the controllers see it
        self.set_in_place(self.IN_PLACE)

    # -- hooks --------------------------------------------------------------------------

    def passthrough(self) -> bool:
        """True when the output would equal the input (``transform`` is skipped)."""
        return False

    def reset(self) -> None:
        """Forget the state kept between buffers: called when streaming starts and
        after a flush (a flushing seek), before the next buffer."""

    def caps_changed(self) -> None:
        """Called after new caps are set."""

    def latency(self) -> int:
        """How late (ns) the output is behind the input, for a filter that holds
        samples back: added to the LATENCY query's answer, so a live pipeline waits
        for it. Asked on every query; by default 0."""
        return 0

    def _at_eos(self) -> None:
        """What a filter does at EOS before passing it on (audio: drain)."""

    # -- installed by the subclasses' __init_subclass__ where needed --------------------

    def _before_transform(self, buf: Gst.Buffer) -> None:
        pts = buf.pts
        if pts != _NONE:
            self._pts = pts
            if self._bindings.value:  # controllers bound: values for this buffer
                t = self.segment.to_stream_time(Gst.Format.TIME, pts)
                if t != _NONE:
                    self.sync_values(t)
        self.set_passthrough(bool(self.passthrough()))

    def _query(self, direction: Gst.PadDirection, query: Gst.Query) -> bool:
        ok = bool(GstBase.BaseTransform.do_query(self, direction, query))
        if ok and direction == Gst.PadDirection.SRC and query.type == Gst.QueryType.LATENCY:
            live, low, high = query.parse_latency()
            add = int(self.latency())
            query.set_latency(live, low + add, high if high == _NONE else high + add)
        return ok

    def _sink_event(self, event: Gst.Event) -> bool:
        if event.type == _FLUSH_STOP:
            self.reset()
        elif event.type == _EOS:
            self._at_eos()
        return bool(GstBase.BaseTransform.do_sink_event(self, event))

    # -- GstBaseTransform ----------------------------------------------------------------

    def do_start(self) -> bool:
        self.reset()
        return True

    def _caps_set(self) -> bool:
        """After a subclass took the caps: the hook, then passthrough asked."""
        # Again here: when C creates the element, __init__ runs while the instance's
        # class is still NumgstFilter's, which has no transform_ip, and GstBaseTransform
        # ignores set_in_place(True) then.
        self.set_in_place(self.IN_PLACE)
        self.caps_changed()
        self.set_passthrough(bool(self.passthrough()))
        return True
