"""A constant level plus reproducible noise: an AudioSource in a few lines."""

import numpy as np

from numgst.toolkit import CONTROLLABLE, AudioSource, Prop, element


class NoiseSource(AudioSource):
    """A constant level plus uniform noise, reproducible from its seed"""

    __gtype_name__ = "ExampleNoiseSource"
    PROPS = AudioSource.PROPS + (
        Prop(
            "level",
            float,
            nick="Level",
            blurb="Constant part, full scale",
            default=0.0,
            minimum=-1.0,
            maximum=1.0,
            flags=CONTROLLABLE,
        ),
        Prop(
            "noise",
            float,
            nick="Noise",
            blurb="Noise amplitude, full scale",
            default=0.1,
            minimum=0.0,
            maximum=1.0,
        ),
        Prop(
            "seed", int, nick="Seed", blurb="Random seed", default=1, minimum=0, maximum=2**31 - 1
        ),
    )

    def do_start(self):
        self.rng = np.random.default_rng(self.settings.seed)
        return super().do_start()

    def generate(self, first_sample, frames):
        s = self.settings
        x = self.rng.uniform(-s.noise, s.noise, (frames, self.channels))
        return x + s.level


__gstelementfactory__ = element(NoiseSource, "numgst_noise")
