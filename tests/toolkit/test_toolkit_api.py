"""The toolkit's front door: one list of elements, PROPS that add to the base's, the
same vocabulary in every base, and the lifecycle hooks (reset on a flush or seek,
drain at EOS)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import numgst
from numgst.base.gst import Gst
from numgst.elements import FACTORIES
from numgst.testing import capture, run_to_eos
from numgst.toolkit import ArraySink, AudioFilter, AudioSource, Prop, VideoFilter, VideoSource

LOADER = Path(numgst.__file__).parent / "loader" / "python"


def test_one_list_of_elements_registered_and_in_the_loader_folder():
    names = {name for name, _, _ in FACTORIES}
    assert "numgst_arraysink" in names and len(names) == 4
    files = {p.stem for p in LOADER.glob("*.py") if not p.stem.startswith("_")}
    assert files == names
    for path in LOADER.glob("[!_]*.py"):
        assert f'factory("{path.stem}")' in path.read_text()
    numgst.register()
    for name in names:
        assert Gst.ElementFactory.find(name) is not None, name


# -- PROPS add to the base's ------------------------------------------------------------


class _Hum(AudioSource):
    """A hum whose PROPS leave out the base's"""

    __gtype_name__ = "NumgstTestHumProps"
    PROPS = (
        Prop(
            "level", float, nick="Level", blurb="Amplitude", default=0.3, minimum=0.0, maximum=1.0
        ),
    )

    def generate(self, first_sample, frames):
        return np.full(frames, self.settings.level)


def test_props_without_the_base_ones_keep_them():
    assert [p.name for p in _Hum.PROPS][-1] == "level"
    assert {"samplesperbuffer", "is-live", "timestamp-offset"} <= {p.name for p in _Hum.PROPS}
    Gst.Element.register(None, "numgst_test_hum_props", Gst.Rank.NONE, _Hum)
    r = capture(
        "numgst_test_hum_props level=0.5 samplesperbuffer=100 num-buffers=2 ! "
        "audio/x-raw,format=F32LE ! appsink name=sink"
    )
    assert r.error is None, r.error_debug
    assert np.frombuffer(r.data, np.float32).tolist() == [0.5] * 200


def test_redefining_an_inherited_property_is_a_type_error():
    with pytest.raises(TypeError, match="redefines the inherited property 'is-live'"):

        class _Bad(AudioSource):
            __gtype_name__ = "NumgstTestBadProps"
            PROPS = (Prop("is-live", bool, nick="Live", blurb="Other blurb", default=True),)


# -- one vocabulary ----------------------------------------------------------------------


def test_every_audio_base_names_the_caps_alike():
    seen = {}

    class Src(AudioSource):
        __gtype_name__ = "NumgstTestVocabSrc"

        def caps_changed(self):
            seen["source"] = (self.format.name, self.rate, self.channels, self.planar)

        def generate(self, first_sample, frames):
            return np.zeros(frames)

    class Filt(AudioFilter):
        __gtype_name__ = "NumgstTestVocabFilter"
        FORMATS = ("S16LE",)

        def caps_changed(self):
            seen["filter"] = (self.format.name, self.rate, self.channels, self.planar)

        def transform(self, x):
            return None

    class Sink(ArraySink):
        __gtype_name__ = "NumgstTestVocabSink"

        def render(self, data, pts):
            seen["sink"] = (self.format.name, self.rate, self.channels, self.planar)

    for name, cls in (("src", Src), ("filt", Filt), ("sink", Sink)):
        Gst.Element.register(None, f"numgst_test_vocab_{name}", Gst.Rank.NONE, cls)
    p = Gst.parse_launch(
        "numgst_test_vocab_src num-buffers=2 ! audio/x-raw,rate=22050,channels=3 ! "
        "audioconvert ! audio/x-raw,format=S16LE,layout=non-interleaved ! "
        "numgst_test_vocab_filt ! numgst_test_vocab_sink"
    )
    run_to_eos(p)
    assert seen["filter"] == seen["sink"] == ("S16LE", 22050, 3, True)
    assert seen["source"][1:3] == (22050, 3)


# -- the lifecycle: reset on a flush, drain at EOS -----------------------------------------


class _Delay(AudioFilter):
    """Delays the audio by 100 frames; the tail comes out at EOS"""

    __gtype_name__ = "NumgstTestDelay"
    FORMATS = ("F32LE", "S16LE")
    resets = 0

    def reset(self):
        type(self).resets += 1
        self.held = np.zeros((100, self.channels or 1))

    def caps_changed(self):
        self.held = np.zeros((100, self.channels))

    def transform(self, x):
        both = np.concatenate([self.held, x])
        self.held = both[-100:].copy()
        return both[: len(x)]

    def drain(self):
        return self.held


@pytest.fixture(scope="module", autouse=True)
def _delay():
    Gst.Element.register(None, "numgst_test_delay", Gst.Rank.NONE, _Delay)


@pytest.mark.parametrize("fmt", ["F32LE", "S16LE"])
def test_drain_pushes_what_is_held_back_after_the_last_buffer(fmt):
    src = f"audiotestsrc samplesperbuffer=300 num-buffers=3 ! audio/x-raw,format={fmt},channels=2"
    dtype = "<f4" if fmt == "F32LE" else "<i2"
    plain = capture(f"{src} ! appsink name=sink")
    r = capture(f"{src} ! numgst_test_delay ! appsink name=sink")
    assert r.error is None, r.error_debug
    a = np.frombuffer(plain.data, dtype).reshape(-1, 2)
    b = np.frombuffer(r.data, dtype).reshape(-1, 2)
    assert b.shape[0] == a.shape[0] + 100
    np.testing.assert_array_equal(b[:100], 0)
    np.testing.assert_array_equal(b[100:], a)
    last, tail = r.buffers[-2], r.buffers[-1]
    assert tail.pts == last.pts + last.duration
    assert tail.duration == Gst.util_uint64_scale_int(100, Gst.SECOND, 44100)


class _DelayThenPass(_Delay):
    """Delays two buffers, then lets the rest pass untouched (transform not called)."""

    __gtype_name__ = "NumgstTestDelayThenPass"

    def reset(self):
        super().reset()
        self.seen = 0

    def passthrough(self):
        return self.seen >= 2

    def transform(self, x):
        self.seen += 1
        return super().transform(x)


def test_drain_after_passthrough_buffers_follows_the_last_of_them():
    Gst.Element.register(None, "numgst_test_delay_then_pass", Gst.Rank.NONE, _DelayThenPass)
    src = "audiotestsrc samplesperbuffer=300 num-buffers=4 ! audio/x-raw,format=F32LE,channels=2"
    r = capture(f"{src} ! numgst_test_delay_then_pass ! appsink name=sink")
    assert r.error is None, r.error_debug
    assert [len(b.data) // 8 for b in r.buffers] == [300, 300, 300, 300, 100]
    last, tail = r.buffers[-2], r.buffers[-1]
    assert last.pts == 3 * Gst.util_uint64_scale_int(300, Gst.SECOND, 44100)
    assert tail.pts == last.pts + last.duration


class _Skipped(AudioFilter):
    """Zeroes everything, but is always in passthrough"""

    __gtype_name__ = "NumgstTestSkipped"
    FORMATS = ("F32LE", "S16LE")
    calls = 0

    def passthrough(self):
        return True

    def transform(self, x):
        type(self).calls += 1
        x[...] = 0


@pytest.mark.parametrize("fmt", ["F32LE", "S16LE"])
def test_passthrough_buffers_never_reach_transform(fmt):
    # GstBaseTransform calls transform_ip on passthrough buffers unless the class says
    # not to: the toolkit's say so in every class, made by a factory or by Python.
    if Gst.ElementFactory.find("numgst_test_skipped") is None:
        Gst.Element.register(None, "numgst_test_skipped", Gst.Rank.NONE, _Skipped)
    src = f"audiotestsrc num-buffers=3 ! audio/x-raw,format={fmt},channels=2"
    plain = capture(f"{src} ! appsink name=sink")
    _Skipped.calls = 0
    r = capture(f"{src} ! numgst_test_skipped ! appsink name=sink")
    assert r.error is None, r.error_debug
    assert r.data == plain.data and _Skipped.calls == 0
    p = Gst.Pipeline()
    made = [Gst.ElementFactory.make(n) for n in ("audiotestsrc", "capsfilter", "fakesink")]
    made[0].set_property("num-buffers", 3)
    made[1].set_property("caps", Gst.Caps.from_string(f"audio/x-raw,format={fmt},channels=2"))
    made.insert(2, _Skipped())
    for e in made:
        p.add(e)
    assert all(a.link(b) for a, b in zip(made, made[1:], strict=False))
    p.set_state(Gst.State.PLAYING)
    ends = Gst.MessageType.EOS | Gst.MessageType.ERROR
    msg = p.get_bus().timed_pop_filtered(10 * Gst.SECOND, ends)
    p.set_state(Gst.State.NULL)
    assert msg is not None and msg.type == Gst.MessageType.EOS
    assert _Skipped.calls == 0


def test_reset_runs_at_start_and_after_a_flushing_seek():
    _Delay.resets = 0

    def seek(p):
        p.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH, Gst.SECOND)

    r = capture(
        "audiotestsrc ! audio/x-raw,format=F32LE,rate=8000 ! numgst_test_delay ! appsink name=sink",
        setup=seek,
        max_buffers=5,
    )
    assert r.error is None, r.error_debug
    assert _Delay.resets == 2  # at start, then at the seek's flush
    first_after = next(b for b in r.buffers if b.pts >= Gst.SECOND)
    # Reset: what comes after the seek starts with 100 frames of silence again.
    assert not np.frombuffer(first_after.data, np.float32)[:100].any()


def test_sources_reset_at_start_and_after_a_seek():
    calls = []

    class Counting(VideoSource):
        __gtype_name__ = "NumgstTestCountingVideo"

        def reset(self):
            calls.append("video")

        def generate(self, frame):
            return np.zeros((frame.height, frame.width))

    class CountingAudio(AudioSource):
        __gtype_name__ = "NumgstTestCountingAudio"

        def reset(self):
            calls.append("audio")

        def generate(self, first_sample, frames):
            return np.zeros(frames)

    class Inverting(VideoFilter):
        __gtype_name__ = "NumgstTestCountingInvert"

        def reset(self):
            calls.append("filter")

        def transform(self, frame):
            frame.array[...] = 255 - frame.array

    for name, cls in (("v", Counting), ("a", CountingAudio), ("f", Inverting)):
        Gst.Element.register(None, f"numgst_test_counting_{name}", Gst.Rank.NONE, cls)

    def seek(p):
        p.seek_simple(Gst.Format.TIME, Gst.SeekFlags.FLUSH, Gst.SECOND // 2)

    for desc in (
        "numgst_test_counting_v ! video/x-raw,format=GRAY8 ! numgst_test_counting_f",
        "numgst_test_counting_a",
    ):
        calls.clear()
        r = capture(f"{desc} ! appsink name=sink", setup=seek, max_buffers=3)
        assert r.error is None, r.error_debug
        kinds = ("video", "filter") if "_v" in desc else ("audio",)
        for kind in kinds:
            assert calls.count(kind) == 2, calls
