"""What every numgst element needs from the base layer, with no boilerplate.

``class MyElement(ElementMixin, GstBase.BaseSrc)`` with a ``PROPS`` table gets:

* its GObject properties, a frozen ``Settings`` record and the get/set vfuncs, from the
  table alone (:mod:`.properties`);
* every ``do_*`` vfunc guarded: any exception, BaseException included, is a bus ERROR
  with the traceback, the vfunc returns its failure value, and data stops
  (:mod:`.errors`);
* reference counts GStreamer expects whoever creates it (:mod:`.refs`).
"""

from __future__ import annotations

from typing import Any

from . import refs
from .errors import guard_vfuncs
from .properties import PropertiesMixin, gproperties, settings_record


class ElementMixin(PropertiesMixin):
    """Put first in the bases of an element class (see the module docstring)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "PROPS" in vars(cls):
            if "Settings" not in vars(cls):
                cls.Settings = settings_record(f"{cls.__name__}Settings", cls.PROPS)
            if "__gproperties__" not in vars(cls):
                cls.__gproperties__ = gproperties(cls.PROPS)
        guard_vfuncs(cls)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        refs.adopt(self)
        super().__init__(*args, **kwargs)
        self.init_properties()
