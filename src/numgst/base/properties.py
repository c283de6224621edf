"""Properties declared once, in a table.

Each element lists its properties as :class:`Prop` rows. From that one table come the
``__gproperties__`` dict PyGObject needs, an immutable ``Settings`` record holding the
defaults, and the get/set vfuncs. There are no ``if prop.name == ...`` chains.

Thread-safety: a setter replaces the whole Settings record (copy-on-write under a lock),
so the streaming thread reads ``self.settings`` once per buffer and sees one consistent
snapshot without taking a lock.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from typing import Any

from ._native.thread_state import pin_thread_state
from .errors import PropertyRefusedError, post_error, report_exception
from .gst import GObject, Gst

RW = GObject.ParamFlags.READWRITE
CONTROLLABLE = RW | Gst.PARAM_CONTROLLABLE

# A GstValueArray of doubles, written ``"<440.0, 880.0>"`` in gst-launch, like
# audiomixmatrix's ``matrix``. PyGObject cannot declare it, see install_array_properties.
DOUBLE_ARRAY = "GstValueArray<gdouble>"

# GParamSpec types that need a range but have no Python builtin of their own.
UINT = GObject.TYPE_UINT
INT64 = GObject.TYPE_INT64
UINT64 = GObject.TYPE_UINT64


@dataclasses.dataclass(frozen=True)
class Prop:
    """One GObject property: ``Prop(name, type, nick=..., blurb=..., default=...,
    minimum=..., maximum=..., flags=..., apply=...)``, all but name and type by keyword.

    ``type`` is a Python type (bool, int = gint, float = gdouble, str, object), a
    numeric GType from this module (UINT, INT64, UINT64, DOUBLE_ARRAY) or an enum
    class/GType (:func:`numgst.base.register_enum`). ``nick`` defaults to the name in
    words, ``blurb`` (what gst-inspect shows) to the nick. ``minimum`` and ``maximum``
    are the range of numeric types. ``apply`` is called as ``apply(element, value)``
    (a function, such as a method of the class defined above its ``PROPS``) or
    ``element.apply(value)`` (a method's name) before the value is stored; it may
    refuse the value with :class:`~numgst.base.errors.PropertyRefusedError`.
    """

    name: str
    ptype: Any
    _: dataclasses.KW_ONLY
    nick: str = ""
    blurb: str = ""
    default: Any = None
    minimum: Any = None
    maximum: Any = None
    flags: GObject.ParamFlags = RW
    apply: str | Callable[[Any, Any], None] | None = None

    def __post_init__(self) -> None:
        if not self.nick:
            object.__setattr__(self, "nick", self.name.replace("-", " ").capitalize())
        if not self.blurb:
            object.__setattr__(self, "blurb", self.nick)

    def run_apply(self, element: Any, value: Any) -> None:
        """Call the ``apply`` hook, if any, for ``value``."""
        if callable(self.apply):
            self.apply(element, value)
        elif self.apply:
            getattr(element, self.apply)(value)

    @property
    def field(self) -> str:
        return self.name.replace("-", "_")

    @property
    def python_type(self) -> Any:
        """The type of the value in a Settings record."""
        t = self.ptype
        if t == DOUBLE_ARRAY:
            return tuple[float, ...]
        if t in (UINT, INT64, UINT64):
            return int
        return t

    def to_python(self, value: Any) -> Any:
        """A GValue's content as stored in Settings (arrays become tuples of floats)."""
        if self.ptype == DOUBLE_ARRAY:
            return tuple(float(v) for v in value)
        return value

    def to_gvalue(self, value: Any) -> Any:
        if self.ptype == DOUBLE_ARRAY:
            return Gst.ValueArray(list(value))
        return value

    def gparam(self) -> tuple[Any, ...]:
        t = self.ptype
        if t is object:
            return (t, self.nick, self.blurb, self.flags)
        if t in (bool, str) or _is_enum(t):
            return (t, self.nick, self.blurb, self.default, self.flags)
        return (t, self.nick, self.blurb, self.minimum, self.maximum, self.default, self.flags)


def _is_enum(t: Any) -> bool:
    gtype = getattr(t, "__gtype__", t)
    return isinstance(gtype, GObject.GType) and gtype.is_a(GObject.GEnum)


def gproperties(props: Sequence[Prop]) -> dict[str, tuple[Any, ...]]:
    """The ``__gproperties__`` dict for a property table (arrays are installed later)."""
    return {p.name: p.gparam() for p in props if p.ptype != DOUBLE_ARRAY}


def install_array_properties(cls: Any, props: Sequence[Prop] | None = None) -> None:
    """Install the table's GstValueArray properties on a registered element class.

    PyGObject has no way to declare a GstParamSpecArray, so we make the pspec with
    ``gst_param_spec_array`` through ctypes and install it on the GObject class; the
    class's get/set vfuncs (ours) then see it like any other property, and gst-launch
    parses ``"<1.0, 2.0>"`` into it. Call once, right after the class statement.
    """
    from ._native import gobject as c

    klass = c.class_ref(hash(cls.__gtype__))
    for i, p in enumerate(cls.PROPS if props is None else props):
        if p.ptype != DOUBLE_ARRAY:
            continue
        element = c.param_spec_double(
            p.field.encode(),
            p.nick.encode(),
            p.blurb.encode(),
            p.minimum,
            p.maximum,
            p.minimum,
            int(RW),
        )
        spec = c.param_spec_array(
            p.name.encode(), p.nick.encode(), p.blurb.encode(), element, int(p.flags)
        )
        # Ids above PyGObject's own (1..N for __gproperties__), unique per class.
        c.install_property(klass, 0x4000 + i, spec)


def settings_record(name: str, props: Sequence[Prop]) -> type:
    """A frozen dataclass with one field per property, defaulting to the table's."""
    fields = [(p.field, p.python_type, dataclasses.field(default=p.default)) for p in props]
    return dataclasses.make_dataclass(name, fields, frozen=True, slots=True)


class PropertiesMixin:
    """get/set vfuncs driven by the class's ``PROPS`` table and ``Settings`` record.

    Subclasses set ``PROPS`` (sequence of Prop) and ``Settings`` (from
    :func:`settings_record`) and call :meth:`init_properties` in ``__init__``
    (:class:`numgst.base.ElementMixin` does all three).

    A set is all or nothing: the ``apply`` hook runs first and may refuse the value by
    raising :class:`~numgst.base.errors.PropertyRefusedError` (the old value stays, a
    WARNING says why); any other exception in a get or set is a bus ERROR, and the
    old value stays too. Nothing reaches stderr.
    """

    PROPS: Sequence[Prop] = ()
    Settings: type

    def init_properties(self) -> None:
        # Re-entrant: an apply hook may set another property of the same element.
        self._settings_lock = threading.RLock()
        self._props_by_name = {p.name: p for p in self.PROPS}
        self.settings = self.Settings()

    def do_get_property(self, pspec: GObject.ParamSpec) -> Any:
        try:
            prop = self._props_by_name[pspec.name]
            return prop.to_gvalue(getattr(self.settings, prop.field))
        except BaseException as exc:  # noqa: BLE001 - a vfunc: report, never raise into C
            report_exception(self, f"get_property({pspec.name})", exc)
            known = self._props_by_name.get(pspec.name)
            return known.to_gvalue(known.default) if known is not None else None

    def do_set_property(self, pspec: GObject.ParamSpec, value: Any) -> None:
        try:
            pin_thread_state()
            prop = self._props_by_name[pspec.name]
            value = prop.to_python(value)
            if prop.ptype is float and value != value:
                # GLib's range check lets NaN through (every comparison is false);
                # a controller computing NaN must not reach the element.
                raise PropertyRefusedError("NaN is not a value")
            with self._settings_lock:
                prop.run_apply(self, value)
                self.settings = dataclasses.replace(self.settings, **{prop.field: value})
        except PropertyRefusedError as exc:
            kept = getattr(self.settings, pspec.name.replace("-", "_"), None)
            post_error(
                self,
                f"{pspec.name}: value refused, kept {kept!r}: {exc}",
                None,
                Gst.CoreError.quark(),
                Gst.CoreError.FAILED,
                kind=Gst.MessageType.WARNING,
            )
        except BaseException as exc:  # noqa: BLE001 - a vfunc: report, never raise into C
            report_exception(self, f"set_property({pspec.name})", exc)
