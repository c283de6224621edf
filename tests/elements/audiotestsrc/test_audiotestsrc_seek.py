"""Seeking like C: TIME, DEFAULT (samples) and BYTES seeks, segment stop, reverse
playback and num-buffers, compared with the C element buffer for buffer."""

from __future__ import annotations

import pytest
from _streams import assert_same_stream

from numgst.base.gst import Gst
from numgst.testing import capture

FLUSH_ACCURATE = Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE
NONE = Gst.CLOCK_TIME_NONE


def _seek(rate, fmt, start, stop, flags=FLUSH_ACCURATE):
    def setup(pipeline):
        stop_type = Gst.SeekType.NONE if stop is None else Gst.SeekType.SET
        ok = pipeline.seek(
            rate, fmt, flags, Gst.SeekType.SET, start, stop_type, -1 if stop is None else stop
        )
        assert ok, "seek refused"

    return setup


def _pair(setup, props="", caps="audio/x-raw,rate=44100", max_buffers=None):
    out = []
    for name in ("audiotestsrc", "audiotestsrc_py"):
        r = capture(
            f"{name} {props} ! {caps} ! appsink name=sink", setup=setup, max_buffers=max_buffers
        )
        assert r.error is None, (name, r.error, r.error_debug)
        out.append(r)
    return out


def test_time_seek_cuts_last_buffer_then_eos():
    c, py = _pair(_seek(1.0, Gst.Format.TIME, Gst.SECOND, 3 * Gst.SECOND // 2))
    assert_same_stream(c, py)
    assert len(py.buffers) == 22
    assert len(py.buffers[-1].data) == 546 * 2
    assert py.buffers[0].offset == 44100 and py.buffers[0].pts == Gst.SECOND
    assert py.buffers[0].flags & Gst.BufferFlags.DISCONT


@pytest.mark.parametrize(
    "fmt,start,stop,first,total",
    [
        (Gst.Format.DEFAULT, 48000, 48000 + 5000, 48000, 5000),  # samples
        (Gst.Format.BYTES, 8 * 12345, 8 * (12345 + 3000), 12345, 3000),  # bytes, bpf = 8
        (Gst.Format.TIME, 123456789, 234567890, 5925, 5334),
        (Gst.Format.TIME, 0, 1, 0, 1024),  # stop rounds to sample 0: no stop check
    ],
)
def test_seek_formats_like_c(fmt, start, stop, first, total):
    caps = "audio/x-raw,format=F32LE,channels=2,rate=48000"
    c, py = _pair(_seek(1.0, fmt, start, stop), "samplesperbuffer=1024", caps)
    assert_same_stream(c, py)
    assert py.buffers[0].offset == first
    assert sum(len(b.data) for b in py.buffers) // 8 == total


@pytest.mark.parametrize("start,stop", [(0, Gst.SECOND // 2), (Gst.SECOND // 3, Gst.SECOND)])
def test_reverse_playback_like_c(start, stop):
    c, py = _pair(
        _seek(-1.0, Gst.Format.TIME, start, stop),
        "samplesperbuffer=2000",
        "audio/x-raw,rate=22050,format=S24LE",
    )
    assert_same_stream(c, py)
    offsets = [b.offset for b in py.buffers]
    assert offsets == sorted(offsets, reverse=True) and len(offsets) > 2


def test_open_ended_seek_with_num_buffers_like_c():
    c, py = _pair(
        _seek(1.0, Gst.Format.TIME, 2 * Gst.SECOND, None),
        "num-buffers=7 samplesperbuffer=500",
        "audio/x-raw,rate=8000",
    )
    assert_same_stream(c, py)


def test_convert_query_like_c():
    def convert(name):
        p = Gst.parse_launch(
            f"{name} name=src ! audio/x-raw,format=S24_32BE,channels=3,rate=32000 ! fakesink"
        )
        try:
            p.set_state(Gst.State.PAUSED)
            p.get_state(5 * Gst.SECOND)
            pad = p.get_by_name("src").get_static_pad("src")
            out = []
            for src_fmt, val, dest_fmt in [
                (Gst.Format.TIME, Gst.SECOND, Gst.Format.BYTES),
                (Gst.Format.BYTES, 1200, Gst.Format.DEFAULT),
                (Gst.Format.DEFAULT, 333, Gst.Format.TIME),
                (Gst.Format.BYTES, 7, Gst.Format.TIME),
            ]:
                out.append(pad.query_convert(src_fmt, val, dest_fmt))
            return out
        finally:
            p.set_state(Gst.State.NULL)

    assert convert("audiotestsrc_py") == convert("audiotestsrc")
