"""The few GObject/GStreamer C functions PyGObject does not reach, through ctypes."""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable
from typing import Any

_gobject = ctypes.CDLL(ctypes.util.find_library("gobject-2.0") or "libgobject-2.0.so.0")
_GST_PATH = ctypes.util.find_library("gstreamer-1.0") or "libgstreamer-1.0.so.0"
_gst = ctypes.CDLL(_GST_PATH)
# The same library, its functions called without releasing the GIL: for the short
# calls of the per-buffer path (map, unmap, sizes, metas, copy_region). A CDLL call
# releases and retakes the GIL each time; with several Python elements streaming,
# every release hands the GIL to another thread and back (a context switch per call).
# None of these calls back into Python or waits on another thread.
_gst_held = ctypes.PyDLL(_GST_PATH)

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
    ctypes.c_void_p,
    ctypes.c_char_p,
    ctypes.c_uint64,
    ctypes.c_uint64,
    ctypes.c_uint,
    ctypes.c_void_p,
]

memory_view = ctypes.pythonapi.PyMemoryView_FromMemory
memory_view.restype = ctypes.py_object
memory_view.argtypes = [ctypes.c_void_p, ctypes.c_ssize_t, ctypes.c_int]
PYBUF_READ, PYBUF_WRITE = 0x100, 0x200

_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]


def gobject_pointer(obj: Any) -> int:
    """Address of the C GObject behind a PyGObject wrapper."""
    return int(_capsule_pointer(obj.__gpointer__, None))


class GstMapInfo(ctypes.Structure):
    _fields_ = [
        ("memory", ctypes.c_void_p),
        ("flags", ctypes.c_int),
        ("data", ctypes.c_void_p),
        ("size", ctypes.c_size_t),
        ("maxsize", ctypes.c_size_t),
        ("user_data", ctypes.c_void_p * 4),
        ("_gst_reserved", ctypes.c_void_p * 4),
    ]


buffer_map = _gst.gst_buffer_map
buffer_map.restype = ctypes.c_int
buffer_map.argtypes = [ctypes.c_void_p, ctypes.POINTER(GstMapInfo), ctypes.c_int]
buffer_unmap = _gst.gst_buffer_unmap
buffer_unmap.restype = None
buffer_unmap.argtypes = [ctypes.c_void_p, ctypes.POINTER(GstMapInfo)]
# The same two without argtypes, for the per-buffer path: ctypes' argument checking
# costs more than the C calls (0.26 against 0.64 us a call, measured here). Their
# arguments must already be ctypes objects: (c_void_p, byref(GstMapInfo), int).
buffer_map_unchecked = _gst_held["gst_buffer_map"]
buffer_unmap_unchecked = _gst_held["gst_buffer_unmap"]
buffer_copy_region = _gst_held.gst_buffer_copy_region
buffer_copy_region.restype = ctypes.c_void_p
buffer_copy_region.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t, ctypes.c_ssize_t]
BUFFER_COPY_MEMORY, BUFFER_COPY_DEEP = 1 << 3, 1 << 5  # GstBufferCopyFlags
mini_object_unref = _gst.gst_mini_object_unref
mini_object_unref.restype = None
mini_object_unref.argtypes = [ctypes.c_void_p]
buffer_set_size = _gst_held.gst_buffer_set_size
buffer_set_size.restype = None
buffer_set_size.argtypes = [ctypes.c_void_p, ctypes.c_ssize_t]
buffer_get_size = _gst_held.gst_buffer_get_size
buffer_get_size.restype = ctypes.c_size_t
buffer_get_size.argtypes = [ctypes.c_void_p]


def _boxed_pointer_by_hash(boxed: object) -> int:
    # PyGObject hashes a boxed wrapper (Gst.Buffer, ...) by its C pointer.
    return hash(boxed)


def _boxed_pointer_by_layout(boxed: object) -> int:
    # PyGBoxed: PyObject_HEAD, then the boxed pointer.
    return ctypes.c_void_p.from_address(id(boxed) + 2 * ctypes.sizeof(ctypes.c_void_p)).value or 0


def _pick_boxed_pointer() -> Callable[[object], int]:
    from ..gst import Gst

    probe = Gst.Buffer.new_allocate(None, 4321, None)
    for way in (_boxed_pointer_by_hash, _boxed_pointer_by_layout):
        try:
            if buffer_get_size(way(probe)) == 4321:
                return way
        except Exception:  # noqa: BLE001,S112 - try the next way
            continue
    raise ImportError("cannot find the C pointer of a Gst.Buffer on this PyGObject")


boxed_pointer = _pick_boxed_pointer()


def field_offset(namespace: str, type_name: str, field: str) -> int:
    """Byte offset of a public C struct field, as GObject Introspection knows it."""
    import gi._gi as _gi

    info = _gi.Repository.get_default().find_by_name(namespace, type_name)
    for f in info.get_fields():
        if f.get_name() == field:
            return int(f.get_offset())
    raise LookupError(f"{namespace}.{type_name} has no field {field}")


def _class_member(gtype: Any, namespace: str, struct: str, field: str) -> int:
    # PyGObject hashes a GType by its value.
    return int(class_ref(hash(gtype))) + field_offset(namespace, struct, field)


def class_field(gtype: Any, namespace: str, struct: str, field: str) -> ctypes.c_int:
    """The gboolean or gint ``field`` of the class structure ``namespace.struct`` in
    the class of ``gtype``, as a writable ctypes view."""
    return ctypes.c_int.from_address(_class_member(gtype, namespace, struct, field))


def class_slot(gtype: Any, namespace: str, struct: str, field: str) -> ctypes.c_void_p:
    """The function pointer ``field`` of the class structure ``namespace.struct`` in
    the class of ``gtype`` (a GObject.GType), as a writable ctypes view."""
    return ctypes.c_void_p.from_address(_class_member(gtype, namespace, struct, field))


buffer_get_meta = _gst_held.gst_buffer_get_meta
buffer_get_meta.restype = ctypes.c_void_p
buffer_get_meta.argtypes = [ctypes.c_void_p, ctypes.c_size_t]

_gstaudio = ctypes.PyDLL(ctypes.util.find_library("gstaudio-1.0") or "libgstaudio-1.0.so.0")
audio_meta_api_type = _gstaudio.gst_audio_meta_api_get_type
audio_meta_api_type.restype = ctypes.c_size_t
audio_meta_api_type.argtypes = []
buffer_add_audio_meta = _gstaudio.gst_buffer_add_audio_meta
buffer_add_audio_meta.restype = ctypes.c_void_p
buffer_add_audio_meta.argtypes = [
    ctypes.c_void_p,
    ctypes.c_void_p,
    ctypes.c_size_t,
    ctypes.c_void_p,
]

# -- buffer lists, for sources that hand out several buffers per call ---------------
# Called once per buffer of a list: unchecked (no argtypes), their arguments already
# ctypes objects, as buffer_map_unchecked above.
buffer_list_insert_unchecked = _gst_held["gst_buffer_list_insert"]
buffer_list_insert_unchecked.restype = None
buffer_list_insert = _gst_held.gst_buffer_list_insert
buffer_list_insert.restype = None
buffer_list_insert.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
buffer_copy_region_unchecked = _gst_held["gst_buffer_copy_region"]
buffer_copy_region_unchecked.restype = ctypes.c_void_p
buffer_list_new_sized = _gst_held.gst_buffer_list_new_sized
buffer_list_new_sized.restype = ctypes.c_void_p
buffer_list_new_sized.argtypes = [ctypes.c_uint]
object_unref = _gst.gst_object_unref
object_unref.restype = None
object_unref.argtypes = [ctypes.c_void_p]
_gstbase = ctypes.PyDLL(ctypes.util.find_library("gstbase-1.0") or "libgstbase-1.0.so.0")
base_src_submit_buffer_list = _gstbase.gst_base_src_submit_buffer_list
base_src_submit_buffer_list.restype = None
base_src_submit_buffer_list.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
base_src_get_buffer_pool = _gstbase.gst_base_src_get_buffer_pool
base_src_get_buffer_pool.restype = ctypes.c_void_p
base_src_get_buffer_pool.argtypes = [ctypes.c_void_p]
base_src_get_allocator = _gstbase.gst_base_src_get_allocator
base_src_get_allocator.restype = None
base_src_get_allocator.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]


class GstAllocationParams(ctypes.Structure):
    _fields_ = [
        ("flags", ctypes.c_int),
        ("align", ctypes.c_size_t),
        ("prefix", ctypes.c_size_t),
        ("padding", ctypes.c_size_t),
        ("_gst_reserved", ctypes.c_void_p * 4),
    ]


pad_get_peer = _gst_held.gst_pad_get_peer
pad_get_peer.restype = ctypes.c_void_p
pad_get_peer.argtypes = [ctypes.c_void_p]
buffer_new_wrapped_full = _gst_held.gst_buffer_new_wrapped_full
buffer_new_wrapped_full.restype = ctypes.c_void_p
buffer_new_wrapped_full.argtypes = [
    ctypes.c_int,
    ctypes.c_void_p,
    ctypes.c_size_t,
    ctypes.c_size_t,
    ctypes.c_size_t,
    ctypes.c_void_p,
    ctypes.c_void_p,
]
buffer_list_copy_deep = _gst_held.gst_buffer_list_copy_deep
buffer_list_copy_deep.restype = ctypes.c_void_p
buffer_list_copy_deep.argtypes = [ctypes.c_void_p]
