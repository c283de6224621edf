"""The layer every numgst element stands on: properties from a table, vfuncs whose
exceptions reach the bus, zero-copy numpy views of buffers, enums that work on
PyGObject 3.42."""

from .buffers import EscapedViewError, mapped_array, set_times
from .element import ElementMixin
from .enums import register_enum
from .errors import PropertyRefusedError, post_error, vfunc
from .properties import (
    CONTROLLABLE,
    DOUBLE_ARRAY,
    INT64,
    RW,
    UINT,
    UINT64,
    Prop,
    PropertiesMixin,
    gproperties,
    install_array_properties,
    settings_record,
)

__all__ = [
    "CONTROLLABLE",
    "DOUBLE_ARRAY",
    "INT64",
    "RW",
    "UINT",
    "UINT64",
    "ElementMixin",
    "EscapedViewError",
    "Prop",
    "PropertiesMixin",
    "PropertyRefusedError",
    "gproperties",
    "install_array_properties",
    "mapped_array",
    "post_error",
    "register_enum",
    "set_times",
    "settings_record",
    "vfunc",
]
