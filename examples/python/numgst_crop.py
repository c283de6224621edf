"""Cuts pixels off the edges, as C's videocrop does: every plane of the format."""

from numgst.toolkit import Prop, VideoTransform, element

EDGES = ("left", "right", "top", "bottom")


class Crop(VideoTransform):
    """Crops the picture by whole pixels (planar formats: even counts)"""

    __gtype_name__ = "ExampleCrop"
    FORMATS = ("RGBA", "BGRA", "RGBx", "BGRx", "RGB", "BGR", "GRAY8", "I420", "Y444")
    PROPS = tuple(
        Prop(edge, int, blurb=f"Pixels to crop at the {edge}", default=0, minimum=0,
             maximum=65535, apply=lambda self, v: self.reconfigure_src())
        for edge in EDGES
    )  # fmt: skip

    def output(self, info):
        s = self.settings
        return {"width": max(1, info.width - s.left - s.right),
                "height": max(1, info.height - s.top - s.bottom)}  # fmt: skip

    def transform(self, src, dst):
        s = self.settings
        for a, b in zip(src.planes, dst.planes, strict=True):
            sy, sx = -(-src.height // a.shape[0]), -(-src.width // a.shape[1])  # subsampling
            h, w = b.shape[:2]
            b[...] = a[s.top // sy : s.top // sy + h, s.left // sx : s.left // sx + w]


__gstelementfactory__ = element(Crop, "numgst_crop")
