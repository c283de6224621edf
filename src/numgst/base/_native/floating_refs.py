"""Reference counts of Python elements created from C, made what GStreamer expects.

Two defects of PyGObject meet every Python element:

* Before 3.44, when C creates the object (gst-launch, ``parse_launch``,
  ``ElementFactory.make``), PyGObject's instance-init hook sinks the new object's
  floating reference for its wrapper, so the C caller gets a reference it does not own
  and GStreamer prints "The created element should be floating" (a CRITICAL, fatal
  under ``G_DEBUG=fatal-criticals``). PyGObject 3.44 (MR !129) takes one more
  reference for the wrapper and makes the object floating again; :func:`adopt` does the
  same on older versions.
* On every version, ``Gst.ElementFactory.make`` called from Python returns the wrapper
  that instance-init already made, and PyGObject never sinks the floating reference
  the factory handed back: an element made and dropped without joining a bin is never
  freed. :func:`adopt` watches that one call return (a profile hook on the creating
  thread, removed at once) and sinks the reference then, as PyGObject does for a
  wrapper it makes itself.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

import gi

from ..gst import Gst
from . import gobject as c

_go = c._gobject
_go.g_object_ref.argtypes = [ctypes.c_void_p]
_go.g_object_ref.restype = ctypes.c_void_p
_go.g_object_ref_sink.argtypes = [ctypes.c_void_p]
_go.g_object_ref_sink.restype = ctypes.c_void_p
_go.g_object_unref.argtypes = [ctypes.c_void_p]
_go.g_object_force_floating.argtypes = [ctypes.c_void_p]
_go.g_object_is_floating.argtypes = [ctypes.c_void_p]
_go.g_object_is_floating.restype = ctypes.c_int

#: PyGObject sinks the floating reference of objects created from C (fixed in 3.44).
SINKS_ON_CREATE = gi.version_info < (3, 44)

# The Python function behind Gst.ElementFactory.make (gst-python's override on 1.22
# and 1.26); None if some version makes it a plain GI function.
_MAKE = getattr(getattr(Gst.ElementFactory.make, "__func__", None), "__code__", None)


def adopt(obj: Any) -> None:
    """Call first thing in ``__init__``, before chaining up (see the module docstring).

    Does nothing for an object constructed from Python (it does not exist in C yet).
    """
    try:
        obj.__grefcount__  # noqa: B018 - raises while the C object does not exist yet
    except (TypeError, AttributeError, RuntimeError):
        return
    ptr = c.gobject_pointer(obj)
    if SINKS_ON_CREATE and not _go.g_object_is_floating(ptr):
        _go.g_object_ref(ptr)  # the wrapper's own reference
        _go.g_object_force_floating(ptr)  # the C caller's, floating as it expects
    if _MAKE is not None:
        _sink_after_make(ptr)


def _sink_after_make(ptr: int) -> None:
    """If ElementFactory.make (from Python) is creating this object, sink its floating
    reference when that call returns."""
    frame: Any = sys._getframe(1)
    while frame is not None and frame.f_code is not _MAKE:
        frame = frame.f_back
    if frame is None:
        return  # created by C or by parse_launch: a bin sinks the reference
    target = frame
    previous = sys.getprofile()

    def watch(f: Any, event: Any, arg: Any) -> Any:
        if f is target and event == "return":
            sys.setprofile(previous)
            if _go.g_object_is_floating(ptr):
                _go.g_object_ref_sink(ptr)  # now the wrapper's reference is the only one
                _go.g_object_unref(ptr)
        if previous is not None:
            return previous(f, event, arg)
        return None

    sys.setprofile(watch)
