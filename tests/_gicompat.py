"""PyGObject differences the tests meet (3.42 on Debian 12, 3.50 on Debian 13)."""

from __future__ import annotations

from numgst.base.gst import GObject


def pspec_default(p: GObject.ParamSpec):
    """A ParamSpec's default value, as a Python value (an enum member for enums).

    3.42 wraps pspecs in its own type with a ``default_value`` attribute and no
    ``get_default_value()``. 3.50 gives introspected pspecs: ``get_default_value()``
    converts the GValue, while ``default_value`` is the raw C field where one exists
    (a plain int for enums) and missing otherwise (ParamSpecObject).
    """
    get = getattr(p, "get_default_value", None)
    return get() if get is not None else p.default_value


def enum_members(cls: type) -> list:
    """Every member of a GEnum class, on PyGObject's old and IntEnum-based enums."""
    # Up to 3.50 a GEnum class keeps its members in __enum_values__; later PyGObject
    # builds enums on enum.IntEnum, which iterate.
    values = getattr(cls, "__enum_values__", None)
    return list(values.values()) if values is not None else list(cls)
