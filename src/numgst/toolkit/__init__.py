"""Write your own GStreamer element in a few lines of numpy.

Base classes for the common kinds of element. Each does GStreamer's part (caps,
negotiation, time, buffers, errors, properties) so that a subclass only says what it
does to the samples or pixels:

* :class:`AudioSource`: audio out of ``generate(first_sample, frames)``;
* :class:`AudioFilter`: audio arrays in, audio arrays out (or in place);
* :class:`VideoSource`: frames out of ``generate(frame_number, pts)``;
* :class:`VideoFilter`: frames in, frames out (or in place);
* :class:`ArraySink`: audio or video arrays handed to a Python callable.

Properties come from a ``PROPS`` table of :class:`Prop` rows; every exception in a
vfunc becomes a bus ERROR with its traceback; buffers are mapped without copies. See
the README's guide and ``examples/``.
"""

from ..base import CONTROLLABLE, Prop, PropertyRefusedError
from .audiosrc import AudioSource

__all__ = ["CONTROLLABLE", "AudioSource", "Prop", "PropertyRefusedError"]
