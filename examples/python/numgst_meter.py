"""A level meter: one bar per channel, as tall as the channel's RMS over the frame."""

import numpy as np

from numgst.toolkit import AudioVisualizer, Prop, element


class Meter(AudioVisualizer):
    """Draws each channel's RMS level as a bar"""

    __gtype_name__ = "ExampleMeter"
    DEFAULT_SIZE = (320, 240)
    PROPS = (Prop("gap", int, blurb="Dark pixels between bars", default=4, minimum=0, maximum=64),)

    def draw(self, samples, frame):
        h, w = frame.height, frame.width
        rms = np.sqrt(np.mean(np.square(samples, dtype=np.float64), axis=1))
        level = np.clip(np.rint(rms * h), 0, h).astype(int)
        channel = np.arange(w) * len(rms) // w  # which bar each column belongs to
        edge = np.arange(w) - (channel * w + len(rms) - 1) // len(rms)
        lit = np.arange(h)[:, None] >= h - level[channel]
        lit &= (edge >= self.settings.gap // 2)[None, :]
        return np.where(lit, 255, 0).astype(np.uint8)


__gstelementfactory__ = element(Meter, "numgst_meter")
