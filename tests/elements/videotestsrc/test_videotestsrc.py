"""videotestsrc_py against the C videotestsrc, frame for frame, in the same run.

Every pattern in every format the element offers, at odd and even sizes; the animated
patterns over several frames and with their properties; caps, timestamps, durations
and offsets; the properties as gst-inspect shows them. Bytes are compared where the
frame holds pixels: row padding, and the bytes GStreamer's pack functions leave
unwritten, hold whatever the buffer held before (C's are not initialised).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from _gicompat import describe, pspecs

from numgst.base.gst import Gst
from numgst.elements.videotestsrc import FORMATS
from numgst.picture.frames import _direct_planes, window_start
from numgst.picture.pack import FrameGeometry, meaningful
from numgst.picture.patterns import PATTERNS
from numgst.picture.repack import REPACKED, TILINGS
from numgst.testing import capture
from numgst.toolkit.video import GstVideo
from numgst.toolkit.video_formats import pixel_format

ALL_PATTERNS = [p.nick for p in PATTERNS]
# The formats the issue names, each in every test below.
REQUIRED = (
    "RGBA BGRA RGBx xRGB RGB BGR GRAY8 GRAY16_LE I420 YV12 NV12 NV21 YUY2 UYVY AYUV Y444 Y42B"
).split()


@functools.cache
def _mask(caps: str, frames: int) -> np.ndarray:
    info = GstVideo.VideoInfo.new_from_caps(Gst.Caps.from_string(caps))
    n = info.finfo.n_planes
    lay = FrameGeometry(
        info.width, info.height, tuple(info.offset[:n]), tuple(info.stride[:n]), info.size
    )
    return np.tile(meaningful(pixel_format(info.finfo.format), lay), frames)


def run(element: str, props: str, caps: str, frames: int = 3, **kw):
    r = capture(f"{element} {props} num-buffers={frames} ! {caps} ! appsink name=sink", **kw)
    assert r.error is None, (element, props, caps, r.error, r.error_debug)
    assert len(r.buffers) == frames, (element, props, caps)
    return r


def assert_same(props: str, caps: str, frames: int = 3, timing: bool = False) -> None:
    c = run("videotestsrc", props, caps, frames)
    py = run("videotestsrc_py", props, caps, frames)
    assert py.caps.is_equal(c.caps), (py.caps.to_string(), c.caps.to_string())
    a = np.frombuffer(b"".join(b.data for b in c.buffers), np.uint8)
    b = np.frombuffer(b"".join(b.data for b in py.buffers), np.uint8)
    assert a.shape == b.shape, (props, caps)
    fixed = c.caps.to_string()
    differ = np.flatnonzero((a != b) & _mask(fixed, frames))
    assert not len(differ), (
        f"{props} {fixed}: {len(differ)} bytes differ, first at {differ[:8]}: "
        f"C {a[differ[:8]]} py {b[differ[:8]]}"
    )
    if timing:
        for x, y in zip(c.buffers, py.buffers, strict=True):
            assert (y.pts, y.duration, y.offset, y.offset_end) == (
                x.pts,
                x.duration,
                x.offset,
                x.offset_end,
            )


def caps(fmt: str, w: int, h: int, extra: str = "") -> str:
    return f"video/x-raw,format={fmt},width={w},height={h}{extra}"


# -- every pattern, every format ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_pattern_in_every_format(fmt):
    for pattern in ALL_PATTERNS:
        assert_same(f"pattern={pattern} kx2=20 ky2=20", caps(fmt, 23, 11), frames=2)


@pytest.mark.parametrize("size", [(1, 1), (2, 2), (3, 5), (64, 48), (321, 241)])
@pytest.mark.parametrize("fmt", REQUIRED)
def test_sizes(fmt, size):
    for pattern in ALL_PATTERNS:
        if size[0] == 1 and "zone-plate" in pattern:
            continue  # C divides by width / 2: SIGFPE (see test_one_pixel_zone_plate)
        assert_same(f"pattern={pattern}", caps(fmt, *size), frames=2)


def test_one_pixel_wide_zone_plate():
    # C crashes here (integer division by zero); ours draws the x*y term as 0.
    for pattern in ("zone-plate", "chroma-zone-plate"):
        r = run("videotestsrc_py", f"pattern={pattern} kxy=5 kx=3", caps("I420", 1, 9), 2)
        info = GstVideo.VideoInfo.new_from_caps(r.caps)
        assert len(r.buffers[0].data) == info.size


def test_offered_formats_cover_the_issue():
    assert set(REQUIRED) <= set(FORMATS)
    assert set(REPACKED) <= set(FORMATS)
    assert len(FORMATS) >= 111  # every raw format C offers


# Widths that end each format's groups of pixels at every place (3 per word, 4 per
# 5 bytes, 6 per 16 bytes, pairs, fours), heights odd and even.
@pytest.mark.parametrize("size", [(1, 1), (2, 3), (3, 2), (4, 5), (5, 4), (7, 3), (11, 6), (13, 7)])
@pytest.mark.parametrize("fmt", sorted(REPACKED))
def test_formats_packed_from_an_analog_at_every_tail(fmt, size):
    for pattern in ("smpte", "ball", "colors", "zone-plate", "gamut"):
        if size[0] == 1 and pattern == "zone-plate":
            continue  # C divides by width / 2: SIGFPE (see test_one_pixel_zone_plate)
        assert_same(f"pattern={pattern} kx2=20 ky2=20", caps(fmt, *size), frames=2)


def _windowed(fmt: str) -> bool:
    pf = pixel_format(GstVideo.VideoFormat.from_string(fmt))
    return window_start(pf, 75) is not None and _direct_planes(pf, None) is None


WINDOWED = [f for f in FORMATS if _windowed(f)]


@pytest.mark.parametrize("size", [(101, 37), (128, 580)])
@pytest.mark.parametrize("fmt", WINDOWED)
def test_smpte_snow_repacked_from_a_window_of_columns(fmt, size):
    # Planar formats repaint smpte's snow from a window of columns, whose left edge
    # filters chroma unlike the whole row: what is copied back must not show it.
    # 101x37: snow from column 75, window from 32, odd sizes for the chroma. 128x580:
    # the window starts where the bars' chroma changes (+Q | super black, at 64),
    # and above 576 rows GstVideo sites chroma on luma columns (filtered across it).
    assert_same("pattern=smpte", caps(fmt, *size), frames=3)


# Several tiles each way, even and odd counts of them (the Z-flip-Z order of NV12_64Z32
# treats a last single row of tiles apart), partial tiles at the right and bottom.
@pytest.mark.parametrize("size", [(200, 100), (130, 70), (40, 300), (67, 259)])
@pytest.mark.parametrize("fmt", [*sorted(TILINGS), "NV12_10BE_8L128"])
def test_tiled_formats_over_many_tiles(fmt, size):
    for pattern in ("smpte", "zone-plate", "ball"):
        assert_same(f"pattern={pattern} kx2=20 ky2=20", caps(fmt, *size), frames=2)


# -- animation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "props",
    [
        "pattern=ball",
        "pattern=ball motion=sweep",
        "pattern=ball motion=hsweep",
        "pattern=ball flip=true",
        "pattern=ball animation-mode=running-time",
        "pattern=zone-plate kt=1",
        "pattern=zone-plate kt=3 kxt=5 kyt=-7 kt2=11 kxy=9 kx2=300 ky2=-200 xoffset=3 yoffset=-5",
        "pattern=chroma-zone-plate kt=2 kx=3 ky=4 k0=100",
        "pattern=zone-plate kx=2147483647 ky=-2147483648 kxy=2147483647 kt=65537",
        "pattern=blink",
        "pattern=snow",
        "pattern=smpte horizontal-speed=7",
        "pattern=checkers-8 horizontal-speed=-3",
        "pattern=smpte-rp-219 horizontal-speed=5",
        "pattern=colors horizontal-speed=100",
        "pattern=pinwheel kt=5",
        "pattern=spokes kt=5",
        "pattern=snow foreground-color=0xff20c040 background-color=0xff102030",
        "pattern=circular foreground-color=0xffff0000",
        "pattern=solid-color foreground-color=0xff123456",
        "pattern=gradient background-color=0xff0000ff",
    ],
)
@pytest.mark.parametrize(
    "fmt", ["RGBA", "I420", "YUY2", "NV21", "Y42B", "GRAY16_LE", "Y41B", "YUV9"]
)
def test_animated(props, fmt):
    assert_same(props, caps(fmt, 97, 61), frames=120 if "ball" in props else 5)


@pytest.mark.parametrize(
    "extra",
    [
        ",colorimetry=bt709",
        ",colorimetry=bt601",
        ",chroma-site=jpeg",
        ",chroma-site=mpeg2",
        ",chroma-site=dv",
        ",chroma-site=cosited",
    ],
)
@pytest.mark.parametrize("fmt", ["I420", "NV12", "YUY2", "Y41B", "YUV9", "I420_10LE", "AYUV64"])
def test_colorimetry_and_chroma_site(fmt, extra):
    for pattern in ("smpte", "snow", "colors", "ball"):
        assert_same(f"pattern={pattern}", caps(fmt, 37, 19, extra), frames=2)


def test_hd_default_chroma_site_is_cosited():
    # GstVideo gives heights above 576 BT.709 and horizontally cosited chroma.
    assert_same("pattern=colors", caps("I420", 33, 579), frames=1)
    assert_same("pattern=smpte75", caps("UYVY", 33, 600), frames=1)


def test_property_change_mid_stream_rerenders():
    def configure(p):
        src = p.get_by_name("s")
        pad = src.get_static_pad("src")
        count = [0]

        def probe(_pad, _info):
            count[0] += 1
            if count[0] == 3:
                src.set_property("pattern", 2 if src.get_property("pattern") == 0 else 2)
                src.set_property("foreground-color", 0xFF00FF00)
            return Gst.PadProbeReturn.OK

        pad.add_probe(Gst.PadProbeType.BUFFER, probe)

    got = []
    for el in ("videotestsrc", "videotestsrc_py"):
        r = capture(
            f"{el} name=s pattern=checkers-4 num-buffers=6 ! {caps('I420', 40, 30)} ! "
            "appsink name=sink",
            configure=configure,
        )
        assert r.error is None
        got.append([b.data for b in r.buffers])
    assert got[0] == got[1]


# -- caps and time -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "downstream",
    [
        "video/x-raw",
        "video/x-raw,framerate=25/1",
        "video/x-raw,framerate=30000/1001,width=[100,200]",
        "video/x-raw,format={NV12,RGBA}",
        "video/x-raw,pixel-aspect-ratio=4/3",
        "video/x-raw,framerate=0/1",
        "video/x-raw,interlace-mode=progressive,colorimetry=bt709",
    ],
)
def test_negotiation_and_timestamps_like_c(downstream):
    frames = 1 if "0/1" in downstream else 4
    assert_same("timestamp-offset=12345", downstream, frames=frames, timing=True)


def test_foreground_alpha_picks_a_format_with_alpha():
    for props in ("foreground-color=0x80ffffff", "foreground-color=0x80ffffff pattern=ball"):
        assert_same(props, "video/x-raw", frames=2)
        assert_same(props, "video/x-raw,format={I420,BGRA,NV12}", frames=2)
        assert_same(props, "video/x-raw,format=I420", frames=2)


def test_seek_and_reverse_like_c():
    def seek(rate):
        def setup(p):
            p.seek(
                rate,
                Gst.Format.TIME,
                Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE,
                Gst.SeekType.SET,
                Gst.SECOND if rate > 0 else 0,
                Gst.SeekType.SET,
                -1 if rate > 0 else Gst.SECOND,
            )

        return setup

    for rate in (1.0, -1.0):
        out = []
        for el in ("videotestsrc", "videotestsrc_py"):
            r = capture(
                f"{el} pattern=ball ! {caps('RGBA', 64, 48, ',framerate=10/1')} ! "
                "appsink name=sink",
                setup=seek(rate),
                max_buffers=8,
            )
            assert r.error is None
            out.append([(b.pts, b.duration, b.offset, b.data) for b in r.buffers])
        assert out[0] == out[1], rate


def test_live_mode_like_c():
    out = []
    for el in ("videotestsrc", "videotestsrc_py"):
        r = capture(
            f"{el} is-live=true pattern=ball num-buffers=4 ! "
            f"{caps('I420', 32, 24, ',framerate=50/1')} ! appsink name=sink",
        )
        assert r.error is None
        # Live: the first timestamp is the running time when streaming started.
        t0 = r.buffers[0].pts
        assert 0 <= t0 < Gst.SECOND
        out.append([(b.pts - t0, b.duration, b.offset, b.offset_end, b.data) for b in r.buffers])
    assert out[0] == out[1]


def test_latency_query_like_c():
    got = []
    for el in ("videotestsrc", "videotestsrc_py"):
        p = Gst.parse_launch(f"{el} is-live=true ! video/x-raw,framerate=24/1 ! fakesink")
        p.set_state(Gst.State.PLAYING)
        p.get_state(5 * Gst.SECOND)
        q = Gst.Query.new_latency()
        assert p.query(q)
        got.append(q.parse_latency())
        p.set_state(Gst.State.NULL)
    assert got[0] == got[1]


def test_duration_and_convert_queries_like_c():
    def answers(el: str) -> list:
        p = Gst.parse_launch(
            f"{el} name=s num-buffers=30 ! {caps('I420', 64, 48, ',framerate=25/1')} ! fakesink"
        )
        p.set_state(Gst.State.PAUSED)
        p.get_state(5 * Gst.SECOND)
        pad = p.get_by_name("s").get_static_pad("src")
        out = []
        for fmt in (Gst.Format.TIME, Gst.Format.BYTES, Gst.Format.DEFAULT):
            q = Gst.Query.new_duration(fmt)
            out.append((pad.query(q), q.parse_duration()))
        for src, val, dest in (
            (Gst.Format.TIME, Gst.SECOND, Gst.Format.BYTES),
            (Gst.Format.TIME, Gst.SECOND, Gst.Format.DEFAULT),
            (Gst.Format.DEFAULT, 7, Gst.Format.TIME),
            (Gst.Format.BYTES, 64 * 48 * 3, Gst.Format.TIME),
        ):
            q = Gst.Query.new_convert(src, val, dest)
            out.append((pad.query(q), q.parse_convert()))
        p.set_state(Gst.State.NULL)
        return out

    assert answers("videotestsrc_py") == answers("videotestsrc")


# -- the properties as gst-inspect shows them ----------------------------------------------

BEYOND_C = {"seed", "generator", "overlay"}


def test_properties_match_c():
    c, py = pspecs("videotestsrc"), pspecs("videotestsrc_py")
    assert set(py) - set(c) == BEYOND_C
    assert set(c) - set(py) == set()
    for name in c:
        ours, theirs = describe(py[name]), describe(c[name])
        if name == "pattern":  # C's values, then custom
            assert ours["values"][-1][2] == "custom"
            ours["values"] = ours["values"][:-1]
        if name == "name":
            ours["default"] = theirs["default"] = None
        assert ours == theirs, name


def test_pad_template_and_metadata_match_c():
    c = Gst.ElementFactory.find("videotestsrc")
    py = Gst.ElementFactory.find("videotestsrc_py")
    for key in ("klass", "description"):
        assert py.get_metadata(key) == c.get_metadata(key)
    ct = c.get_static_pad_templates()[0].get_caps()
    pt = py.get_static_pad_templates()[0].get_caps()
    assert pt.is_subset(ct)
    # The same fields but the format list (video/x-bayer is not offered, see README).
    a, b = pt[0].copy(), ct[0].copy()
    a.remove_field("format")
    b.remove_field("format")
    assert a.is_equal(b)
