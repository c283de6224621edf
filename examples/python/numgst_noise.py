"""A constant level plus reproducible noise: an AudioSource in a few lines."""

import numpy as np

from numgst.toolkit import CONTROLLABLE, AudioSource, Prop, element


class NoiseSource(AudioSource):
    """A constant level plus uniform noise, reproducible from its seed"""

    __gtype_name__ = "ExampleNoiseSource"
    PROPS = AudioSource.PROPS + (
        Prop(
            "level", float, "Level", "Constant part, full scale", 0.0, -1.0, 1.0, flags=CONTROLLABLE
        ),
        Prop("noise", float, "Noise", "Noise amplitude, full scale", 0.1, 0.0, 1.0),
        Prop("seed", int, "Seed", "Random seed", 1, 0, 2**31 - 1),
    )

    def do_start(self):
        self.rng = np.random.default_rng(self.settings.seed)
        return super().do_start()

    def generate(self, first_sample, frames):
        s = self.settings
        x = self.rng.uniform(-s.noise, s.noise, (frames, self.channels))
        return x + s.level


__gstelementfactory__ = element(NoiseSource, "numgst_noise")
