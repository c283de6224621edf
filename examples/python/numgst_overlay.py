"""Places each input at (xpos, ypos) over a black background, blended by its alpha,
in the integer arithmetic of C's compositor (so the output equals it)."""

import numpy as np

from numgst.toolkit import CONTROLLABLE, Prop, VideoMixer, element

BLACK = {"RGBA": [(0, 0, 0, 255)], "I420": [16, 128, 128]}


class Overlay(VideoMixer):
    """Composes its inputs, later pads on top"""

    __gtype_name__ = "ExampleOverlay"
    FORMATS = tuple(BLACK)
    PAD_PROPS = (
        Prop("xpos", int, blurb="Left edge", default=0, minimum=0, maximum=32767,
             flags=CONTROLLABLE),
        Prop("ypos", int, blurb="Top edge", default=0, minimum=0, maximum=32767,
             flags=CONTROLLABLE),
        Prop("alpha", float, blurb="Opacity", default=1.0, minimum=0.0, maximum=1.0,
             flags=CONTROLLABLE),
    )  # fmt: skip

    def mix(self, inputs, out):
        planar = out.format == "I420"
        for plane, black in zip(out.planes, BLACK[out.format], strict=True):
            plane[...] = black
        for i in inputs:
            s = i.pad.settings
            if i.data is None or s.alpha == 0:
                continue
            x, y = (s.xpos + s.xpos % 2, s.ypos + s.ypos % 2) if planar else (s.xpos, s.ypos)
            for k, (a, b) in enumerate(zip(i.data.planes, out.planes, strict=True)):
                sub = 2 if planar and k else 1  # I420's chroma planes are half size
                b = b[y // sub :, x // sub :]
                a = a[: b.shape[0], : b.shape[1]]
                b = b[: a.shape[0], : a.shape[1]]
                b[...] = _blend(a, b, int(s.alpha * 255), planar)


def _blend(src, dst, alpha, planar):
    a, d = src.astype(np.uint32), dst.astype(np.uint32)
    if planar:  # compositor: a straight copy when opaque, else 8-bit fixed point
        return src if alpha == 255 else (d * (256 - alpha) + a * alpha) >> 8
    w = (a[..., 3:] * alpha + 128) * 257 >> 16  # source alpha x pad alpha / 255, rounded
    mixed = (a * w + d * (255 - w) + 128) * 257 >> 16
    mixed[..., 3] = 255
    return mixed


__gstelementfactory__ = element(Overlay, "numgst_overlay")
