"""Per-buffer vfuncs called through ctypes, not through PyGObject's marshalling.

PyGObject calls a Python vfunc through a generic closure: it wraps every argument
(a new ``Gst.Buffer`` wrapper each call), looks the method up by name and converts
the return value. On GstBaseSrc's ``fill``, measured on an empty method (thread
state pinned, 100000 buffers): PyGObject 8.4 us a call where a ``ctypes.CFUNCTYPE``
written into the class structure costs 1.5 us (Debian 12, PyGObject 3.42; the
quicker machine of ``./run bench floor`` shows 2.3 against 1.2). The ctypes callback
gets plain pointers, so the element is found from its pointer in a table filled when
the instance is made (weak references: the table never keeps an element alive), and
the method it calls works on the buffer's pointer.

What PyGObject's closure and numgst's vfunc guard (:mod:`numgst.base.errors`) give,
the callbacks here give too: the calling thread's Python state is pinned, any
exception (BaseException included) becomes a bus ERROR and FLOW_ERROR, and a failed
element returns FLOW_ERROR without running. The callbacks are module globals, alive
as long as the interpreter.

A class gets a ctypes vfunc only where it does not define the PyGObject one itself
(a subclass's own ``do_fill`` keeps PyGObject's closure, and works as before); the
base's ``do_<field>`` stays for that case and for direct calls, and only converts
the arguments to pointers.
"""

from __future__ import annotations

import ctypes
import weakref
from typing import Any

from ..errors import report_exception
from ..gst import GstBase
from . import gobject as c
from .thread_state import pin_thread_state

_FLOW_ERROR = -5  # GST_FLOW_ERROR
_FAILED = "_numgst_failed"  # errors.py's failed state

# GstFlowReturn (*fill) (GstBaseSrc *src, guint64 offset, guint size, GstBuffer *buf)
_P = ctypes.c_void_p
FILL = ctypes.CFUNCTYPE(ctypes.c_int, _P, ctypes.c_uint64, ctypes.c_uint, _P)
# GstFlowReturn (*transform_ip) (GstBaseTransform *trans, GstBuffer *buf)
TRANSFORM_IP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
# GstFlowReturn (*transform) (GstBaseTransform *trans, GstBuffer *inbuf, GstBuffer *outbuf)
TRANSFORM = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)

# GstFlowReturn (*create) (GstBaseSrc *src, guint64 offset, guint size, GstBuffer **buf),
# and alloc, which has the same signature
CREATE = ctypes.CFUNCTYPE(ctypes.c_int, _P, ctypes.c_uint64, ctypes.c_uint, ctypes.POINTER(_P))
# GstFlowReturn (*render) (GstBaseSink *sink, GstBuffer *buffer)
RENDER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
# gboolean (*aggregate_one_buffer) (GstAudioAggregator *aagg, GstAudioAggregatorPad *pad,
#     GstBuffer *inbuf, guint in_offset, GstBuffer *outbuf, guint out_offset,
#     guint num_frames)
_U = ctypes.c_uint
AGGREGATE_ONE = ctypes.CFUNCTYPE(ctypes.c_int, _P, _P, _P, _U, _P, _U, _U)
# GstFlowReturn (*finish_buffer) (GstAggregator *aggregator, GstBuffer *buffer): the
# buffer is the callee's (transfer full)
FINISH = ctypes.CFUNCTYPE(ctypes.c_int, _P, _P)

_elements: dict[int, weakref.ref[Any]] = {}


def adopt(element: Any) -> None:
    """Let the ctypes vfuncs find ``element`` from its C pointer."""
    ptr = c.gobject_pointer(element)

    def gone(ref: weakref.ref[Any], ptr: int = ptr) -> None:
        if _elements.get(ptr) is ref:  # not a newer element at the same address
            del _elements[ptr]

    _elements[ptr] = weakref.ref(element, gone)


def _call(ptr: int | None, method: str, where: str, *args: Any, failed: int = _FLOW_ERROR) -> int:
    """``element.method(*args)`` for the element at ``ptr``; ``failed`` (what the
    vfunc returns for an error) where there is none, it failed before or raises."""
    ref = _elements.get(ptr or 0)
    element = ref() if ref is not None else None
    if element is None:
        return failed
    try:
        pin_thread_state()
        if getattr(element, _FAILED, False):
            return failed
        return int(getattr(element, method)(*args))
    except BaseException as exc:  # noqa: BLE001 - every exception must reach the bus
        report_exception(element, where, exc)
        return failed


@FILL
def _fill(src: int | None, offset: int, length: int, buf: int | None) -> int:
    return _call(src, "native_fill", "do_fill", buf or 0, offset, length)


@TRANSFORM_IP
def _transform_ip(trans: int | None, buf: int | None) -> int:
    return _call(trans, "native_transform_ip", "do_transform_ip", buf or 0)


@TRANSFORM
def _transform(trans: int | None, inbuf: int | None, outbuf: int | None) -> int:
    return _call(trans, "native_transform", "do_transform", inbuf or 0, outbuf or 0)


@CREATE
def _create(src: int | None, offset: int, length: int, buf: Any) -> int:
    return _call(src, "native_create", "do_create", offset, length, buf)


@RENDER
def _render(sink: int | None, buf: int | None) -> int:
    return _call(sink, "native_render", "do_render", buf or 0)


@AGGREGATE_ONE
def _aggregate_one_buffer(
    agg: int | None,
    pad: int | None,
    inbuf: int | None,
    in_offset: int,
    outbuf: int | None,
    out_offset: int,
    num_frames: int,
) -> int:
    args = (pad or 0, inbuf or 0, in_offset, outbuf or 0, out_offset, num_frames)
    return _call(agg, "native_aggregate_one_buffer", "do_aggregate_one_buffer", *args, failed=0)


_KEPT = -(1 << 30)  # no GstFlowReturn: the method was not called, or raised


@FINISH
def _finish_buffer(agg: int | None, buf: int | None) -> int:
    # The buffer is ours: native_finish_buffer passes it on (its last step), so
    # when it did not run or raised, nobody else will free it.
    flow = _call(agg, "native_finish_buffer", "do_finish_buffer", buf or 0, failed=_KEPT)
    if flow == _KEPT:
        c.mini_object_unref(buf)
        return _FLOW_ERROR
    return flow


#: vfunc field -> (class structure, callback)
CALLBACKS: dict[str, tuple[tuple[str, str], Any]] = {
    "fill": (("GstBase", "BaseSrcClass"), _fill),
    "transform_ip": (("GstBase", "BaseTransformClass"), _transform_ip),
    "transform": (("GstBase", "BaseTransformClass"), _transform),
    "render": (("GstBase", "BaseSinkClass"), _render),
    "create": (("GstBase", "BaseSrcClass"), _create),
    "aggregate_one_buffer": (("GstAudio", "AudioAggregatorClass"), _aggregate_one_buffer),
    "finish_buffer": (("GstBase", "AggregatorClass"), _finish_buffer),
}


def class_vfunc(cls: Any, struct: tuple[str, str], field: str, prototype: Any) -> Any:
    """The C function in ``cls``'s class structure ``struct`` at slot ``field`` (what
    GStreamer would call), callable through ctypes as ``prototype``; None if the
    slot is empty. For chaining to another implementation (GstBaseSrc's alloc)."""
    address = c.class_slot(cls.__gtype__, *struct, field).value
    return prototype(address) if address else None


def install(cls: Any, field: str) -> bool:
    """Put the ctypes callback for vfunc ``field`` in ``cls``'s class structure in
    place of PyGObject's closure; True if it did.

    Only where the class's ``do_<field>`` is the one defined beside a
    ``native_<field>`` method (which takes the arguments' pointers): a class with a
    ``do_<field>`` of its own keeps it.
    """
    struct, callback = CALLBACKS[field]
    slot = c.class_slot(cls.__gtype__, *struct, field)
    ours = ctypes.cast(callback, ctypes.c_void_p).value
    if not _own(cls, field) or any(not _own(cls, f) for f in _CALLS.get(field, ())):
        if slot.value == ours and field in _CALLS:
            # Inherited from a parent class that has it (GObject copies the parent's
            # class structure): back to the C base class's own, which calls this
            # class's vfuncs.
            slot.value = c.class_slot(_C_BASE[struct].__gtype__, *struct, field).value
        return False
    if not slot.value:
        # Only PyGObject's closure is replaced: an empty slot means something to the
        # base class (GstBaseTransform is in place only with a transform_ip).
        return False
    slot.value = ours
    return True


# What a native method calls in place of other vfuncs: the base's create calls
# native_fill, so a class with a do_fill of its own keeps PyGObject's create too.
_CALLS = {"create": ("fill",)}
_C_BASE = {("GstBase", "BaseSrcClass"): GstBase.BaseSrc}


def _own(cls: type, field: str) -> bool:
    """Whether ``cls``'s ``do_<field>`` is the one beside its ``native_<field>``."""
    owner = _definer(cls, "native_" + field)
    return owner is not None and _definer(cls, "do_" + field) is _definer(owner, "do_" + field)


def _definer(cls: type, name: str) -> type | None:
    # Not getattr: GI gives a new VFuncInfo on every lookup of an inherited vfunc.
    return next((k for k in cls.__mro__ if name in vars(k)), None)


_installed: set[type] = set()


def take_over(element: Any, *fields: str) -> bool:
    """Make ``element`` findable by the callbacks, and install them for its class
    the first time one is made (by then PyGObject has filled the class structure);
    True that first time, for a caller with more to set in the class structure.
    """
    cls = type(element)
    first = cls not in _installed
    if first:
        _installed.add(cls)
        for field in fields:
            install(cls, field)
    adopt(element)
    return first
