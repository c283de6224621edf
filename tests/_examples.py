"""The examples' folder registered in this process, once: running an example file a
second time would define its GType again, which GObject refuses."""

from __future__ import annotations

import runpy

from _isolated import ROOT

from numgst.base.gst import Gst

EXAMPLES = ROOT / "examples"
_done: list[str] = []


def register_examples() -> list[str]:
    """Register every ``examples/python/numgst_*.py`` element; their factory names."""
    if not _done:
        for path in sorted((EXAMPLES / "python").glob("numgst_*.py")):
            name, rank, cls = runpy.run_path(str(path))["__gstelementfactory__"]
            if Gst.ElementFactory.find(name) is None:
                Gst.Element.register(None, name, rank, cls)
            _done.append(name)
    return list(_done)
