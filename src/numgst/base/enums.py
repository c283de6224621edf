"""GEnum types declared from Python that work on every PyGObject we support.

A ``GObject.GEnum`` subclass defined in Python gets no GType before PyGObject 3.52, so a
property built on it fails. We register the enum with GObject's own
``g_enum_register_static`` through ctypes and wrap the new GType with ``gi._gi.enum_add``,
which gives the same Python enum class PyGObject makes for C enums.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Sequence

import gi._gi as _gi

from .gst import GObject

_libgobject = ctypes.CDLL(ctypes.util.find_library("gobject-2.0") or "libgobject-2.0.so.0")
_libgobject.g_enum_register_static.restype = ctypes.c_size_t
_libgobject.g_enum_register_static.argtypes = [ctypes.c_char_p, ctypes.c_void_p]


class _GEnumValue(ctypes.Structure):
    _fields_ = [
        ("value", ctypes.c_int),
        ("value_name", ctypes.c_char_p),
        ("value_nick", ctypes.c_char_p),
    ]


# GObject keeps pointers into these arrays and strings for the life of the process.
_keep_alive: list[object] = []


def register_enum(type_name: str, values: Sequence[tuple[int, str, str]]) -> type:
    """Register (or look up) a GEnum type and return its Python enum class.

    Parameters
    ----------
    type_name : str
        GType name, e.g. ``"GstAudioTestSrcPyWave"``; must be unique in the process.
    values : sequence of (value, name, nick)
        ``name`` is the human-readable description gst-inspect shows, ``nick`` the
        string accepted in gst-launch.
    """
    try:
        gtype = GObject.type_from_name(type_name)
    except RuntimeError:  # not registered yet
        gtype = None
    if gtype is None:
        table = (_GEnumValue * (len(values) + 1))()
        strings = []
        for i, (value, name, nick) in enumerate(values):
            name_b, nick_b = name.encode(), nick.encode()
            strings += [name_b, nick_b]
            table[i].value, table[i].value_name, table[i].value_nick = value, name_b, nick_b
        type_name_b = type_name.encode()
        _keep_alive.append((table, strings, type_name_b))
        _libgobject.g_enum_register_static(type_name_b, ctypes.addressof(table))
        gtype = GObject.type_from_name(type_name)
    enum: type = _gi.enum_add(gtype)
    return enum
