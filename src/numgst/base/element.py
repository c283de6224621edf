"""What every numgst element needs from the base layer, with no boilerplate.

``class MyElement(ElementMixin, GstBase.BaseSrc)`` with a ``PROPS`` table gets:

* its GObject properties, a frozen ``Settings`` record and the get/set vfuncs, from the
  table alone (:mod:`.properties`);
* every ``do_*`` vfunc guarded: any exception, BaseException included, is a bus ERROR
  with the traceback, the vfunc returns its failure value, and data stops
  (:mod:`.errors`);
* reference counts GStreamer expects whoever creates it (:mod:`._native.floating_refs`).
"""

from __future__ import annotations

from typing import Any

from ._native import floating_refs as refs
from .errors import guard_vfuncs
from .gst import GObject
from .properties import (
    Prop,
    PropertiesMixin,
    gproperties,
    install_array_properties,
    settings_record,
)


class ElementMixin(PropertiesMixin):
    """Put first in the bases of an element class (see the module docstring).

    A subclass's ``PROPS`` adds to its base's: ``PROPS = (Prop(...),)`` and ``PROPS =
    Base.PROPS + (Prop(...),)`` both give the base's properties followed by the new
    ones (a row that redefines an inherited property differently is a TypeError);
    only the new ones are installed on it. Properties
    of type ``DOUBLE_ARRAY`` need :class:`ElementMeta` (the toolkit's base classes
    have it) or a call to ``install_array_properties(cls)`` after the class.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "PROPS" in vars(cls):
            cls.PROPS = merged_props(cls)
            if "Settings" not in vars(cls):
                cls.Settings = settings_record(f"{cls.__name__}Settings", cls.PROPS)
            if "__gproperties__" not in vars(cls):
                cls.__gproperties__ = gproperties(new_props(cls))  # type: ignore[attr-defined]
        elif not hasattr(cls, "Settings"):  # no table anywhere yet: an empty record
            cls.Settings = settings_record(f"{cls.__name__}Settings", cls.PROPS)
        guard_vfuncs(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        refs.adopt(self)
        super().__init__(*args, **kwargs)
        self.init_properties()


def merged_props(cls: Any) -> tuple[Prop, ...]:
    """The nearest base's ``PROPS``, then the rows of ``cls``'s own table it lacks."""
    inherited = next((vars(b)["PROPS"] for b in cls.__mro__[1:] if "PROPS" in vars(b)), ())
    by_name = {p.name: p for p in inherited}
    merged = list(inherited)
    for p in vars(cls)["PROPS"]:
        known = by_name.get(p.name)
        if known is None:
            merged.append(p)
            by_name[p.name] = p
        elif known != p:
            raise TypeError(
                f"{cls.__name__}.PROPS redefines the inherited property {p.name!r}: "
                "a subclass adds properties to its base's, it cannot change them"
            )
    return tuple(merged)


def new_props(cls: Any) -> list[Prop]:
    """The rows of ``cls.PROPS`` that no base class declares."""
    inherited = {p.name for base in cls.__mro__[1:] for p in vars(base).get("PROPS", ())}
    return [p for p in cls.PROPS if p.name not in inherited]


class ElementMeta(type(GObject.Object)):  # type: ignore[misc]
    """Metaclass of the toolkit's base classes: installs a class's ``DOUBLE_ARRAY``
    properties once GObject has registered it (PyGObject cannot declare them)."""

    def __init__(cls, name: str, bases: tuple[type, ...], namespace: dict[str, Any]) -> None:
        super().__init__(name, bases, namespace)
        if "PROPS" in namespace:
            install_array_properties(cls, new_props(cls))
