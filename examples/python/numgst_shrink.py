"""Downscales by a whole factor: each output pixel the mean of a factor x factor box."""

import numpy as np

from numgst.toolkit import Prop, VideoTransform, element


class Shrink(VideoTransform):
    """Shrinks the picture by box averaging"""

    __gtype_name__ = "ExampleShrink"
    FORMATS = ("RGBA", "BGRA", "RGBx", "BGRx", "RGB", "BGR", "GRAY8")
    PROPS = (
        Prop("factor", int, blurb="Output size is input size / factor", default=2,
             minimum=1, maximum=64, apply=lambda self, v: self.reconfigure_src()),
    )  # fmt: skip

    def output(self, info):
        f = self.settings.factor
        return {"width": max(1, info.width // f), "height": max(1, info.height // f)}

    def transform(self, src, dst):
        f = self.settings.factor
        a, b = src.array, dst.array
        h, w = b.shape[:2]
        boxes = a[: h * f, : w * f].reshape(h, f, w, f, *a.shape[2:])
        total = boxes.sum(axis=(1, 3), dtype=np.uint32)
        b[...] = (total + f * f // 2) // (f * f)  # rounded half up, in integers


__gstelementfactory__ = element(Shrink, "numgst_shrink")
