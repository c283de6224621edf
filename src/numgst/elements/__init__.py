"""numgst's own elements, each standing on the toolkit as a user's element would:
they do GStreamer's part only (caps, time, buffers, properties) and call into
:mod:`numgst.signal` for the samples and :mod:`numgst.picture` for the frames.

:data:`FACTORIES` is the one list of them: :func:`numgst.register` registers it, and
each plugin-loader file in ``numgst/loader/python/`` is named for one of its entries
and takes it from here.
"""

from __future__ import annotations

from typing import Any

from .arraysink import FACTORY as _ARRAYSINK
from .audioplot import FACTORY as _AUDIOPLOT
from .audiotestsrc import FACTORY as _AUDIOTESTSRC
from .videotestsrc import FACTORY as _VIDEOTESTSRC

#: (factory name, rank, element class) of every numgst element.
FACTORIES: tuple[tuple[str, Any, type], ...] = (
    _AUDIOTESTSRC,
    _AUDIOPLOT,
    _VIDEOTESTSRC,
    _ARRAYSINK,
)


def factory(name: str) -> tuple[str, Any, type]:
    """The entry of :data:`FACTORIES` called ``name``."""
    for entry in FACTORIES:
        if entry[0] == name:
            return entry
    raise KeyError(f"numgst has no element {name!r}; it has {', '.join(f[0] for f in FACTORIES)}")
