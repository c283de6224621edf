"""GStreamer element classes: they do GStreamer's part only (caps, time, buffers,
properties) and call into :mod:`numgst.signal` for the samples and
:mod:`numgst.picture` for the frames."""

from __future__ import annotations

from .audioplot import FACTORY as _AUDIOPLOT
from .audiotestsrc import FACTORY as _AUDIOTESTSRC
from .videotestsrc import FACTORY as _VIDEOTESTSRC

FACTORIES = [_AUDIOTESTSRC, _AUDIOPLOT, _VIDEOTESTSRC]
