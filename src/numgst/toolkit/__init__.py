"""Write your own GStreamer element in a few lines of numpy.

Base classes for the common kinds of element. Each does GStreamer's part (caps,
negotiation, time, buffers, errors, properties) so that a subclass only says what it
does to the samples or pixels:

* :class:`AudioSource`: audio out of ``generate(first_sample, frames)``;
* :class:`AudioFilter`: audio arrays in, audio arrays out (or in place);
* :class:`VideoSource`: frames drawn by ``fill(frame)`` or ``generate(frame)``;
* :class:`VideoFilter`: frames in, frames out (or in place);
* :class:`ArraySink`: audio or video arrays handed to a Python callable.

Properties come from a ``PROPS`` table of :class:`Prop` rows; every exception in a
vfunc becomes a bus ERROR with its traceback; buffers are mapped without copies. See
the README's guide and ``examples/``.
"""

from typing import Any

from ..base import CONTROLLABLE, DOUBLE_ARRAY, INT64, UINT, UINT64, Prop, PropertyRefusedError
from ..base.gst import GLib, Gst
from .audiofilter import AudioFilter
from .audiosrc import AudioSource
from .sink import ArraySink
from .video import VideoFrame
from .videofilter import VideoFilter
from .videosrc import VideoSource

__all__ = [
    "CONTROLLABLE",
    "DOUBLE_ARRAY",
    "INT64",
    "UINT",
    "UINT64",
    "ArraySink",
    "AudioFilter",
    "AudioSource",
    "GLib",
    "Gst",
    "Prop",
    "PropertyRefusedError",
    "VideoFilter",
    "VideoFrame",
    "VideoSource",
    "element",
]


def element(cls: type, name: str | None = None, rank: int = 0) -> tuple[str, Any, type]:
    """The ``__gstelementfactory__`` tuple for ``cls`` (for a plugin-loader file):
    ``__gstelementfactory__ = element(MyElement)``. The factory name defaults to the
    class name in lower case."""
    return (name or cls.__name__.lower(), Gst.Rank(rank) if rank else Gst.Rank.NONE, cls)
