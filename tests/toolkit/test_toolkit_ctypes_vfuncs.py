"""The per-buffer vfuncs (fill, transform_ip, transform, render) go through ctypes,
not PyGObject's closures: the class structure holds numgst's callback, errors still
reach the bus, a class with a ``do_fill`` of its own keeps it, and the table that
finds an element from its pointer keeps nothing alive."""

from __future__ import annotations

import ctypes
import gc

import numpy as np
import pytest
from _isolated import assert_nothing_leaked

import numgst
from numgst.base._native import ctypes_vfuncs
from numgst.base._native import gobject as c
from numgst.base.gst import Gst
from numgst.testing import capture
from numgst.toolkit import (
    ArraySink,
    AudioFilter,
    AudioMixer,
    AudioSource,
    VideoFilter,
    VideoSource,
)


def _slot(cls: type, field: str) -> int | None:
    struct, _ = ctypes_vfuncs.CALLBACKS[field]
    return c.class_slot(cls.__gtype__, *struct, field).value


def _ours(field: str) -> int | None:
    return ctypes.cast(ctypes_vfuncs.CALLBACKS[field][1], ctypes.c_void_p).value


class _Ones(AudioSource):
    """Ones"""

    __gtype_name__ = "NumgstTestCtOnes"

    def generate(self, first_sample, frames):
        return np.ones(frames)


class _Halve(AudioFilter):
    """Halve"""

    __gtype_name__ = "NumgstTestCtHalve"

    def transform(self, x):
        x *= 0.5


class _Copy(AudioFilter):
    """Copy"""

    __gtype_name__ = "NumgstTestCtCopy"
    IN_PLACE = False

    def transform(self, x):
        return x * 0.25


class _Grey(VideoSource):
    """Grey"""

    __gtype_name__ = "NumgstTestCtGrey"
    FORMATS = ("GRAY8",)

    def generate(self, frame):
        return np.full((frame.height, frame.width), 0.5)


class _Flip(VideoFilter):
    """Flip"""

    __gtype_name__ = "NumgstTestCtFlip"

    def transform(self, frame):
        frame.planes[0][:] = 255 - frame.planes[0]


class _Look(ArraySink):
    """Look"""

    __gtype_name__ = "NumgstTestCtLook"
    seen: list[float] = []

    def render(self, data, pts):
        _Look.seen.append(float(data.planes[0].sum()))


class _OwnFill(_Ones):
    """A subclass that writes GstBaseSrc's fill itself (PyGObject's closure)"""

    __gtype_name__ = "NumgstTestCtOwnFill"
    calls = 0

    def do_fill(self, offset, length, buf):
        _OwnFill.calls += 1
        return super().do_fill(offset, length, buf)


class _Broken(AudioSource):
    """Raises"""

    __gtype_name__ = "NumgstTestCtBroken"

    def generate(self, first_sample, frames):
        raise ZeroDivisionError("made to fail")


class _Sum(AudioMixer):
    """Sums"""

    __gtype_name__ = "NumgstTestCtSum"

    def mix(self, inputs, out):
        for i in inputs:
            if i.data is not None:
                out += i.data


ELEMENTS = {
    "numgst_test_ct_ones": _Ones,
    "numgst_test_ct_halve": _Halve,
    "numgst_test_ct_copy": _Copy,
    "numgst_test_ct_grey": _Grey,
    "numgst_test_ct_flip": _Flip,
    "numgst_test_ct_look": _Look,
    "numgst_test_ct_own_fill": _OwnFill,
    "numgst_test_ct_broken": _Broken,
    "numgst_test_ct_sum": _Sum,
}


@pytest.fixture(scope="module", autouse=True)
def _registered():
    numgst.register()
    for name, cls in ELEMENTS.items():
        if Gst.ElementFactory.find(name) is None:
            Gst.Element.register(None, name, Gst.Rank.NONE, cls)


AUDIO = "audio/x-raw,format=F32LE,channels=2,rate=8000"


def test_the_class_structures_hold_the_ctypes_callbacks_after_a_pipeline():
    r = capture(
        f"numgst_test_ct_ones samplesperbuffer=10 num-buffers=3 ! {AUDIO} ! numgst_test_ct_halve"
        " ! numgst_test_ct_copy ! appsink name=sink"
    )
    assert r.error is None, r.error_debug
    assert np.frombuffer(r.data, np.float32).tolist() == [0.125] * 60  # 1 * 0.5 * 0.25
    assert _slot(_Ones, "fill") == _ours("fill")
    assert _slot(_Halve, "transform_ip") == _ours("transform_ip")
    assert _slot(_Copy, "transform") == _ours("transform")


def test_video_source_filter_and_sink_go_through_ctypes():
    _Look.seen.clear()
    caps = "video/x-raw,width=4,height=2"
    grey = capture(f"numgst_test_ct_grey num-buffers=1 ! {caps} ! appsink name=sink")
    (level,) = set(grey.data)
    r = capture(
        f"numgst_test_ct_grey num-buffers=2 ! {caps} ! numgst_test_ct_flip"
        " ! tee name=t ! queue ! appsink name=sink t. ! queue ! numgst_test_ct_look"
    )
    assert r.error is None, r.error_debug
    assert set(r.data) == {255 - level}
    assert _Look.seen == [8 * (255 - level)] * 2
    assert _slot(_Grey, "fill") == _ours("fill")
    assert _slot(_Flip, "transform_ip") == _ours("transform_ip")
    assert _slot(_Look, "render") == _ours("render")


def test_an_audio_mixer_goes_through_ctypes_and_sums_like_c():
    src = "audiotestsrc num-buffers=5 samplesperbuffer=300 freq={} ! audio/x-raw,format=F32LE"
    both = f"{src.format(440)} ! m. {src.format(1000)} ! m."
    ours = capture(f"numgst_test_ct_sum name=m ! appsink name=sink {both}")
    ref = capture(f"audiomixer name=m ! appsink name=sink {both}")
    assert ours.error is None, ours.error_debug
    np.testing.assert_allclose(
        np.frombuffer(ours.data, np.float32), np.frombuffer(ref.data, np.float32), atol=1e-6
    )
    assert [b.pts for b in ours.buffers] == [b.pts for b in ref.buffers]
    assert _slot(_Sum, "aggregate_one_buffer") == _ours("aggregate_one_buffer")
    assert _slot(_Sum, "finish_buffer") == _ours("finish_buffer")


MIXER_FREED = """
from numgst.toolkit import AudioMixer

class Sum(AudioMixer):
    \"\"\"Sums, or fails at the third buffer\"\"\"
    __gtype_name__ = "NumgstLeakSum"
    fail = False
    def mix(self, inputs, out):
        self.n = getattr(self, "n", 0) + 1
        if self.fail and self.n == 3:
            raise RuntimeError("made to fail")
        for i in inputs:
            if i.data is not None:
                out += i.data

Gst.Element.register(None, "numgst_leak_sum", Gst.Rank.NONE, Sum)
src = "audiotestsrc num-buffers=20 ! audio/x-raw,format=F32LE ! m."
for fail in (False, True):
    Sum.fail = fail
    ended = play(f"numgst_leak_sum name=m ! fakesink {src} {src}")
    assert ended == (Gst.MessageType.ERROR if fail else Gst.MessageType.EOS), ended
"""


def test_a_mixer_frees_its_output_buffers_also_when_mix_raises():
    assert_nothing_leaked(MIXER_FREED)


def test_a_class_with_its_own_do_fill_keeps_pygobjects_and_works():
    _OwnFill.calls = 0
    r = capture(
        f"numgst_test_ct_own_fill samplesperbuffer=5 num-buffers=4 ! {AUDIO} ! appsink name=sink"
    )
    assert r.error is None, r.error_debug
    assert np.frombuffer(r.data, np.float32).tolist() == [1.0] * 40
    assert _OwnFill.calls == 4
    assert _slot(_OwnFill, "fill") not in (None, _ours("fill"))


def test_an_exception_in_the_ctypes_path_is_a_bus_error_and_stops_the_data():
    r = capture(f"numgst_test_ct_broken num-buffers=3 ! {AUDIO} ! appsink name=sink")
    assert r.error is not None
    assert "ZeroDivisionError" in r.error and "made to fail" in r.error
    assert r.data == b""


def test_the_pointer_table_keeps_no_element_alive():
    gc.collect()
    before = len(ctypes_vfuncs._elements)
    elements = [Gst.ElementFactory.make("numgst_test_ct_ones") for _ in range(5)]
    assert len(ctypes_vfuncs._elements) == before + 5
    del elements
    gc.collect()
    assert len(ctypes_vfuncs._elements) == before


# -- a still picture's memory handed out again ------------------------------------------


def _pull_all(description: str, n: int) -> list[Gst.Sample]:
    p = Gst.parse_launch(description)
    sink = p.get_by_name("sink")
    p.set_state(Gst.State.PLAYING)
    try:
        samples = [sink.emit("pull-sample") for _ in range(n)]
        assert all(s is not None for s in samples)
        return samples
    finally:
        p.set_state(Gst.State.NULL)


def _data_pointer(buf: Gst.Buffer) -> int:
    info = c.GstMapInfo()
    ptr = c.boxed_pointer(buf)
    assert c.buffer_map(ptr, ctypes.byref(info), 1)
    try:
        return int(info.data)
    finally:
        c.buffer_unmap(ptr, ctypes.byref(info))


def test_a_still_pattern_shares_one_frame_and_stays_equal_to_c():
    caps = "video/x-raw,format=I420,width=64,height=48"
    ours = _pull_all(f"videotestsrc_py pattern=checkers-8 ! {caps} ! appsink name=sink", 4)
    c_ = _pull_all(f"videotestsrc pattern=checkers-8 ! {caps} ! appsink name=sink", 4)
    bufs = [s.get_buffer() for s in ours]
    # The first frame is drawn into a buffer of the pool; the next ones share one copy.
    assert len({_data_pointer(b) for b in bufs[1:]}) == 1
    for a, b in zip(bufs, (s.get_buffer() for s in c_), strict=True):
        assert a.extract_dup(0, a.get_size()) == b.extract_dup(0, b.get_size())
        assert (a.pts, a.duration, a.offset, a.offset_end) == (
            b.pts, b.duration, b.offset, b.offset_end
        )  # fmt: skip


def test_an_element_that_writes_into_a_shared_still_frame_writes_into_a_copy():
    caps = "video/x-raw,format=GRAY8,width=8,height=4"
    plain = capture(f"videotestsrc pattern=checkers-1 num-buffers=4 ! {caps} ! appsink name=sink")
    flipped = capture(
        f"videotestsrc_py pattern=checkers-1 num-buffers=4 ! {caps} ! numgst_test_ct_flip"
        " ! appsink name=sink"
    )
    assert flipped.error is None, flipped.error_debug
    frames = [bytes(255 - v for v in b.data) for b in plain.buffers]
    assert [b.data for b in flipped.buffers] == frames  # each flipped once, none twice


def test_a_property_change_ends_the_sharing():
    caps = "video/x-raw,format=GRAY8,width=8,height=4"

    def setup(p: Gst.Pipeline) -> None:
        src = p.get_by_name("src")
        pad = src.get_static_pad("src")
        count = [0]

        def probe(_pad: Gst.Pad, _info: Gst.PadProbeInfo) -> Gst.PadProbeReturn:
            count[0] += 1
            if count[0] == 2:
                src.set_property("pattern", "white")
            return Gst.PadProbeReturn.OK

        pad.add_probe(Gst.PadProbeType.BUFFER, probe)

    r = capture(
        f"videotestsrc_py name=src pattern=black num-buffers=5 ! {caps} ! appsink name=sink",
        configure=setup,
    )
    assert r.error is None, r.error_debug
    levels = [set(b.data) for b in r.buffers]
    assert levels[0] == levels[1] == {16} and levels[-1] == {235}
