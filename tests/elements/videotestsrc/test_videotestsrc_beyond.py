"""videotestsrc_py beyond C: pattern=custom, overlay, seed; and each one's errors.

Where an oracle exists it is C's: a custom picture of one colour must come out as C's
``solid-color`` of that colour in every format, since both go through C's integer
RGB to Y'CbCr conversion.
"""

from __future__ import annotations

import numpy as np
import pytest

from numgst.base.gst import Gst
from numgst.testing import capture

W, H = 32, 18


def caps(fmt: str, w: int = W, h: int = H, rate: str = "10/1") -> str:
    return f"video/x-raw,format={fmt},width={w},height={h},framerate={rate}"


def run_custom(generator, fmt: str = "RGBA", frames: int = 3, extra: str = ""):
    def configure(p):
        p.get_by_name("s").set_property("generator", generator)

    return capture(
        f"videotestsrc_py name=s pattern=custom {extra} num-buffers={frames} ! "
        f"{caps(fmt)} ! appsink name=sink",
        configure=configure,
    )


def frames(r, fmt: str = "RGBA") -> np.ndarray:
    assert r.error is None, (r.error, r.error_debug)
    return np.stack([np.frombuffer(b.data, np.uint8).reshape(H, W, 4) for b in r.buffers])


# -- pattern=custom ------------------------------------------------------------------------


def test_custom_gets_each_frames_time_and_number():
    calls = []

    def gen(t, n):
        calls.append((t, n))
        return np.zeros((H, W, 3), np.uint8)

    r = run_custom(gen, frames=4)
    assert r.error is None, r.error_debug
    assert [n for _t, n in calls] == [0, 1, 2, 3]
    assert [t for t, _n in calls] == [k * Gst.SECOND // 10 / Gst.SECOND for k in range(4)]


def test_custom_rgb_uint8_and_rgba_float_reach_the_buffer():
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    got = frames(run_custom(lambda t, n: rgb, frames=1))[0]
    assert np.array_equal(got[..., :3], rgb)
    assert (got[..., 3] == 255).all()

    f = rng.random((H, W, 4))
    f[0, 0] = [np.nan, -1.0, 2.0, 0.5]  # NaN is 0, the rest clipped
    got = frames(run_custom(lambda t, n: f, frames=1))[0]
    want = np.clip(np.rint(np.nan_to_num(f, nan=0.0) * 255), 0, 255).astype(np.uint8)
    assert np.array_equal(got, want)
    assert list(got[0, 0]) == [0, 0, 255, 128]


@pytest.mark.parametrize("fmt", ["I420", "NV12", "YUY2", "AYUV", "Y444", "RGB16", "GRAY8"])
@pytest.mark.parametrize("argb", [0xFF20C040, 0xFFFFFFFF, 0xFF0000FF])
def test_custom_solid_colour_is_c_solid_color(fmt, argb):
    rgb = np.array([(argb >> 16) & 255, (argb >> 8) & 255, argb & 255], np.uint8)
    py = run_custom(lambda t, n: np.broadcast_to(rgb, (H, W, 3)), fmt=fmt, frames=1)
    c = capture(
        f"videotestsrc pattern=solid-color foreground-color={argb} num-buffers=1 ! "
        f"{caps(fmt)} ! appsink name=sink"
    )
    assert py.error is None and c.error is None
    assert py.caps.is_equal(c.caps)
    assert py.data == c.data


@pytest.mark.parametrize(
    ("generator", "words"),
    [
        (lambda t, n: np.zeros((H, W)), "shape"),
        (lambda t, n: np.zeros((H + 1, W, 3)), "shape"),
        (lambda t, n: np.zeros((H, W, 3), complex), "complex"),
        (lambda t, n: 1 / 0, "ZeroDivisionError"),
        (lambda t: None, "TypeError"),
    ],
)
def test_custom_generator_faults_are_bus_errors(generator, words):
    r = run_custom(generator)
    assert r.error is not None
    assert words in f"{r.error} {r.error_debug}", (r.error, r.error_debug)
    assert not r.buffers


def test_custom_without_generator_is_a_bus_error():
    r = capture(
        f"videotestsrc_py pattern=custom num-buffers=2 ! {caps('RGBA')} ! appsink name=sink"
    )
    assert r.error is not None
    assert "generator" in f"{r.error} {r.error_debug}"


# -- overlay -------------------------------------------------------------------------------


def _run(props: str, fmt: str = "RGBA", n: int = 3):
    r = capture(
        f"videotestsrc_py {props} num-buffers={n} ! {caps(fmt, 128, 48)} ! appsink name=sink"
    )
    assert r.error is None, r.error_debug
    return [np.frombuffer(b.data, np.uint8).reshape(48, 128, 4) for b in r.buffers]


@pytest.mark.parametrize("mode", ["frame-number", "timestamp"])
def test_overlay_burns_a_changing_label_into_the_corner_only(mode):
    plain = _run("pattern=smpte75")
    marked = _run(f"pattern=smpte75 overlay={mode} foreground-color=0xffff0000")
    for a, b in zip(plain, marked, strict=True):
        diff = np.argwhere((a != b).any(axis=-1))
        assert len(diff)
        assert diff.max(axis=0).tolist() < [20, 100]  # a box in the top-left corner
    # Each frame says something else.
    assert not np.array_equal(marked[0][:20, :100], marked[1][:20, :100])
    assert not np.array_equal(marked[1][:20, :100], marked[2][:20, :100])
    # The label is drawn in the foreground colour (red in RGBA).
    assert ((marked[1][:20, :100] == [255, 0, 0, 255]).all(axis=-1)).any()


def test_overlay_on_a_static_pattern_in_i420():
    r = capture(
        "videotestsrc_py pattern=white overlay=frame-number num-buffers=2 ! "
        f"{caps('I420', 64, 48)} ! appsink name=sink"
    )
    assert r.error is None
    y0 = np.frombuffer(r.buffers[0].data, np.uint8)[: 64 * 48].reshape(48, 64)
    y1 = np.frombuffer(r.buffers[1].data, np.uint8)[: 64 * 48].reshape(48, 64)
    assert (y0[30:] == 235).all()  # C's white below the label
    assert not np.array_equal(y0, y1)


# -- seed ----------------------------------------------------------------------------------


def test_seed_gives_reproducible_snow_other_than_cs():
    c = _run("pattern=snow", n=2)
    zero = _run("pattern=snow seed=0", n=2)
    seeded = [_run("pattern=snow seed=12345", n=2) for _ in range(2)]
    other = _run("pattern=snow seed=12346", n=2)
    assert all(np.array_equal(a, b) for a, b in zip(c, zero, strict=True))
    assert all(np.array_equal(a, b) for a, b in zip(*seeded, strict=True))
    assert not np.array_equal(seeded[0][0], zero[0])
    assert not np.array_equal(seeded[0][0], other[0])
    # Snow is grey: R = G = B.
    px = seeded[0][0]
    assert (px[..., 0] == px[..., 1]).all() and (px[..., 1] == px[..., 2]).all()


def test_seed_set_while_playing_restarts_the_sequence():
    """Setting the same seed before frame 0 and before frame 2 repeats frame 0."""

    def configure(p):
        src = p.get_by_name("s")
        seen = [0]

        def probe(_pad, _info):
            seen[0] += 1
            if seen[0] == 2:
                src.set_property("seed", 99)
            return Gst.PadProbeReturn.OK

        src.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, probe)

    r = capture(
        f"videotestsrc_py name=s pattern=snow seed=99 num-buffers=3 ! {caps('GRAY8')} "
        "! appsink name=sink",
        configure=configure,
    )
    assert r.error is None
    d = [b.data for b in r.buffers]
    assert d[0] != d[1]
    assert d[2] == d[0]
