"""GStreamer element classes: they do GStreamer's part only (caps, time, buffers,
properties) and call into :mod:`numgst.signal` for the samples."""

from __future__ import annotations

from .audioplot import FACTORY as _AUDIOPLOT
from .audiotestsrc import FACTORY as _AUDIOTESTSRC

FACTORIES = [_AUDIOTESTSRC, _AUDIOPLOT]
