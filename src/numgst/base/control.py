"""Controlled property values for every sample, not just once per buffer.

``gst_object_sync_values`` (what C elements call per buffer) gives one value per
buffer. ``gst_object_get_value_array`` gives a value per sample, but its GI binding
takes the output as an input list and the values never reach Python. We call it
through ctypes with a numpy array as the destination instead: one C call per buffer,
no Python loop, values already converted to the property's units by the binding.
"""

from __future__ import annotations

import ctypes

import numpy as np

from ._native import gobject as c
from .gst import Gst

_CONTROL_BINDINGS = c.field_offset("Gst", "Object", "control_bindings")


def bindings(obj: Gst.Object) -> ctypes.c_void_p:
    """GstObject's public ``control_bindings`` list of ``obj``, read in place: its
    ``.value`` is true when something is bound (see :func:`sync_values`). Make it
    once per element; reading it costs no call into GObject."""
    return ctypes.c_void_p.from_address(c.gobject_pointer(obj) + _CONTROL_BINDINGS)


def sync_values(obj: Gst.Object, timestamp: int) -> None:
    """``obj.sync_values(timestamp)``, skipped when nothing is bound.

    C elements call gst_object_sync_values for every buffer; it returns at once
    without control bindings, but from Python the call alone costs a few
    microseconds. GstObject's public ``control_bindings`` list, read in place, says
    whether there is anything to sync.
    """
    if ctypes.c_void_p.from_address(c.gobject_pointer(obj) + _CONTROL_BINDINGS).value:
        obj.sync_values(timestamp)


def value_array(obj: Gst.Object, prop: bytes, start: int, interval: int, out: np.ndarray) -> bool:
    """Fill ``out`` (float64) with a controlled double property's values.

    Parameters
    ----------
    obj : Gst.Object
        The element whose property is bound to a control source.
    prop : bytes
        Property name, e.g. ``b"freq"``.
    start : int
        Time of ``out[0]`` in nanoseconds (the buffer's timestamp).
    interval : int
        Nanoseconds between samples (``Gst.SECOND // rate``).
    out : ndarray of float64, C-contiguous
        Receives one value per sample, in the property's units.

    Returns
    -------
    bool
        False when the property has no control binding (``out`` is then untouched).

    Notes
    -----
    The values hold the property's range, as values set once per buffer do (GLib
    refuses those): a control source beyond it is clamped to it, and NaN becomes the
    property's current value.
    """
    if out.dtype != np.float64 or not out.flags.c_contiguous:
        raise ValueError("value_array needs a C-contiguous float64 array")
    if not c.object_get_value_array(
        c.gobject_pointer(obj), prop, start, interval, out.shape[0], out.ctypes.data
    ):
        return False
    spec = obj.find_property(prop.decode())
    if not np.isfinite(out.sum()):  # a NaN somewhere (inf is clamped below)
        np.copyto(out, obj.get_property(spec.name), where=np.isnan(out))
    np.clip(out, spec.minimum, spec.maximum, out=out)
    return True
