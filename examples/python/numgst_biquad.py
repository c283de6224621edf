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
    PROPS = (
        Prop(
            "cutoff", float, "Cutoff", "Cutoff frequency in Hz", 1000.0, 1.0, 1e6, apply="_design"
        ),
        Prop("kind", Kind, "Kind", "Filter type", Kind(0), apply="_design"),
    )

    def caps_changed(self):
        self._design()

    def _design(self, _value=None):
        if self.rate:  # (re)designed when the rate or a property changes
            s = self.settings
            wn = min(s.cutoff / (self.rate / 2), 0.99)
            self.sos = signal.butter(2, wn, btype=s.kind.value_nick, output="sos")
            self.zi = np.zeros((self.sos.shape[0], 2, self.channels))

    def transform(self, x):
        x[...], self.zi = signal.sosfilt(self.sos, x, axis=0, zi=self.zi)


__gstelementfactory__ = element(Biquad, "numgst_biquad")
