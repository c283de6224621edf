"""The toolkit's base classes, through the examples (gst-launch with the plugin loader,
and in-process) and directly: each one doing GStreamer's part right."""

from __future__ import annotations

import os

import numpy as np
import pytest
from _examples import EXAMPLES, register_examples
from _isolated import ROOT, run_command

from numgst.base.gst import Gst, GstController
from numgst.testing import capture
from numgst.toolkit import AudioFilter, AudioSource, Prop, VideoFilter, VideoSource


@pytest.fixture(scope="module", autouse=True)
def _examples():
    register_examples()


def _launch(pipeline: str) -> str:
    """gst-launch-1.0 through the plugin loader, the examples' folder on the path."""
    from numgst.loader import environment

    env = environment([str(EXAMPLES)])
    env["GST_REGISTRY"] = str(ROOT / ".cache" / "registry-examples.bin")
    r = run_command(["gst-launch-1.0", "-q", *pipeline.split()], timeout=60, env=env)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    return r.stdout


def _f32(desc: str, **kw) -> np.ndarray:
    c = capture(desc, **kw)
    assert c.error is None, c.error_debug
    return np.frombuffer(c.data, np.float32)


# -- the examples, through gst-launch and in-process ---------------------------------


def test_every_example_runs_through_gst_launch(tmp_path):
    wav = tmp_path / "x.wav"
    _launch(
        "numgst_noise level=0.25 num-buffers=20 ! audio/x-raw,format=F32LE ! numgst_gain "
        "gain=2 ! numgst_biquad cutoff=2000 ! numgst_loudness"
    )
    _launch(f"numgst_noise num-buffers=5 ! wavenc ! filesink location={wav}")
    assert wav.stat().st_size > 5 * 1024
    _launch(
        "videotestsrc num-buffers=3 ! video/x-raw,format=RGBA,width=97,height=33 ! "
        "numgst_invert ! videoconvert ! video/x-raw,format=I420 ! numgst_edges ! "
        "fakesink"
    )
    _launch(
        "videotestsrc num-buffers=2 ! video/x-raw,format=GRAY8,width=8,height=2 ! tee name=t "
        "! queue ! numgst_arraysink t. ! queue ! fakesink"
    )


def test_noise_source_is_the_level_plus_bounded_reproducible_noise():
    desc = (
        "numgst_noise level=0.5 noise=0.1 seed=3 num-buffers=4 ! "
        "audio/x-raw,format=F32LE,channels=2,rate=48000 ! appsink name=sink"
    )
    a, b = _f32(desc), _f32(desc)
    assert a.size == 4 * 1024 * 2 and np.array_equal(a, b)
    assert 0.4 <= a.min() and a.max() <= 0.6 and abs(a.mean() - 0.5) < 0.01


def test_gain_scales_and_follows_a_controller():
    src = "audiotestsrc_py freq=480 volume=0.5 num-buffers=20 ! audio/x-raw,format=F32LE,rate=48000"
    plain = _f32(f"{src} ! appsink name=sink")
    half = _f32(f"{src} ! numgst_gain gain=0.5 ! appsink name=sink")
    np.testing.assert_array_equal(half, plain * np.float32(0.5))
    same = _f32(f"{src} ! numgst_gain gain=1 ! appsink name=sink")  # passthrough
    np.testing.assert_array_equal(same, plain)

    def configure(p):
        gain = p.get_by_name("g")
        cs = GstController.InterpolationControlSource()
        cs.set_property("mode", GstController.InterpolationMode.NONE)
        gain.add_control_binding(GstController.DirectControlBinding.new_absolute(gain, "gain", cs))
        cs.set(0, 0.0)
        cs.set(10 * 1024 * Gst.SECOND // 48000, 2.0)

    ctl = _f32(f"{src} ! numgst_gain name=g ! appsink name=sink", configure=configure)
    first, last = ctl[: 10 * 1024], ctl[10 * 1024 :]
    assert not first.any()
    np.testing.assert_allclose(last, plain[10 * 1024 :] * 2, rtol=1e-6)


def test_biquad_filters_like_scipy_across_buffers():
    from scipy import signal

    src = (
        "audiotestsrc_py wave=white-noise seed=5 samplesperbuffer=777 num-buffers=10 ! "
        "audio/x-raw,format=F64LE,rate=48000,channels=2"
    )
    x = np.frombuffer(capture(f"{src} ! appsink name=sink").data, np.float64).reshape(-1, 2)
    c = capture(f"{src} ! numgst_biquad cutoff=3000 kind=highpass ! appsink name=sink")
    y = np.frombuffer(c.data, np.float64).reshape(-1, 2)
    sos = signal.butter(2, 3000 / 24000, btype="highpass", output="sos")
    np.testing.assert_allclose(y, signal.sosfilt(sos, x, axis=0), atol=1e-12)


@pytest.mark.parametrize("fmt", ["RGBA", "RGB", "GRAY8", "BGRx"])
def test_invert_inverts_colour_and_keeps_alpha(fmt):
    src = f"videotestsrc pattern=smpte num-buffers=2 ! video/x-raw,format={fmt},width=57,height=31"
    a = capture(f"{src} ! appsink name=sink")
    b = capture(f"{src} ! numgst_invert ! appsink name=sink")
    assert a.error is None and b.error is None, b.error_debug
    x, y = np.frombuffer(a.data, np.uint8), np.frombuffer(b.data, np.uint8)
    # Odd widths: rows are padded to 4 bytes; padding is never touched.
    info = __import__("numgst.toolkit.video", fromlist=["video_info"]).video_info(a.caps)
    stride, rowbytes = info.stride[0], 57 * info.finfo.pixel_stride[0]
    xr = x.reshape(2, 31, stride)[:, :, :rowbytes]
    yr = y.reshape(2, 31, stride)[:, :, :rowbytes]
    px = info.finfo.pixel_stride[0]
    colour = np.ones(px, bool)
    if fmt == "RGBA":
        colour[3] = False
    if fmt == "BGRx":
        colour[3] = False
    xs, ys = xr.reshape(2, 31, 57, px), yr.reshape(2, 31, 57, px)
    np.testing.assert_array_equal(ys[..., colour], 255 - xs[..., colour])
    if not colour.all():
        np.testing.assert_array_equal(ys[..., ~colour], xs[..., ~colour])


def test_edges_outline_the_checkers():
    c = capture(
        "videotestsrc pattern=checkers-8 num-buffers=1 ! "
        "video/x-raw,format=GRAY8,width=64,height=48 ! numgst_edges ! appsink name=sink"
    )
    assert c.error is None, c.error_debug
    e = np.frombuffer(c.data, np.uint8).reshape(48, 64)
    inner = e[8:-8, 8:-8]
    assert (inner[3::8, 7] > 20).all() and (inner[3::8, 3] == 0).all()  # an edge, a flat square


def test_loudness_posts_the_rms_level():
    p = Gst.parse_launch(
        "audiotestsrc_py volume=0.5 num-buffers=50 ! "
        "audio/x-raw,format=S16LE,channels=2 ! numgst_loudness interval=50000000"
    )
    p.set_state(Gst.State.PLAYING)
    levels = []
    try:
        while True:
            m = p.get_bus().timed_pop_filtered(
                5 * Gst.SECOND, Gst.MessageType.ELEMENT | Gst.MessageType.EOS
            )
            if m is None or m.type != Gst.MessageType.ELEMENT:
                break
            levels.append(list(m.get_structure().get_value("rms-db")))
    finally:
        p.set_state(Gst.State.NULL)
    assert len(levels) >= 15
    # A sine at half scale: 20 log10(0.5 / sqrt 2) = -9.03 dBFS.
    np.testing.assert_allclose(levels[2:], -9.03, atol=0.02)


# -- the base classes directly ------------------------------------------------------


class Ramp(AudioSource):
    """Sample index / 1000 (a test of time and offsets)"""

    __gtype_name__ = "NumgstTestRamp"
    FORMATS = ("F32LE", "S16LE", "S24BE", "U8")

    def generate(self, first_sample, frames):
        return (np.arange(first_sample, first_sample + frames) % 1000) / 1000.0


class Filled(AudioSource):
    """Writes the channel index into the buffer itself"""

    __gtype_name__ = "NumgstTestFilled"

    def fill(self, out, first_sample):
        out[...] = np.arange(out.shape[1])


class Doubler(AudioFilter):
    """Not in place: returns 2x"""

    __gtype_name__ = "NumgstTestDoubler"
    FORMATS = ("F32LE", "S16LE")
    IN_PLACE = False

    def transform(self, x):
        return 2 * x


class Shade(VideoSource):
    """A frame of its number"""

    __gtype_name__ = "NumgstTestShade"
    FORMATS = ("RGBA", "I420", "GRAY16_LE")
    PROPS = VideoSource.PROPS + (
        Prop("base", int, nick="Base", blurb="Base value", default=0, minimum=0, maximum=200),
    )

    def fill(self, frame):
        for plane in frame.planes:
            plane.fill(self.settings.base + frame.number)


class Swap(VideoFilter):
    """Copies the picture upside down (not in place)"""

    __gtype_name__ = "NumgstTestSwap"
    IN_PLACE = False

    def transform(self, src, dst):
        for a, b in zip(src.planes, dst.planes, strict=True):
            b[...] = a[::-1]


@pytest.fixture(scope="module", autouse=True)
def _test_elements():
    for name, cls in (
        ("numgst_test_ramp", Ramp),
        ("numgst_test_filled", Filled),
        ("numgst_test_doubler", Doubler),
        ("numgst_test_shade", Shade),
        ("numgst_test_swap", Swap),
    ):
        if Gst.ElementFactory.find(name) is None:
            Gst.Element.register(None, name, Gst.Rank.NONE, cls)


def test_audio_source_times_offsets_and_formats_like_audiotestsrc():
    caps = "audio/x-raw,rate=8000,channels=2"
    ours = capture(
        f"numgst_test_ramp samplesperbuffer=300 num-buffers=4 ! {caps},"
        "format=F32LE ! appsink name=sink"
    )
    c = capture(
        f"audiotestsrc samplesperbuffer=300 num-buffers=4 ! {caps},format=F32LE ! appsink name=sink"
    )
    assert [(b.pts, b.duration, b.offset, b.offset_end) for b in ours.buffers] == [
        (b.pts, b.duration, b.offset, b.offset_end) for b in c.buffers
    ]
    x = np.frombuffer(ours.data, np.float32).reshape(-1, 2)
    np.testing.assert_allclose(x[:, 0], (np.arange(1200) % 1000) / 1000.0, atol=1e-7)
    for fmt in ("S16LE", "S24BE", "U8"):
        r = capture(f"numgst_test_ramp num-buffers=2 ! {caps},format={fmt} ! appsink name=sink")
        assert (
            r.error is None and len(r.data) == 2 * 1024 * 2 * {"S16LE": 2, "S24BE": 3, "U8": 1}[fmt]
        )


def test_audio_source_seeks_in_time():
    def seek(p):
        p.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE, Gst.SECOND)

    r = capture(
        "numgst_test_ramp ! audio/x-raw,rate=8000,format=F32LE,channels=1 ! appsink name=sink",
        setup=seek,
        max_buffers=4,
    )
    b = [x for x in r.buffers if x.offset == 8000][0]
    assert b.pts == Gst.SECOND
    assert np.frombuffer(b.data, np.float32)[0] == np.float32(0.0)  # 8000 % 1000


def test_audio_source_fill_writes_the_buffer_itself():
    x = _f32(
        "numgst_test_filled num-buffers=2 ! audio/x-raw,format=F32LE,channels=3 ! appsink name=sink"
    ).reshape(-1, 3)
    assert (x == [0, 1, 2]).all()


@pytest.mark.parametrize("fmt,dtype", [("F32LE", "<f4"), ("S16LE", "<i2")])
def test_audio_filter_not_in_place_any_format(fmt, dtype):
    src = f"audiotestsrc_py volume=0.25 num-buffers=3 ! audio/x-raw,format={fmt}"
    a = np.frombuffer(capture(f"{src} ! appsink name=sink").data, dtype).astype(float)
    b = np.frombuffer(
        capture(f"{src} ! numgst_test_doubler ! appsink name=sink").data, dtype
    ).astype(float)
    np.testing.assert_allclose(b, 2 * a, atol=2.0)


def test_video_source_times_like_videotestsrc_and_planes_with_strides():
    caps = "video/x-raw,width=33,height=17,framerate=25/1"
    for fmt in ("RGBA", "I420", "GRAY16_LE"):
        ours = capture(
            f"numgst_test_shade base=10 num-buffers=5 ! {caps},format={fmt} ! appsink name=sink"
        )
        c = capture(f"videotestsrc num-buffers=5 ! {caps},format={fmt} ! appsink name=sink")
        assert ours.error is None, ours.error_debug
        assert [(b.pts, b.duration, b.offset, b.offset_end) for b in ours.buffers] == [
            (b.pts, b.duration, b.offset, b.offset_end) for b in c.buffers
        ]
        assert [len(b.data) for b in ours.buffers] == [len(b.data) for b in c.buffers]
        first = np.frombuffer(ours.buffers[3].data, np.uint8)
        assert 13 in first  # frame 3 drawn with base 10
    r = capture(
        f"numgst_test_shade timestamp-offset=1000 num-buffers=2 ! {caps} ! appsink name=sink"
    )
    assert [b.pts for b in r.buffers] == [1000, 1000 + Gst.SECOND // 25]


def test_video_filter_into_another_frame():
    src = "videotestsrc pattern=smpte num-buffers=1 ! video/x-raw,format=I420,width=41,height=31"
    from numgst.toolkit.video import VideoLayout, video_info

    a = capture(f"{src} ! appsink name=sink")
    b = capture(f"{src} ! numgst_test_swap ! numgst_test_swap ! appsink name=sink")
    assert b.error is None, b.error_debug
    # Plane by plane: the rows' padding is not the picture (and is left as it is).
    layout = VideoLayout.from_info(video_info(a.caps))
    for p in layout.planes:
        np.testing.assert_array_equal(_plane_of(a.data, p), _plane_of(b.data, p))


def _plane_of(data: bytes, p) -> np.ndarray:
    rows, cols = p.shape[:2]
    raw = np.frombuffer(data, np.uint8)[p.offset : p.offset + rows * p.stride]
    return raw.reshape(rows, p.stride)[:, :cols]


def test_array_sink_hands_arrays_to_a_callable():
    got = []
    p = Gst.parse_launch(
        "audiotestsrc_py num-buffers=3 volume=0.5 ! audio/x-raw,format=S16LE,"
        "channels=2 ! numgst_arraysink name=s"
    )
    p.get_by_name("s").set_property("callback", lambda x, pts: got.append((x.copy(), pts)))
    p.set_state(Gst.State.PLAYING)
    p.get_bus().timed_pop_filtered(5 * Gst.SECOND, Gst.MessageType.EOS)
    p.set_state(Gst.State.NULL)
    assert [g[0].shape for g in got] == [(1024, 2)] * 3
    assert got[0][0].dtype == np.float32 and 0.49 < np.abs(got[0][0]).max() <= 0.5
    frames = []
    p = Gst.parse_launch(
        "videotestsrc num-buffers=2 ! video/x-raw,format=NV12,width=20,"
        "height=10 ! numgst_arraysink name=s"
    )
    p.get_by_name("s").set_property(
        "callback", lambda f, pts: frames.append([pl.shape for pl in f.planes])
    )
    p.set_state(Gst.State.PLAYING)
    p.get_bus().timed_pop_filtered(5 * Gst.SECOND, Gst.MessageType.EOS)
    p.set_state(Gst.State.NULL)
    assert frames == [[(10, 20), (5, 10, 2)]] * 2


def test_keeping_a_view_past_the_call_is_a_bus_error():
    class Keeper(VideoFilter):
        """keeps a plane"""

        __gtype_name__ = "NumgstTestKeeper"

        def transform(self, frame):
            self.kept = frame.planes[0][1:]

    Gst.Element.register(None, "numgst_test_keeper", Gst.Rank.NONE, Keeper)
    c = capture(
        "videotestsrc num-buffers=2 ! video/x-raw,format=RGBA,width=8,height=8 ! "
        "numgst_test_keeper ! appsink name=sink"
    )
    assert c.error is not None and "EscapedViewError" in c.error


def test_a_plain_python_loader_folder_of_ones_own():
    # The README's recipe: a folder with python/<element>.py, given to the launcher.
    r = run_command(
        ["python", "-m", "numgst", "inspect", "-p", str(EXAMPLES), "numgst_gain"],
        timeout=60,
        env={"GST_REGISTRY": str(ROOT / ".cache" / "registry-own.bin")},
    )
    assert r.returncode == 0 and "Multiplies the audio" in r.stdout, r.stdout + r.stderr
    assert os.environ.get("GST_PLUGIN_PATH")  # ./run's, kept by the launcher
