"""A gain a GstController can drive: an in-place AudioFilter."""

from numgst.toolkit import CONTROLLABLE, AudioFilter, Prop, element


class Gain(AudioFilter):
    """Multiplies the audio by a (controllable) gain"""

    __gtype_name__ = "ExampleGain"
    PROPS = (
        Prop(
            "gain",
            float,
            nick="Gain",
            blurb="Linear gain",
            default=1.0,
            minimum=0.0,
            maximum=10.0,
            flags=CONTROLLABLE,
        ),
    )

    def passthrough(self):
        return self.settings.gain == 1.0

    def transform(self, x):
        x *= self.settings.gain  # x is the buffer itself: float32 or float64 frames


__gstelementfactory__ = element(Gain, "numgst_gain")
