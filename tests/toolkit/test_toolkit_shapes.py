"""The element shapes beyond one-in-one-out of the same caps, through their examples:
caps-changing transforms (crop, shrink, downmix), a visualiser (meter), mixers
(mixer, overlay); each through gst-launch and in-process against its oracle (a C
element or numpy), and the Harness the examples' tests are written with."""

from __future__ import annotations

import numpy as np
import pytest
from _examples import EXAMPLES, register_examples
from _isolated import ROOT, run_command

from numgst.base.gst import Gst
from numgst.testing import Harness, HarnessError, capture
from numgst.toolkit import AudioFilter, AudioMixer, Prop, VideoMixer
from numgst.toolkit.video import video_info

NEW = ("crop", "shrink", "downmix", "meter", "mixer", "overlay")


@pytest.fixture(scope="module", autouse=True)
def _examples():
    register_examples()


def _ok(desc: str, **kw):
    c = capture(desc, **kw)
    assert c.error is None, c.error_debug
    return c


def _audio(fmt: str, channels: int = 2) -> str:
    mask = f",channel-mask=(bitmask){(1 << channels) - 1:#x}" if channels > 2 else ""
    return f"audio/x-raw,format={fmt},layout=interleaved,rate=48000,channels={channels}{mask}"


def test_new_examples_are_short_and_run_through_gst_launch():
    from numgst.loader import environment

    for name in NEW:
        code = (EXAMPLES / "python" / f"numgst_{name}.py").read_text().splitlines()
        assert len([x for x in code if x.strip()]) < 50, name
    env = environment([str(EXAMPLES)])
    env["GST_REGISTRY"] = str(ROOT / ".cache" / "registry-examples.bin")
    for pipeline in (
        "videotestsrc num-buffers=3 ! video/x-raw,format=I420,width=64,height=48 ! "
        "numgst_crop left=2 top=4 ! numgst_overlay ! videoconvert ! video/x-raw,format=RGBA "
        "! numgst_shrink factor=4 ! fakesink",
        "audiotestsrc num-buffers=5 ! audio/x-raw,channels=2 ! numgst_downmix ! tee name=t "
        "t. ! queue ! numgst_meter ! fakesink t. ! queue ! numgst_mixer name=m ! fakesink "
        "audiotestsrc num-buffers=3 ! m.",
        "numgst_mixer name=m sink_0::volume=0.5 ! fakesink audiotestsrc num-buffers=3 ! m.sink_0",
    ):
        r = run_command(["gst-launch-1.0", "-q", *pipeline.split()], timeout=60, env=env)
        assert r.returncode == 0 and "Traceback" not in r.stderr, r.stdout + r.stderr


# -- caps-changing transforms ---------------------------------------------------------


@pytest.mark.parametrize("fmt", ["RGBA", "BGRx", "RGB", "BGR", "GRAY8", "I420", "Y444"])
def test_crop_equals_videocrop(fmt):
    src = f"videotestsrc pattern=smpte num-buffers=2 ! video/x-raw,format={fmt},width=58,height=34"
    a = _ok(f"{src} ! videocrop left=4 right=6 top=2 bottom=8 ! appsink name=sink")
    b = _ok(f"{src} ! numgst_crop left=4 right=6 top=2 bottom=8 ! appsink name=sink")
    assert a.caps.is_equal(b.caps) and a.data == b.data


def test_crop_renegotiates_when_its_edges_change():
    caps = "video/x-raw,format=GRAY8,width=16,height=8,framerate=30/1"
    picture = np.arange(128, dtype=np.uint8).reshape(8, 16)
    with Harness("numgst_crop", left=3, input_caps=caps) as h:
        h.push(picture)
        np.testing.assert_array_equal(h.pull_array(), picture[:, 3:])
        h.set(left=0, bottom=2)
        h.push(picture)
        np.testing.assert_array_equal(h.pull_array(), picture[:6])
        assert h.output_caps()[0].get_value("height") == 6


@pytest.mark.parametrize("fmt", ["RGBA", "BGRx", "RGB", "GRAY8"])
@pytest.mark.parametrize("factor", [2, 3])
def test_shrink_is_the_box_mean_of_c_videotestsrc_frames(fmt, factor):
    src = f"videotestsrc pattern=snow num-buffers=2 ! video/x-raw,format={fmt},width=61,height=35"
    a = _ok(f"{src} ! appsink name=sink")
    b = _ok(f"{src} ! numgst_shrink factor={factor} ! appsink name=sink")
    info, out = video_info(a.caps), video_info(b.caps)
    assert (out.width, out.height) == (61 // factor, 35 // factor)
    px = info.finfo.pixel_stride[0]
    for x, y in zip(a.buffers, b.buffers, strict=True):
        pic = np.frombuffer(x.data, np.uint8).reshape(35, info.stride[0])[:, : 61 * px]
        pic = pic.reshape(35, 61, px).astype(np.int64)
        h, w = out.height, out.width
        box = pic[: h * factor, : w * factor].reshape(h, factor, w, factor, px).sum(axis=(1, 3))
        want = (box + factor * factor // 2) // (factor * factor)
        got = np.frombuffer(y.data, np.uint8).reshape(h, out.stride[0])[:, : w * px]
        np.testing.assert_array_equal(got.reshape(h, w, px), want)


@pytest.mark.parametrize("fmt", ["F32LE", "F64LE", "S16LE", "S32LE"])
def test_downmix_is_the_channel_mean(fmt):
    src = f"audiotestsrc_py wave=white-noise seed=5 num-buffers=3 ! {_audio(fmt, 3)}"
    with Harness("numgst_downmix", input_caps=_audio(fmt, 3)) as h:
        dt = {"F32LE": np.float32, "F64LE": np.float64, "S16LE": np.int16, "S32LE": np.int32}[fmt]
        x = np.frombuffer(_ok(f"{src} ! appsink name=sink").data, dt).reshape(-1, 3)
        h.push(x)
        y = h.pull_array()
        assert y.shape == (x.shape[0], 1) and h.output_caps()[0].get_value("channels") == 1
        if dt in (np.int16, np.int32):
            full = 32768.0 if dt is np.int16 else 2.0**31
            ref = np.clip(np.rint((x / full).mean(axis=1) * full), -full, full - 1)
            np.testing.assert_array_equal(y[:, 0], ref)
        else:
            np.testing.assert_array_equal(y[:, 0], x.mean(axis=1, dtype=dt))
        h.set(channel=2)
        h.push(x)
        np.testing.assert_array_equal(h.pull_array()[:, 0], x[:, 2])


def test_meter_bars_are_the_rms_of_each_channels_frame():
    # 25 frames/s at 48 kHz: 1920 samples a frame, 40 periods of 1 kHz.
    a = "audiotestsrc freq=1000 volume=0.5 num-buffers=20 ! audio/x-raw,rate=48000,channels=2"
    both = "audioconvert ! audio/x-raw,format=F32LE"
    c = _ok(
        f"{a} ! {both} ! numgst_meter gap=2 ! video/x-raw,format=RGBA,width=64,height=40 "
        "! appsink name=sink"
    )
    frames = np.frombuffer(c.data, np.uint8).reshape(-1, 40, 64, 4)
    assert frames.shape[0] == 20 * 1024 // 1920 + 1  # the last, partial one at EOS
    lit = (frames[2, ..., 0] == 255).sum(axis=0)
    level = round(0.5 / np.sqrt(2) * 40)
    np.testing.assert_array_equal(lit[[0, 32]], 0)  # the gaps
    np.testing.assert_array_equal(lit[1:32], level)
    np.testing.assert_array_equal(lit[33:], level)


# -- mixers ---------------------------------------------------------------------------


def _mixed(element: str, fmt: str, volume: float, bufs: int = 10) -> np.ndarray:
    srcs = " ".join(
        f"audiotestsrc freq={440 * (k + 1)} volume=0.3 num-buffers={bufs + 5 * k} ! "
        f"{_audio(fmt)} ! m.sink_{k}"
        for k in range(2)
    )
    c = _ok(f"{element} name=m sink_1::volume={volume} ! appsink name=sink {srcs}")
    dt = np.float32 if fmt == "F32LE" else np.int16
    return np.frombuffer(c.data, dt).astype(np.float64), c


@pytest.mark.parametrize("volume", [1.0, 0.5, 0.0, 3.0])
def test_mixer_equals_audiomixer_f32(volume):
    ours, a = _mixed("numgst_mixer", "F32LE", volume)
    c, b = _mixed("audiomixer", "F32LE", volume)
    np.testing.assert_array_equal(ours, c)
    assert [(x.pts, x.duration) for x in a.buffers] == [(x.pts, x.duration) for x in b.buffers]


def test_mixer_equals_audiomixer_s16():
    # At unity volume C adds with saturation, as numgst's sum then clip does for two
    # inputs: bit for bit. Other volumes C applies in 11-bit fixed point, rounding
    # down; numgst rounds to nearest: never more than one step apart.
    np.testing.assert_array_equal(_mixed("numgst_mixer", "S16LE", 1.0)[0],
                                  _mixed("audiomixer", "S16LE", 1.0)[0])  # fmt: skip
    ours, c = _mixed("numgst_mixer", "S16LE", 0.5)[0], _mixed("audiomixer", "S16LE", 0.5)[0]
    assert ours.shape == c.shape and np.abs(ours - c).max() <= 1


def test_mixer_through_the_harness_pads_volume_mute_and_a_pad_without_data():
    with Harness("numgst_mixer", inputs=2, input_caps=_audio("F32LE", 1)) as h:
        h.pad(1).set_property("volume", 0.5)
        h.push(np.full(480, 0.25, np.float32), input=0)
        h.push(np.full(480, 0.5, np.float32), input=1)
        np.testing.assert_array_equal(h.pull_array(), 0.5)
        h.pad(0).set_property("mute", True)
        h.push(np.full(480, 0.25, np.float32), input=0)
        h.push(np.full(480, 0.5, np.float32), input=1)
        np.testing.assert_array_equal(h.pull_array(), 0.25)
        h.pad(0).set_property("mute", False)
        h.eos()  # on both; then a pad that ended has no data: the output ends too
        assert any(e.type == Gst.EventType.EOS for e in _events_until_eos(h))


def _events_until_eos(h: Harness) -> list[Gst.Event]:
    import time

    events: list[Gst.Event] = []
    deadline = time.monotonic() + 5
    while not any(e.type == Gst.EventType.EOS for e in events) and time.monotonic() < deadline:
        events += h.events()
        time.sleep(0.005)
    return events


def test_mixer_pad_volume_follows_a_controller():
    with Harness("numgst_mixer", inputs=1, input_caps=_audio("F32LE", 1)) as h:
        h.control("volume", [(0, 0.0), (Gst.SECOND, 1.0)], target=h.pad(0))
        for _ in range(3):
            h.push(np.ones(4800, np.float32))  # 100 ms; the mixer's output 10 ms a buffer
        got = [float(h.pull_array()[0, 0]) for _ in range(30)]
    np.testing.assert_allclose(got, np.arange(30) / 100, atol=1e-6)


def test_mixer_pad_properties_show_in_gst_inspect():
    from numgst.loader import environment

    env = environment([str(EXAMPLES)])
    env["GST_REGISTRY"] = str(ROOT / ".cache" / "registry-examples.bin")
    r = run_command(["gst-inspect-1.0", "numgst_mixer"], timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    assert "volume" in r.stdout and "mute" in r.stdout and "sink_%u" in r.stdout
    assert "GstChildProxy" in r.stdout


@pytest.mark.parametrize("fmt", ["RGBA", "I420"])
@pytest.mark.parametrize("alpha", [1.0, 0.6, 0.0])
def test_overlay_equals_compositor(fmt, alpha):
    v = (
        f"videotestsrc num-buffers=3 ! video/x-raw,format={fmt},width=64,height=48 ! m.sink_0 "
        f"videotestsrc pattern=ball num-buffers=3 ! video/x-raw,format={fmt},width=32,height=24 "
        "! m.sink_1"
    )
    pads = f"sink_1::xpos=40 sink_1::ypos=30 sink_1::alpha={alpha}"  # partly outside
    caps = "video/x-raw,width=64,height=48"
    a = _ok(f"numgst_overlay name=m {pads} ! {caps} ! appsink name=sink {v}")
    b = _ok(f"compositor name=m background=black {pads} ! {caps} ! appsink name=sink {v}")
    assert len(a.buffers) == len(b.buffers) == 3
    assert [x.pts for x in a.buffers] == [x.pts for x in b.buffers]
    if a.data == b.data:
        return
    # Debian 13's compositor (GStreamer 1.26, orc 0.4.41) divides by 255 rounding
    # down where Debian 12's (1.22, orc 0.4.33) rounds to nearest, with the very same
    # compositor code: its RGBA blend at 0 < alpha < 1 is then one step lower where
    # the quotient's fraction is at least a half. The example follows 1.22.
    assert fmt == "RGBA" and 0 < alpha < 1 and Gst.version() >= (1, 24), "not equal"
    d = np.frombuffer(a.data, np.uint8).astype(int) - np.frombuffer(b.data, np.uint8)
    assert set(np.unique(d)) <= {0, 1}


def test_a_mixer_without_mix_says_so_on_the_bus():
    class Lazy(AudioMixer):
        """No mix"""

        __gtype_name__ = "NumgstTestLazyMixer"

    class Flat(VideoMixer):
        """Its mix returns nothing and keeps a plane"""

        __gtype_name__ = "NumgstTestMixKeeper"
        FORMATS = ("GRAY8",)
        PAD_PROPS = (Prop("weight", float, default=1.0, minimum=0.0, maximum=1.0),)

        def mix(self, inputs, out):
            self.kept = out.array

    Gst.Element.register(None, "numgst_test_lazymixer", Gst.Rank.NONE, Lazy)
    Gst.Element.register(None, "numgst_test_mixkeeper", Gst.Rank.NONE, Flat)
    c = capture("numgst_test_lazymixer name=m ! appsink name=sink audiotestsrc num-buffers=2 ! m.")
    assert c.error is not None and "must define mix()" in c.error_debug
    c = capture(
        "numgst_test_mixkeeper name=m ! appsink name=sink videotestsrc num-buffers=2 ! "
        "video/x-raw,format=GRAY8,width=8,height=8 ! m."
    )
    assert c.error is not None


# -- the harness ------------------------------------------------------------------------


def test_harness_timestamps_follow_on_and_can_be_given():
    with Harness("numgst_gain", gain=2.0, input_caps=_audio("F32LE")) as h:
        h.push(np.full((480, 2), 100, np.float32))
        h.push(np.full((960, 2), 100, np.float32))
        h.push(np.zeros((48, 2), np.float32), pts=5 * Gst.SECOND)
        bufs = [h.pull() for _ in range(3)]
        assert [(b.pts, b.duration) for b in bufs] == [
            (0, 10 * Gst.MSECOND), (10 * Gst.MSECOND, 20 * Gst.MSECOND),
            (5 * Gst.SECOND, Gst.MSECOND),
        ]  # fmt: skip
        np.testing.assert_array_equal(h.to_array(bufs[0]), 200)


def test_harness_works_for_c_elements_and_every_audio_format():
    from numgst import pcm

    for name, fmt in pcm.FORMATS.items():
        x = np.linspace(-0.5, 0.5, 64).reshape(32, 2)
        with Harness("identity", input_caps=_audio(name)) as h:
            h.push(x)
            np.testing.assert_allclose(h.pull_float(), x, atol=2.0 ** (1 - fmt.depth), err_msg=name)


def test_harness_flush_resets_a_stateful_filter():
    caps = _audio("F64LE")
    x = np.random.default_rng(1).standard_normal((256, 2))
    with Harness("numgst_biquad", cutoff=500.0, input_caps=caps) as h:
        h.push(x)
        first = h.pull_array()
        h.push(x)
        assert not np.array_equal(h.pull_array(), first)  # the filter's state went on
        h.flush()
        h.push(x)
        np.testing.assert_array_equal(h.pull_array(), first)  # and was reset


def test_harness_drives_a_source_and_seeks_it():
    # num-buffers counts what the source made before the seek too, and the harness
    # takes all it makes: 1000 leaves buffers after the seek however far the source
    # got (a list is up to 32 buffers; with 100 it could be done before the seek).
    with Harness("audiotestsrc_py", samplesperbuffer=480, num_buffers=1000) as h:
        first = h.pull()
        assert first.pts == 0
        assert h.seek(Gst.SECOND)
        deadline = 50
        while (b := h.pull()).pts != Gst.SECOND and deadline:
            deadline -= 1
        rate = h.output_caps()[0].get_value("rate")
        assert b.pts == Gst.SECOND and b.offset == rate


def test_harness_raises_the_elements_error_and_names_a_wrong_array():
    class Broken(AudioFilter):
        """Raises"""

        __gtype_name__ = "NumgstTestHarnessBroken"

        def transform(self, x):
            raise ValueError("the numbers are wrong")

    Gst.Element.register(None, "numgst_test_harness_broken", Gst.Rank.NONE, Broken)
    with Harness("numgst_test_harness_broken", input_caps=_audio("F32LE")) as h:
        with pytest.raises(HarnessError, match="the numbers are wrong"):
            h.push(np.zeros((16, 2), np.float32))
    with Harness("numgst_gain", input_caps=_audio("F32LE")) as h:
        with pytest.raises(HarnessError, match=r"\(frames, 2\)"):
            h.push(np.zeros((16, 3), np.float32))
    with pytest.raises(HarnessError, match="no element"):
        Harness("no_such_element_anywhere")


def test_harness_eos_drains_what_an_element_holds():
    with Harness("numgst_gain", input_caps=_audio("F32LE")) as h:
        h.push(np.zeros((16, 2), np.float32))
        h.eos()
        assert len(h.wait_eos()) == 1


def test_a_filter_that_delays_adds_its_latency_to_the_query():
    class Late(AudioFilter):
        """Says it holds 20 ms back"""

        __gtype_name__ = "NumgstTestLateFilter"

        def latency(self):
            return 20 * Gst.MSECOND

        def transform(self, x):
            pass

    Gst.Element.register(None, "numgst_test_late", Gst.Rank.NONE, Late)

    def latency(element: str) -> int:
        p = Gst.parse_launch(
            f"audiotestsrc is-live=true ! audio/x-raw,format=F32LE ! {element} ! fakesink sync=true"
        )
        p.set_state(Gst.State.PLAYING)
        try:
            p.get_state(5 * Gst.SECOND)
            q = Gst.Query.new_latency()
            assert p.query(q)
            live, low, _ = q.parse_latency()
            assert live
            return int(low)
        finally:
            p.set_state(Gst.State.NULL)

    assert latency("numgst_test_late") - latency("numgst_gain") == 20 * Gst.MSECOND


def test_a_video_mixer_input_in_another_format_is_an_error_that_says_what_to_do():
    c = capture(
        "numgst_overlay name=m ! video/x-raw,format=RGBA ! appsink name=sink "
        "videotestsrc num-buffers=3 ! video/x-raw,format=I420,width=64,height=48 ! m. "
        "videotestsrc num-buffers=3 ! video/x-raw,format=RGBA,width=32,height=24 ! m."
    )
    assert c.error is not None and not c.buffers
    assert "sink_0 brings I420, the output is RGBA" in c.error
    assert "videoconvert ! video/x-raw,format=RGBA before sink_0" in c.error
