"""Video negative: an in-place VideoFilter."""

from numgst.toolkit import VideoFilter, element


class Invert(VideoFilter):
    """Inverts the picture (alpha kept)"""

    __gtype_name__ = "ExampleInvert"
    FORMATS = ("RGBA", "BGRA", "RGBx", "BGRx", "RGB", "BGR", "GRAY8")

    def transform(self, frame):
        rgb = frame.array if frame.array.ndim == 2 else frame.array[..., :3]
        rgb ^= 0xFF  # 255 - x, written into the buffer


__gstelementfactory__ = element(Invert, "numgst_invert")
