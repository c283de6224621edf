"""numgst.picture alone: the vectorised code against the scalar definitions it replaces.

No pipelines here: the snow generator against C's loop, whole-picture packing against
C's line-by-line conversion, the frame cache against repainting.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from numgst.base.gst import Gst
from numgst.picture.colors import from_argb
from numgst.picture.frames import Frames
from numgst.picture.noise import ADD, MUL, Lcg
from numgst.picture.pack import FrameGeometry, Packer, meaningful
from numgst.picture.patterns import BY_VALUE, PatternParams, Scene, is_static
from numgst.toolkit.video import GstVideo
from numgst.toolkit.video_formats import pixel_format


def c_random_char(state: int, n: int) -> tuple[list[int], int]:
    """C videotestsrc's ``random_char``, one draw at a time."""
    out = []
    for _ in range(n):
        state = (state * MUL + ADD) & 0xFFFFFFFF
        out.append((state >> 16) & 0xFF)
    return out, state


@pytest.mark.parametrize("seed", [0, 1, 0xFFFFFFFF, 123456789])
def test_lcg_is_cs_loop_across_calls_of_any_length(seed):
    lcg = Lcg(seed)
    state = seed
    for n in (1, 7, 1000, 7, 0, 4099):
        want, state = c_random_char(state, n)
        assert lcg.bytes(n).tolist() == want
        assert lcg.state == state


def _layout(fmt: str, w: int, h: int) -> tuple[FrameGeometry, object]:
    info = GstVideo.VideoInfo.new_from_caps(
        Gst.Caps.from_string(f"video/x-raw,format={fmt},width={w},height={h}")
    )
    n = info.finfo.n_planes
    lay = FrameGeometry(w, h, tuple(info.offset[:n]), tuple(info.stride[:n]), info.size)
    return lay, pixel_format(info.finfo.format)


@pytest.mark.parametrize(
    "fmt", ["I420", "NV12", "NV61", "YUY2", "Y41B", "YUV9", "v216", "AYUV64", "RGB16", "P016_LE"]
)
@pytest.mark.parametrize("size", [(7, 5), (16, 9), (1, 1)])
def test_whole_picture_pack_is_cs_line_by_line_conversion(fmt, size):
    w, h = size
    lay, pf = _layout(fmt, w, h)
    picture = np.random.default_rng(w * h).integers(0, 256, (h, w, 4), dtype=np.uint8)
    whole = np.zeros(lay.size, np.uint8)
    Packer(pf, lay).pack(picture, whole)
    lines = np.zeros(lay.size, np.uint8)
    cache = Packer(pf, lay).lines()
    for y in range(h):
        cache.convert(picture[y], y, lines)
    keep = meaningful(pf, lay)
    assert keep.any()
    assert np.array_equal(whole[keep], lines[keep])


def _scene(w: int, h: int, **props) -> Scene:
    defaults = dict(
        k0=0, kx=0, ky=0, kt=0, kxt=0, kyt=0, kxy=0, kx2=0, ky2=0, kt2=0,
        xoffset=0, yoffset=0, horizontal_speed=0, animation_mode=0, motion=0, flip=False,
    )  # fmt: skip
    defaults.update(props)
    return Scene(
        width=w,
        height=h,
        rgb=True,
        matrix=709,
        fg=from_argb(0xFFFFFFFF, 709),
        bg=from_argb(0xFF000000, 709),
        frame=0,
        pts=-1,
        props=PatternParams(**defaults),
        rng=Lcg(),
    )


@pytest.mark.parametrize(
    ("value", "props", "paints"),
    [
        (0, {}, 4),  # smpte: C repaints (its snow corner moves)
        (13, {}, 1),  # smpte75: once
        (10, {}, 1),  # checkers-8: once
        (10, {"horizontal_speed": 3}, 4),  # scrolling: every frame
        (12, {}, 2),  # blink: its two frames
        (23, {}, 1),  # colors: once
    ],
)
def test_frames_paint_only_what_changes(value, props, paints):
    w, h = 24, 16
    lay, pf = _layout("RGBA", w, h)
    calls = []
    base = BY_VALUE[value]

    def spy(scene):
        calls.append(scene.frame)
        return base.paint(scene)

    scene = _scene(w, h, **props)
    frames = Frames(
        dataclasses.replace(base, paint=spy), scene, pf, lay, speed=scene.props.horizontal_speed
    )
    assert frames.static == is_static(base, scene.props)
    out = [np.zeros(lay.size, np.uint8) for _ in range(4)]
    for n, o in enumerate(out):
        frames.draw(n, o)
    assert len(calls) == paints
    # Cached frames are the frames repainting gives.
    for n, o in enumerate(out):
        fresh = Frames(base, _scene(w, h, **props), pf, lay, speed=scene.props.horizontal_speed)
        if base.nick in ("smpte", "snow"):
            break  # they draw from the shared generator
        again = np.zeros(lay.size, np.uint8)
        fresh.draw(n, again)
        assert np.array_equal(o, again), n
