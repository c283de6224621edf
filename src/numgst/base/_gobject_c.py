"""The few GObject/GStreamer C functions PyGObject does not reach, through ctypes."""

from __future__ import annotations

import ctypes
import ctypes.util

_gobject = ctypes.CDLL(ctypes.util.find_library("gobject-2.0") or "libgobject-2.0.so.0")
_gst = ctypes.CDLL(ctypes.util.find_library("gstreamer-1.0") or "libgstreamer-1.0.so.0")

class_ref = _gobject.g_type_class_ref
class_ref.restype = ctypes.c_void_p
class_ref.argtypes = [ctypes.c_size_t]

param_spec_double = _gobject.g_param_spec_double
param_spec_double.restype = ctypes.c_void_p
param_spec_double.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_double] * 3 + [ctypes.c_int]

param_spec_array = _gst.gst_param_spec_array
param_spec_array.restype = ctypes.c_void_p
param_spec_array.argtypes = [ctypes.c_char_p] * 3 + [ctypes.c_void_p, ctypes.c_int]

install_property = _gobject.g_object_class_install_property
install_property.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_void_p]

object_get_value_array = _gst.gst_object_get_value_array
object_get_value_array.restype = ctypes.c_int
object_get_value_array.argtypes = [
    ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_uint,
    ctypes.c_void_p,
]

_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def gobject_pointer(obj: object) -> int:
    """Address of the C GObject behind a PyGObject wrapper."""
    return _capsule_pointer(obj.__gpointer__, None)
