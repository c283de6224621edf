"""Exceptions inside vfuncs reach the bus, whatever they are, and stop the element.

PyGObject prints and swallows an exception raised in a vfunc; ``do_fill`` then returns
FLOW_OK and the pipeline runs on with uninitialised memory. ``SystemExit`` raised on a
streaming thread is worse: it starts interpreter shutdown there and the pipeline
hangs. So every vfunc of a numgst element runs inside a guard that catches
*BaseException*, posts an element ERROR whose debug text is the traceback, and returns
the vfunc's failure value (FLOW_ERROR, False, STATE_CHANGE_FAILURE, ...).

After an ERROR the element is *failed*: its flow vfuncs (fill, create, transform,
chain) return FLOW_ERROR without running until it starts again, so an ERROR always
stops the data, as it does for a C element.

The failure value of a vfunc comes from its GObject Introspection signature (see
:func:`failure_value`), so :func:`guard` needs no table of vfuncs.
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from typing import Any

from gi._gi import VFuncInfo

from ._native.thread_state import pin_thread_state
from .gst import GLib, Gst

_FLOW_ERROR = Gst.FlowReturn.ERROR
_FAILED = "_numgst_failed"  # instance attribute: an ERROR was posted since start
_IN, _VOID, _BOOLEAN, _INTERFACE = 0, "void", "gboolean", "interface"


class PropertyRefusedError(ValueError):
    """Raised by a property's ``apply`` hook to refuse a value: the property keeps its
    old value and the element posts a WARNING saying why (as GLib warns about a value
    out of range), without failing."""


def post_error(
    element: Gst.Element,
    text: str,
    debug: str | None = None,
    domain: GLib.Quark | None = None,
    code: int = Gst.StreamError.FAILED,
    where: traceback.FrameSummary | None = None,
    kind: Gst.MessageType = Gst.MessageType.ERROR,
) -> None:
    """Post an element ERROR (or WARNING) message, as GST_ELEMENT_ERROR does in C.

    ``where`` is the source location the message names; the caller's by default.
    An ERROR also marks the element failed (see the module docstring).
    """
    if where is None:
        where = traceback.extract_stack(limit=2)[0]
    if kind == Gst.MessageType.ERROR:
        mark_failed(element)
    element.message_full(
        kind,
        domain if domain is not None else Gst.StreamError.quark(),
        code,
        text,
        debug,
        where.filename,
        where.name,
        where.lineno or 0,
    )


def mark_failed(element: object, failed: bool = True) -> None:
    """Set (or clear, at start) the element's failed state."""
    try:
        object.__setattr__(element, _FAILED, failed)
    except (AttributeError, TypeError):  # not a Python-side object: nothing to latch
        pass


def is_failed(element: object) -> bool:
    return getattr(element, _FAILED, False)


def report_exception(element: Gst.Element, where: str, exc: BaseException) -> None:
    """Post ``exc`` (being handled) as an element ERROR; never raises."""
    try:
        tb = exc.__traceback__
        frames = traceback.extract_tb(tb) if tb is not None else []
        post_error(
            element,
            f"{type(exc).__name__} in {where}: {exc}",
            "".join(traceback.format_exception(type(exc), exc, tb)),
            where=frames[-1] if frames else None,
        )
    except BaseException:  # noqa: BLE001 - the last resort must not raise into C
        mark_failed(element)
        try:
            sys.stderr.write(f"numgst: could not post the error from {where}:\n")
            traceback.print_exc()
        except BaseException:  # noqa: BLE001,S110
            pass


def guard(
    fn: Callable[..., Any],
    failure: Any,
    where: str | None = None,
    flow: bool = False,
    resets: bool = False,
) -> Callable[..., Any]:
    """Wrap ``fn(self, *args)`` so that any BaseException becomes a bus ERROR and
    ``failure``.

    ``failure`` may be a callable ``failure(self, *args)`` giving the value at that
    time (it must not raise).
    ``flow``: a data-flow vfunc, skipped (returning ``failure``) once the element has
    failed. ``resets``: the vfunc starts the element (``start``): it clears the failed
    state first. The calling thread's Python state is kept alive (see
    :mod:`._native.thread_state`), so a streaming thread stops paying for a new one per buffer.
    """
    if getattr(fn, "__numgst_guarded__", False):
        return fn
    name = where or fn.__name__
    dynamic = callable(failure)

    @functools.wraps(fn)
    def guarded(self: Any, *args: Any) -> Any:
        try:
            pin_thread_state()
            if resets:
                mark_failed(self, False)
            elif flow and getattr(self, _FAILED, False):
                return failure
            return fn(self, *args)
        except BaseException as exc:  # noqa: BLE001 - every exception must reach the bus
            report_exception(self, name, exc)
            return failure(self, *args) if dynamic else failure

    guarded.__numgst_guarded__ = True  # type: ignore[attr-defined]
    return guarded


def vfunc(failure: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a vfunc so that any exception becomes a bus ERROR and ``failure``.

    Elements built on :class:`numgst.base.ElementMixin` get this for every ``do_*``
    method without decorating; use it for an explicit failure value, or for pad
    functions and other callbacks.
    """
    flow = isinstance(failure, Gst.FlowReturn)
    return lambda fn: guard(fn, failure, flow=flow)


# -- failure values from the vfunc's signature ---------------------------------------


def _zero_of(type_info: Any) -> Any:
    tag = type_info.get_tag_as_string()
    if tag == _BOOLEAN:
        return False
    if tag == _INTERFACE:
        iface = type_info.get_interface()
        name = iface.get_name() if iface is not None else ""
        if name == "FlowReturn":
            return _FLOW_ERROR
        if name == "StateChangeReturn":
            return Gst.StateChangeReturn.FAILURE
        return None
    if tag in ("gfloat", "gdouble"):
        return 0.0
    if tag.startswith(("gint", "guint", "glong", "gulong", "gsize", "gssize")):
        return 0
    return None


def failure_value(info: VFuncInfo) -> Any:
    """What a failed vfunc returns to PyGObject, from its introspected signature.

    The return value's failure (False, FLOW_ERROR, STATE_CHANGE_FAILURE, None) followed
    by zeros for out arguments, in the tuple form PyGObject expects.
    """
    ret = info.get_return_type()
    outs = [_zero_of(a.get_type()) for a in info.get_arguments() if a.get_direction() != _IN]
    if ret.get_tag_as_string() == _VOID:
        if not outs:
            return None
        return outs[0] if len(outs) == 1 else tuple(outs)
    first = _zero_of(ret)
    return (first, *outs) if outs else first


def _seek_failure(element: Any, *_args: Any) -> bool:
    # GstBaseSrc's initial seek (at start, before the streaming task exists) starts the
    # task even when the seek fails, then stops the element under it: the task runs
    # on a stopped source and NULL can deadlock. Report success there; the element is
    # failed, so the first fill ends the stream with FLOW_ERROR after our ERROR. A
    # seek on a running source fails normally.
    pad = element.get_static_pad("src")
    return pad is not None and pad.get_task_state() == Gst.TaskState.STOPPED


def _change_state_failure(element: Any, transition: Gst.StateChange) -> Any:
    # Going down must not fail: pads are deactivated and streaming threads joined by
    # the parent class's change_state, which the failed Python one did not reach.
    if int(transition) & 0x7 <= (int(transition) >> 3) & 0x7:  # next <= current
        parent: Any = next(b for b in type(element).__mro__ if _is_gi_class(b))
        try:
            return parent.do_change_state(element, transition)
        except BaseException:  # noqa: BLE001 - best effort, never into C
            return Gst.StateChangeReturn.FAILURE
    return Gst.StateChangeReturn.FAILURE


def _is_gi_class(cls: type) -> bool:
    return cls.__module__.startswith("gi.") and "do_change_state" in dir(cls)


# Where the signature alone does not give a safe answer. Stopping must succeed (the
# error is on the bus; a failed stop leaves pads active: "very bad" says GStreamer).
SPECIAL_FAILURES: dict[tuple[str, str], Any] = {
    ("BaseSrc", "do_get_times"): (Gst.CLOCK_TIME_NONE, Gst.CLOCK_TIME_NONE),
    ("BaseSrc", "do_do_seek"): _seek_failure,
    ("BaseSrc", "do_stop"): True,
    ("BaseTransform", "do_stop"): True,
    ("BaseSink", "do_stop"): True,
    ("Element", "do_change_state"): _change_state_failure,
}
# vfuncs that (re)start an element: its failed state is cleared when they run.
STARTS = frozenset({"do_start"})


def guard_vfuncs(cls: type) -> None:
    """Guard every ``do_*`` vfunc defined in ``cls``'s own body (see :func:`guard`)."""
    for name, fn in list(vars(cls).items()):
        if (
            not name.startswith("do_")
            or not callable(fn)
            or getattr(fn, "__numgst_guarded__", False)
        ):
            continue
        found = _vfunc_info(cls, name)
        if found is None:
            continue  # do_get_property and friends: PyGObject's own, guarded elsewhere
        owner, info = found
        failure = SPECIAL_FAILURES.get((owner, name), None)
        if failure is None:
            failure = failure_value(info)
        flow = failure is _FLOW_ERROR or (
            isinstance(failure, tuple) and failure and failure[0] is _FLOW_ERROR
        )
        setattr(cls, name, guard(fn, failure, where=name, flow=bool(flow), resets=name in STARTS))


def _vfunc_info(cls: type, name: str) -> tuple[str, VFuncInfo] | None:
    """The vfunc ``name`` overrides: ``do_fill``, or the long form PyGObject asks for
    when two classes have a vfunc of that name (``do_gst_base_src_query``)."""
    for base in cls.__mro__[1:]:
        info = base.__dict__.get(name)
        if isinstance(info, VFuncInfo):
            return base.__name__, info
        gtype = getattr(base, "__gtype__", None)
        if gtype is not None and base.__module__.startswith("gi."):
            prefix = f"do_{_snake(gtype.name)}_"
            if name.startswith(prefix):
                info = base.__dict__.get("do_" + name[len(prefix) :])
                if isinstance(info, VFuncInfo):
                    return base.__name__, info
    return None


def _snake(type_name: str) -> str:
    """GstBaseSrc -> gst_base_src."""
    return "".join(
        "_" + ch.lower() if ch.isupper() and i else ch.lower() for i, ch in enumerate(type_name)
    )
