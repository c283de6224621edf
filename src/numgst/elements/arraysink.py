"""``numgst_arraysink``: every buffer handed to the Python callable in its
``callback`` property, as numpy arrays (an :class:`~numgst.toolkit.ArraySink`)."""

from __future__ import annotations

import numpy as np

from ..base import Prop
from ..base.gst import Gst
from ..toolkit.sink import ArraySink
from ..toolkit.video import VideoFrame


class CallbackSink(ArraySink):
    """Hands every buffer's arrays to the Python callable in the callback property"""

    __gtype_name__ = "NumgstCallbackSink"
    __gstmetadata__ = (
        "Array sink (Python callback)",
        "Sink",
        "Hands every buffer to a Python callable as numpy arrays",
        "numgst developers",
    )
    PROPS = (
        Prop(
            "callback",
            object,
            nick="Callback",
            blurb="Python callable(data, pts): data is a (frames, channels) array for audio, "
            "a VideoFrame for video, valid during the call only",
        ),
    )

    def render(self, data: np.ndarray | VideoFrame, pts: int) -> None:
        cb = self.settings.callback
        if cb is not None:
            cb(data, pts)


FACTORY = ("numgst_arraysink", Gst.Rank.NONE, CallbackSink)
