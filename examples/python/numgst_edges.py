"""Edge detection with numpy: a VideoFilter from one frame into another."""

import numpy as np

from numgst.toolkit import Prop, VideoFilter, element


class Edges(VideoFilter):
    """Sobel edge magnitude of the luma, as a grey picture"""

    __gtype_name__ = "ExampleEdges"
    FORMATS = ("GRAY8", "I420", "NV12")
    IN_PLACE = False
    PROPS = (
        Prop(
            "gain",
            float,
            nick="Gain",
            blurb="Edge magnitude scale",
            default=1.0,
            minimum=0.0,
            maximum=100.0,
        ),
    )

    def transform(self, src, dst):
        y = src.planes[0].astype(np.float32)
        gx = np.zeros_like(y)
        gy = np.zeros_like(y)
        gx[1:-1, 1:-1] = (
            y[:-2, 2:] + 2 * y[1:-1, 2:] + y[2:, 2:] - y[:-2, :-2] - 2 * y[1:-1, :-2] - y[2:, :-2]
        )
        gy[1:-1, 1:-1] = (
            y[2:, :-2] + 2 * y[2:, 1:-1] + y[2:, 2:] - y[:-2, :-2] - 2 * y[:-2, 1:-1] - y[:-2, 2:]
        )
        edges = np.hypot(gx, gy) * (self.settings.gain / 4)
        np.clip(edges, 0, 255, out=edges)
        dst.planes[0][...] = edges
        for plane in dst.planes[1:]:
            plane.fill(128)  # no colour


__gstelementfactory__ = element(Edges, "numgst_edges")
