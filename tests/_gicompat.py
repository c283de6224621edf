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


STATIC = (
    GObject.ParamFlags.STATIC_NAME
    | GObject.ParamFlags.STATIC_NICK
    | GObject.ParamFlags.STATIC_BLURB
)


def pspecs(factory: str) -> dict[str, GObject.ParamSpec]:
    """The properties of a new element of ``factory``, by name."""
    from numgst.base.gst import Gst

    e = Gst.ElementFactory.make(factory)
    return {p.name: p for p in e.list_properties()}


def describe(p: GObject.ParamSpec) -> dict:
    """What gst-inspect shows of a property, comparable between C and Python elements
    (the STATIC_* flags only say how the strings are stored)."""
    d = {
        "nick": p.nick,
        "blurb": p.blurb,
        "flags": int(p.flags) & ~int(STATIC),
        "default": pspec_default(p),
    }
    if p.value_type.is_a(GObject.TYPE_ENUM):
        d["value_type"] = "enum"
        d["values"] = sorted(
            (int(v), v.value_name, v.value_nick) for v in enum_members(type(d["default"]))
        )
        d["default"] = int(d["default"])
    else:
        d["value_type"] = p.value_type.name
    for attr in ("minimum", "maximum"):
        if hasattr(p, attr):
            d[attr] = getattr(p, attr)
    return d
