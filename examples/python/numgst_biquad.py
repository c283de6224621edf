"""A second-order IIR filter with scipy.signal, its state carried across buffers."""

import numpy as np
from scipy import signal

from numgst.base import register_enum
from numgst.toolkit import AudioFilter, Prop, element

Kind = register_enum(
    "ExampleBiquadKind", [(0, "Low-pass", "lowpass"), (1, "High-pass", "highpass")]
)


class Biquad(AudioFilter):
    """Butterworth low- or high-pass of order 2"""

    __gtype_name__ = "ExampleBiquad"

    def design(self, cutoff=None, kind=None):
        """(Re)design for the rate and the settings, or a value being set."""
        if self.rate:
            s = self.settings
            cutoff = s.cutoff if cutoff is None else cutoff
            btype = (s.kind if kind is None else kind).value_nick
            wn = min(cutoff / (self.rate / 2), 0.99)
            self.sos = signal.butter(2, wn, btype=btype, output="sos")
            self.zi = np.zeros((self.sos.shape[0], 2, self.channels))

    PROPS = (
        Prop("cutoff", float, blurb="Cutoff frequency in Hz", default=1000.0, minimum=1.0,
             maximum=1e6, apply=lambda self, v: self.design(cutoff=v)),
        Prop("kind", Kind, blurb="Filter type", default=Kind(0),
             apply=lambda self, v: self.design(kind=v)),
    )  # fmt: skip

    def caps_changed(self):
        self.design()

    def reset(self):  # after a flush (a seek): forget the audio before it
        if self.rate:
            self.zi = np.zeros_like(self.zi)

    def transform(self, x):
        x[...], self.zi = signal.sosfilt(self.sos, x, axis=0, zi=self.zi)


__gstelementfactory__ = element(Biquad, "numgst_biquad")
