"""Loudness meter: an ArraySink that posts each interval's RMS level on the bus."""

import numpy as np

from numgst.toolkit import UINT64, ArraySink, Gst, Prop, element


class Loudness(ArraySink):
    """Posts "loudness" messages: RMS level per channel in dBFS, every interval"""

    __gtype_name__ = "ExampleLoudness"
    VIDEO = False
    PROPS = (
        Prop(
            "interval",
            UINT64,
            nick="Interval",
            blurb="Time between messages (ns)",
            default=100_000_000,
            minimum=1_000_000,
            maximum=10 * Gst.SECOND,
        ),
    )

    def do_start(self):
        self.sum, self.count = None, 0
        return True

    def render(self, x, pts):
        squares = np.square(x, dtype=np.float64).sum(axis=0)
        self.sum = squares if self.sum is None else self.sum + squares
        self.count += x.shape[0]
        if self.count >= self.settings.interval * self.rate // Gst.SECOND:
            db = 10 * np.log10(np.maximum(self.sum / self.count, 1e-20))
            s = Gst.Structure.new_empty("loudness")
            s.set_value("rms-db", Gst.ValueArray([float(v) for v in db]))
            s.set_value("end-time", pts)
            self.post_message(Gst.Message.new_element(self, s))
            self.sum, self.count = None, 0


__gstelementfactory__ = element(Loudness, "numgst_loudness")
