"""Any number of channels down to mono: the mean of the channels, or one of them."""

from numgst.toolkit import AudioTransform, Prop, element


class Downmix(AudioTransform):
    """Mixes every channel down to one"""

    __gtype_name__ = "ExampleDownmix"
    FORMATS = ("F32LE", "S16LE", "S32LE", "F64LE")
    OUT_CHANNELS = (1, 1)
    PROPS = (
        Prop("channel", int, blurb="Keep only this channel (-1: the mean of all)",
             default=-1, minimum=-1, maximum=63),
    )  # fmt: skip

    def output(self, info):
        return {"channels": 1}

    def transform(self, x):
        c = self.settings.channel
        return x[:, [c]] if 0 <= c < x.shape[1] else x.mean(axis=1, keepdims=True)


__gstelementfactory__ = element(Downmix, "numgst_downmix")
