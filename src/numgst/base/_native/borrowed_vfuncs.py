"""Use a C element's implementation of a trivial vfunc instead of a Python one.

Every Python vfunc costs a GIL round trip and argument wrapping on each call. A few
vfuncs are called per buffer and do almost nothing, yet must exist (GstBaseSrc's
``get_times``: a live source is only synced to the clock if it answers). When a C
element of the same base class does exactly what the Python method does, its
function pointer can stand in: it is copied from that element's class structure
into ours. The Python method stays as the fallback when the C element is missing.
"""

from __future__ import annotations

from typing import Any

from ..gst import Gst
from . import gobject as c


def borrow_vfunc(cls: Any, class_struct: tuple[str, str], field: str, donor_factory: str) -> bool:
    """Point ``cls``'s vfunc ``field`` at the one of the element ``donor_factory``.

    Parameters
    ----------
    cls : type
        A registered PyGObject subclass (its GType class structure is written).
    class_struct : (str, str)
        GI namespace and name of the class structure holding the vfunc, e.g.
        ``("GstBase", "BaseSrcClass")``; both classes must derive from it.
    field : str
        The vfunc's field name in that structure, e.g. ``"get_times"``.
    donor_factory : str
        Element factory whose class provides the C function.

    Returns
    -------
    bool
        True if the pointer was copied; False (nothing changed) if the donor is not
        installed or does not implement the vfunc.
    """
    factory = Gst.ElementFactory.find(donor_factory)
    if factory is None:
        return False
    factory = factory.load()
    donor_type = factory.get_element_type() if factory is not None else None
    if not donor_type:
        return False
    donor = c.class_slot(donor_type, *class_struct, field)
    if not donor.value:
        return False
    c.class_slot(cls.__gtype__, *class_struct, field).value = donor.value
    return True
