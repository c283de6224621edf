"""Mixes any number of audio streams, each at its own volume (a pad property)."""

from numgst.toolkit import CONTROLLABLE, AudioMixer, Prop, element


class Mixer(AudioMixer):
    """Sums its inputs, each scaled by its pad's volume"""

    __gtype_name__ = "ExampleMixer"
    PAD_PROPS = (
        Prop("volume", float, blurb="Volume of this input", default=1.0, minimum=0.0,
             maximum=10.0, flags=CONTROLLABLE),
        Prop("mute", bool, blurb="Leave this input out", default=False),
    )  # fmt: skip

    def mix(self, inputs, out):
        for i in inputs:
            if i.data is not None and not i.pad.settings.mute:
                out += i.pad.settings.volume * i.data


__gstelementfactory__ = element(Mixer, "numgst_mixer")
