"""Non-live audio sources hand out buffer lists (AudioSource.native_create): the same
buffers as one at a time, counted one by one, and one at a time wherever a list
would be seen (live, pad probes, a sink keeping pace with the clock)."""

from __future__ import annotations

import numpy as np
import pytest
from _isolated import assert_nothing_leaked
from _streams import assert_same_stream
from _streams import run as _run

from numgst.base.gst import Gst
from numgst.testing import capture
from numgst.toolkit import AudioSource


def _handed_out(description: str, timeout: float = 10.0) -> list[int]:
    """How the buffers reached ``appsink name=sink buffer-list=true``: the length of
    each list, 1 for a buffer alone."""
    pipeline = Gst.parse_launch(description)
    sink = pipeline.get_by_name("sink")
    sizes: list[int] = []
    pipeline.set_state(Gst.State.PLAYING)
    try:
        while (sample := sink.try_pull_sample(int(timeout * Gst.SECOND))) is not None:
            blist = sample.get_buffer_list()
            sizes.append(blist.length() if blist is not None else 1)
        msg = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
        assert msg is None, msg.parse_error()
    finally:
        pipeline.set_state(Gst.State.NULL)
    return sizes


def test_a_non_live_source_hands_out_lists_and_counts_each_buffer():
    sizes = _handed_out(
        "audiotestsrc_py num-buffers=100 ! appsink name=sink sync=false buffer-list=true"
    )
    assert sum(sizes) == 100
    # One at a time first (preroll), then 2, 4, ... up to LIST_LENGTH.
    assert sizes[:5] == [1, 2, 4, 8, 16], sizes
    assert max(sizes) == AudioSource.LIST_LENGTH


@pytest.mark.parametrize(
    "props",
    [
        "is-live=true",  # each buffer waits for its time
        "samplesperbuffer=200000",  # over LIST_BYTES in one buffer
    ],
)
def test_one_at_a_time_where_a_list_cannot_help(props):
    sizes = _handed_out(
        f"audiotestsrc_py {props} num-buffers=12 ! appsink name=sink sync=false buffer-list=true"
    )
    assert sizes == [1] * 12


def test_one_at_a_time_when_the_sink_keeps_pace_with_the_clock():
    # 10 ms buffers played at the clock's pace: after the preroll, each create
    # comes about one buffer's time after the last, so lists never start.
    sizes = _handed_out(
        "audiotestsrc_py samplesperbuffer=480 num-buffers=25 ! audio/x-raw,rate=48000 ! "
        "appsink name=sink sync=true buffer-list=true"
    )
    assert sum(sizes) == 25 and max(sizes) <= 2, sizes


def test_a_buffer_probe_sees_every_buffer():
    # A probe for buffers would not see those of a list: with one on the pad (or
    # on its peer), the source goes one at a time, as C does.
    for where in ("src", "sink"):
        pipeline = Gst.parse_launch("audiotestsrc_py name=src num-buffers=40 ! fakesink name=sink")
        pad = pipeline.get_by_name(where).get_static_pad(where)
        seen: list[int] = []

        def probe(_pad, _info, seen=seen):
            seen.append(1)
            return Gst.PadProbeReturn.OK

        pad.add_probe(Gst.PadProbeType.BUFFER, probe)
        pipeline.set_state(Gst.State.PLAYING)
        msg = pipeline.get_bus().timed_pop_filtered(
            10 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR
        )
        pipeline.set_state(Gst.State.NULL)
        assert msg.type == Gst.MessageType.EOS and len(seen) == 40, where


@pytest.mark.parametrize("nbuf", [1, 2, 3, 4, 7, 8, 15, 16, 17, 31, 32, 33, 47, 100])
def test_num_buffers_counts_buffers_not_lists(nbuf):
    props = "wave=saw samplesperbuffer=333"
    caps = "audio/x-raw,format=S16LE,rate=44100,channels=2"
    assert_same_stream(
        _run("audiotestsrc", props, caps, nbuf), _run("audiotestsrc_py", props, caps, nbuf)
    )


@pytest.mark.parametrize(
    "fmt", ["S8", "U8", "S16LE", "U16BE", "S24LE", "S24_32BE", "S32LE", "U32LE", "F32BE", "F64LE"]
)
def test_lists_equal_c_in_every_format(fmt):
    props = "wave=sine freq=997 volume=0.7 samplesperbuffer=256"
    caps = f"audio/x-raw,format={fmt},rate=32000,channels=3"
    assert_same_stream(
        _run("audiotestsrc", props, caps, 90), _run("audiotestsrc_py", props, caps, 90)
    )


@pytest.mark.parametrize("stop_buffers", [40, 47.5, 63])
def test_a_segment_stop_inside_a_list_like_c(stop_buffers):
    # A seek to 0.1 s, stopping 40, 47.5 and 63 buffers later: whole lists, then the
    # last buffers one by one, the last one cut short where the stop falls in it.
    rate, spb = 48000, 480
    start = Gst.SECOND // 10
    stop = start + int(stop_buffers * spb * Gst.SECOND // rate)

    def seek(pipeline):
        flags = Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE
        assert pipeline.seek(1.0, Gst.Format.TIME, flags, Gst.SeekType.SET, start,
                             Gst.SeekType.SET, stop)  # fmt: skip

    got = {
        name: capture(
            f"{name} samplesperbuffer={spb} ! audio/x-raw,format=F32LE,rate={rate} ! "
            "appsink name=sink",
            setup=seek,
        )
        for name in ("audiotestsrc", "audiotestsrc_py")
    }
    assert_same_stream(got["audiotestsrc"], got["audiotestsrc_py"])
    assert len(got["audiotestsrc_py"].buffers) >= stop_buffers


def _positions_at_eos(description: str) -> list[tuple[bool, int]]:
    """The TIME and DEFAULT position of the element ``src`` after EOS."""
    pipeline = Gst.parse_launch(description)
    pipeline.set_state(Gst.State.PLAYING)
    pipeline.get_bus().timed_pop_filtered(10 * Gst.SECOND, Gst.MessageType.EOS)
    src = pipeline.get_by_name("src")
    got = [src.query_position(f) for f in (Gst.Format.TIME, Gst.Format.DEFAULT)]
    pipeline.set_state(Gst.State.NULL)
    return got


def test_the_source_position_after_lists_is_where_c_says():
    names = ("audiotestsrc", "audiotestsrc_py")
    c, py = (_positions_at_eos(f"{n} name=src num-buffers=50 ! fakesink") for n in names)
    assert py == c
    assert c[1] == (True, 50 * 1024)


class Counter(AudioSource):
    """The stream's sample number, per channel: a render of many buffers at once
    must continue exactly where the last one stopped."""

    __gtype_name__ = "NumgstTestListCounter"
    FORMATS = ("S32LE",)

    def generate(self, first_sample, frames):
        n = np.arange(first_sample, first_sample + frames, dtype=np.float64)
        return np.stack([n, -n], axis=1) / 2**31


def test_a_user_source_gets_whole_lists_to_render():
    Gst.Element.register(None, "numgst_test_list_counter", Gst.Rank.NONE, Counter)
    r = capture(
        "numgst_test_list_counter samplesperbuffer=100 num-buffers=60 ! "
        "audio/x-raw,channels=2 ! appsink name=sink"
    )
    assert r.error is None and len(r.buffers) == 60
    samples = np.frombuffer(r.data, "<i4").reshape(-1, 2)
    assert (samples[:, 0] == np.arange(6000)).all() and (samples[:, 1] == -np.arange(6000)).all()
    for i, b in enumerate(r.buffers):
        assert (b.offset, b.offset_end, b.pts) == (
            100 * i,
            100 * i + 100,
            100 * i * Gst.SECOND // 48000,
        )


# -- video: a still frame's memory handed out again, as lists ---------------------------


def test_a_still_video_source_hands_out_lists():
    # Straight into the sink: an element between (a capsfilter too) would take the
    # list apart, as GstBaseTransform does.
    sink = "appsink name=sink sync=false buffer-list=true"
    sizes = _handed_out(f"videotestsrc_py pattern=checkers-8 num-buffers=100 ! {sink}")
    assert sum(sizes) == 100 and max(sizes) == AudioSource.LIST_LENGTH, sizes
    # Not for a moving picture: each frame is drawn.
    assert _handed_out(f"videotestsrc_py pattern=ball num-buffers=20 ! {sink}") == [1] * 20


@pytest.mark.parametrize("fmt", ["I420", "RGBA", "NV12", "v210", "GRAY16_BE"])
@pytest.mark.parametrize("pattern", ["checkers-4", "colors", "solid-color"])
def test_still_lists_equal_c(pattern, fmt):
    # An odd frame rate, so that durations alternate as their rounding does in C;
    # rows without padding (C leaves v210's unwritten).
    caps = f"video/x-raw,format={fmt},width=96,height=36,framerate=30000/1001"
    props = f"pattern={pattern} timestamp-offset=12345"
    c = _run("videotestsrc", props, caps, 70)
    py = _run("videotestsrc_py", props, caps, 70)
    assert_same_stream(c, py)


def test_a_video_segment_stop_like_c():
    # GstBaseSrc ends the stream after the frame that reaches the stop, looking at a
    # list's first only: with a stop, frames go one at a time.
    def seek(pipeline):
        flags = Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE
        assert pipeline.seek(1.0, Gst.Format.TIME, flags, Gst.SeekType.SET, Gst.SECOND // 3,
                             Gst.SeekType.SET, 3 * Gst.SECOND)  # fmt: skip

    got = [
        capture(
            f"{name} pattern=colors ! video/x-raw,format=I420,width=32,height=16 ! "
            "appsink name=sink",
            setup=seek,
        )
        for name in ("videotestsrc", "videotestsrc_py")
    ]
    assert_same_stream(*got)
    assert len(got[1].buffers) == 80


def test_the_video_source_position_after_lists_is_where_c_says():
    tail = "name=src pattern=white num-buffers=77 ! video/x-raw,width=16,height=16 ! fakesink"
    c, py = (_positions_at_eos(f"{n} {tail}") for n in ("videotestsrc", "videotestsrc_py"))
    assert py == c
    assert c[0] == (True, 77 * Gst.SECOND // 30)


LISTS_FREED = """
for desc in (
    "audiotestsrc_py wave=silence num-buffers=100 ! fakesink",
    "audiotestsrc_py samplesperbuffer=77 num-buffers=45 ! audioconvert ! fakesink",
    "videotestsrc_py pattern=colors num-buffers=40 ! fakesink",
):
    assert play(desc) == Gst.MessageType.EOS, desc
"""


def test_lists_and_their_templates_are_freed():
    assert_nothing_leaked(LISTS_FREED)
