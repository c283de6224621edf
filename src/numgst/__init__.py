"""numgst: GStreamer elements written in Python with numpy.

Applications that want the elements without the plugin loader call :func:`register`
once; ``Gst.ElementFactory.make("audiotestsrc_py")`` and ``Gst.parse_launch`` then work
in that process with no environment variables.
"""

from __future__ import annotations

__version__ = "0.1.0"


def register() -> None:
    """Register every numgst element with GStreamer in this process (idempotent)."""
    from .base.gst import Gst
    from .elements import FACTORIES

    for name, rank, cls in FACTORIES:
        if Gst.ElementFactory.find(name) is None:
            Gst.Element.register(None, name, rank, cls)
