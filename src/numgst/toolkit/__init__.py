"""Write your own GStreamer element in a few lines of numpy.

Base classes for the common kinds of element. Each does GStreamer's part (caps,
negotiation, time, buffers, errors, properties) so that a subclass only says what it
does to the samples or pixels:

* :class:`AudioSource`: audio out of ``generate(first_sample, frames)``;
* :class:`AudioFilter`: audio arrays in, audio arrays out (or in place);
* :class:`VideoSource`: frames drawn by ``fill(frame)`` or ``generate(frame)``;
* :class:`VideoFilter`: frames in, frames out (or in place);
* :class:`AudioTransform`, :class:`VideoTransform`: caps-changing transforms
  (channel counts; sizes, crops, formats), ``transform`` with the output's caps
  from ``output(info)``;
* :class:`AudioVisualizer`: audio in, video frames out, ``draw(samples, frame)``;
* :class:`AudioMixer`, :class:`VideoMixer`: request pads with per-pad properties
  (``PAD_PROPS``), ``mix(inputs, out)``;
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
from .mixer import AudioMixer, Input, VideoMixer
from .sink import ArraySink
from .transform import AudioTransform, VideoTransform
from .video import VideoFrame
from .videofilter import VideoFilter
from .videosrc import VideoSource
from .visualizer import AudioVisualizer

__all__ = [
    "CONTROLLABLE",
    "DOUBLE_ARRAY",
    "INT64",
    "UINT",
    "UINT64",
    "ArraySink",
    "AudioFilter",
    "AudioMixer",
    "AudioSource",
    "AudioTransform",
    "AudioVisualizer",
    "GLib",
    "Gst",
    "Input",
    "Prop",
    "PropertyRefusedError",
    "VideoFilter",
    "VideoFrame",
    "VideoMixer",
    "VideoSource",
    "VideoTransform",
    "element",
]


def element(cls: type, name: str | None = None, rank: int = 0) -> tuple[str, Any, type]:
    """The ``__gstelementfactory__`` tuple for ``cls`` (for a plugin-loader file):
    ``__gstelementfactory__ = element(MyElement)``. The factory name defaults to the
    class name in lower case."""
    return (name or cls.__name__.lower(), Gst.Rank(rank) if rank else Gst.Rank.NONE, cls)
