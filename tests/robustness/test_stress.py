"""Reliability: bad input, negotiation failures, state cycles, concurrency, seek storms.

Fast cases run in every ``./run test``; soak versions are marked slow
(``./run test --slow``).
"""

from __future__ import annotations

import random
import resource
import threading
import time

import numpy as np
import pytest

from numgst.base.gst import GLib, Gst
from numgst.testing import capture

ELEMENTS = ("audiotestsrc", "audiotestsrc_py")


# -- bad properties -----------------------------------------------------------------

BAD_VALUES = {
    "freq": [-1.0, 1e12, "abc"],
    "volume": [-0.1, 1.5, "loud"],
    "samplesperbuffer": [0, -5, 2**40, 1.5],
    "wave": [99, -1, "no-such-wave"],
    "is-live": ["maybe"],
    "timestamp-offset": [2**70, "x"],
    "sine-periods-per-tick": [0, -1],
    "tick-interval": [0, -1],
    "marker-tick-period": [-1],
    "marker-tick-volume": [2.0, -1.0],
    "apply-tick-ramp": [object()],
    "can-activate-push": ["nope"],
    "can-activate-pull": ["nope"],
}


def _set_outcome(element, name, value):
    before = element.get_property(name)
    try:
        element.set_property(name, value)
        raised = None
    except Exception as exc:  # noqa: BLE001 - we compare what each element does
        raised = type(exc).__name__
    return raised, element.get_property(name) == before


@pytest.mark.parametrize("name", sorted(BAD_VALUES))
def test_bad_property_values_refused_like_c(name):
    c = Gst.ElementFactory.make("audiotestsrc")
    py = Gst.ElementFactory.make("audiotestsrc_py")
    for value in BAD_VALUES[name]:
        assert _set_outcome(py, name, value) == _set_outcome(c, name, value), value
        # Whatever happened, the value is unchanged and the element still works.
        assert py.get_property(name) == c.get_property(name) or name == "wave"


@pytest.mark.parametrize(
    "launch",
    [
        "freq=-5",
        "volume=3",
        "samplesperbuffer=0",
        "wave=bogus",
        "wave=42",
    ],
)
def test_bad_launch_values_refused_like_c(launch):
    outcomes = []
    for element in ELEMENTS:
        try:
            p = Gst.parse_launch(f"{element} {launch} num-buffers=1 ! fakesink")
            p.set_state(Gst.State.NULL)
            outcomes.append("ok")
        except GLib.Error as exc:
            outcomes.append(exc.message.split(" in element")[0])
    assert outcomes[0] == outcomes[1].replace("audiotestsrc_py", "audiotestsrc")


# -- negotiation failures -----------------------------------------------------------


def _negotiate(element: str, caps: str):
    # The capsfilter is set after linking, so the failure happens at run time, where
    # a user's pipeline meets it, not in parse_launch.
    p = Gst.parse_launch(f"{element} num-buffers=3 ! capsfilter name=f ! fakesink")
    p.get_by_name("f").set_property("caps", Gst.Caps.from_string(caps))
    start = time.monotonic()
    try:
        p.set_state(Gst.State.PLAYING)
        msg = p.get_bus().timed_pop_filtered(
            5 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.EOS
        )
    finally:
        p.set_state(Gst.State.NULL)
    return msg, time.monotonic() - start


@pytest.mark.parametrize(
    "caps",
    [
        "video/x-raw",
        "audio/x-raw,format=NOPE",
        "audio/x-raw,rate=0",
        "audio/x-raw,channels=0",
        "audio/x-raw,layout=weird",
    ],
)
def test_negotiation_failure_is_a_bus_error_quickly(caps):
    msg, seconds = _negotiate("audiotestsrc_py", caps)
    c_msg, _ = _negotiate("audiotestsrc", caps)
    assert c_msg is not None and c_msg.type == Gst.MessageType.ERROR
    assert msg is not None and msg.type == Gst.MessageType.ERROR
    err, debug = msg.parse_error()
    assert "not-negotiated" in (debug or "") or "negotiat" in err.message.lower()
    assert seconds < 1.0


# -- state changes ------------------------------------------------------------------


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cycle(n: int) -> None:
    p = Gst.parse_launch(
        "audiotestsrc_py samplesperbuffer=256 ! "
        "audio/x-raw,format=F32LE,channels=2 ! fakesink sync=false"
    )
    bus = p.get_bus()
    try:
        for i in range(n):
            assert p.set_state(Gst.State.PLAYING) != Gst.StateChangeReturn.FAILURE
            if i % 2:
                assert p.set_state(Gst.State.PAUSED) != Gst.StateChangeReturn.FAILURE
                assert p.set_state(Gst.State.PLAYING) != Gst.StateChangeReturn.FAILURE
            p.get_state(Gst.SECOND)
            assert p.set_state(Gst.State.NULL) == Gst.StateChangeReturn.SUCCESS
            assert bus.pop_filtered(Gst.MessageType.ERROR) is None
    finally:
        p.set_state(Gst.State.NULL)


def test_state_cycles_no_error_no_growth():
    _cycle(10)  # warm-up
    before = _rss_kib()
    _cycle(50)
    assert _rss_kib() - before < 2048


@pytest.mark.slow
def test_state_cycles_soak():
    _cycle(20)
    before = _rss_kib()
    _cycle(500)
    assert _rss_kib() - before < 2048


# -- concurrency --------------------------------------------------------------------


def _hammer(element, stop: threading.Event, count: list[int], live: bool) -> None:
    rnd = random.Random(7)
    while not stop.is_set():
        element.set_property("freq", rnd.uniform(0.0, 20000.0))
        element.set_property("volume", rnd.uniform(0.0, 1.0))
        # Every wave but gaussian-noise (9), whose samples exceed full scale in C too.
        element.set_property("wave", rnd.choice([w for w in range(13) if w != 9]))
        element.set_property("samplesperbuffer", rnd.randrange(1, 4096))
        if live:
            # GstBaseSrc does not support switching liveness while PLAYING (the C
            # element stalls just the same): buffers must stay valid and the
            # pipeline must still shut down, but flow may stop.
            element.set_property("is-live", rnd.random() < 0.5)
        count[0] += 1


NEED = 40  # rounds of property changes, and buffers checked while they happen


@pytest.mark.parametrize("fmt,live", [("F32LE", False), ("S16LE", False), ("F32LE", True)])
def test_property_changes_from_another_thread_keep_buffers_valid(fmt, live):
    p = Gst.parse_launch(
        f"audiotestsrc_py name=src ! audio/x-raw,format={fmt},"
        "rate=48000,channels=2 ! appsink name=sink sync=false "
        "max-buffers=16"
    )
    try:
        p.set_state(Gst.State.PLAYING)
    except Exception:
        p.set_state(Gst.State.NULL)
        raise
    src, sink = p.get_by_name("src"), p.get_by_name("sink")
    stop, count = threading.Event(), [0]
    t = threading.Thread(target=_hammer, args=(src, stop, count, live))
    t.start()
    dtype = np.float32 if fmt == "F32LE" else np.int16
    full = 1.0 if fmt == "F32LE" else 32767
    try:
        next_offset = None
        seen = 0
        # Counted, not timed: a slow machine takes longer, not fewer rounds. The
        # deadline only guards against a hang.
        deadline = time.monotonic() + 60.0
        while (count[0] < NEED or (not live and seen < NEED)) and time.monotonic() < deadline:
            sample = sink.emit("try-pull-sample", Gst.SECOND // 4)
            if sample is None:  # slow (a loaded machine), or stalled (live): wait on
                continue
            buf = sample.get_buffer()
            ok, info = buf.map(Gst.MapFlags.READ)
            x = np.frombuffer(info.data, dtype).copy()
            buf.unmap(info)
            assert x.size % 2 == 0 and x.size // 2 == buf.offset_end - buf.offset
            assert np.isfinite(x.astype(np.float64)).all()
            assert np.abs(x.astype(np.float64)).max(initial=0) <= full
            if next_offset is not None:
                assert buf.offset == next_offset  # contiguous
            next_offset = buf.offset_end
            seen += 1
        assert p.get_bus().pop_filtered(Gst.MessageType.ERROR) is None
    finally:
        stop.set()
        t.join()
        assert p.set_state(Gst.State.NULL) == Gst.StateChangeReturn.SUCCESS
    assert count[0] >= NEED
    assert live or seen >= NEED


# -- seeks --------------------------------------------------------------------------


def test_seek_storm_every_segment_starts_at_the_right_sample():
    rate = 44100
    p = Gst.parse_launch(
        f"audiotestsrc_py ! audio/x-raw,format=F32LE,rate={rate} ! "
        "appsink name=sink sync=false max-buffers=4"
    )
    sink = p.get_by_name("sink")
    rnd = random.Random(3)
    try:
        p.set_state(Gst.State.PLAYING)
        p.get_state(2 * Gst.SECOND)
        for _ in range(100):
            pos = rnd.randrange(0, 3600) * Gst.SECOND // 10
            if rnd.random() < 0.3:
                fmt, target = Gst.Format.DEFAULT, pos * rate // Gst.SECOND
                assert p.seek_simple(fmt, Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE, target)
            else:
                assert p.seek_simple(
                    Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE, pos
                )
            sample = sink.emit("try-pull-sample", 2 * Gst.SECOND)
            assert sample is not None
            buf = sample.get_buffer()
            assert buf.offset == pos * rate // Gst.SECOND
            assert buf.pts == buf.offset * Gst.SECOND // rate
        assert p.get_bus().pop_filtered(Gst.MessageType.ERROR) is None
    finally:
        p.set_state(Gst.State.NULL)


# -- several elements at once -------------------------------------------------------


def _mix(n: int, spb: int, live: bool, element: str = "audiotestsrc_py"):
    branches = " ".join(
        f"{element} freq={200 * (i + 1)} volume=0.1 samplesperbuffer={spb} "
        f"is-live={str(live).lower()} num-buffers=20 ! "
        f"audio/x-raw,format=F32LE,rate=48000,channels=1 ! mix. "
        for i in range(n)
    )
    # Live: 100 ms of latency in the mixer, as a live pipeline would have, so that a
    # buffer a loaded machine makes late is mixed rather than dropped.
    latency = "latency=100000000" if live else ""
    r = capture(
        f"audiomixer name=mix {latency} ! audio/x-raw,format=F32LE,rate=48000,channels=1 "
        f"! appsink name=sink {branches}",
        timeout=20,
    )
    assert r.error is None, r.error_debug
    return np.frombuffer(r.data, np.float32).astype(np.float64)


def test_eight_sources_into_audiomixer_mix_exactly():
    n, spb = 8, 480
    mixed = _mix(n, spb, live=False)
    parts = []
    for i in range(n):
        one = capture(
            f"audiotestsrc_py freq={200 * (i + 1)} volume=0.1 "
            f"samplesperbuffer={spb} num-buffers=20 ! "
            "audio/x-raw,format=F32LE,rate=48000,channels=1 ! appsink name=sink"
        )
        parts.append(np.frombuffer(one.data, np.float32).astype(np.float64))
    expected = np.sum(parts, axis=0)
    assert mixed.size == expected.size == spb * 20
    # audiomixer sums in F32: allow float rounding, not misalignment.
    assert np.abs(mixed - expected).max() < 1e-5


def test_eight_live_sources_into_audiomixer():
    # Live sources start against the clock, each when its thread first runs, so the
    # mix's first and last samples depend on scheduling (a few ms apart for C, tens
    # for Python sources starting one after another); check that every tone is there
    # at its level in the middle 0.1 s, where all 0.2 s streams overlap.
    n, rate = 8, 48000
    mixed = _mix(n, 480, live=True)
    assert mixed.size >= 480 * 19
    mid = mixed.size // 2
    seg = mixed[mid - rate // 20 : mid + rate // 20]
    spectrum = np.abs(np.fft.rfft(seg * np.hanning(seg.size))) / (seg.size / 4)
    for i in range(n):
        k = round(200 * (i + 1) * seg.size / rate)
        assert 0.08 < spectrum[k - 1 : k + 2].max() < 0.12


# -- seeks, compared with C ---------------------------------------------------------


def _seek_storm(element: str, seeds: int = 11, count: int = 60) -> list[tuple]:
    rate = 44100
    p = Gst.parse_launch(
        f"{element} samplesperbuffer=441 ! audio/x-raw,format=S16LE,"
        f"rate={rate} ! appsink name=sink sync=false max-buffers=2"
    )
    sink = p.get_by_name("sink")
    rnd = random.Random(seeds)
    seen = []
    try:
        p.set_state(Gst.State.PLAYING)
        p.get_state(2 * Gst.SECOND)
        for _ in range(count):
            a, b = sorted(rnd.randrange(0, 36000) * Gst.SECOND // 10 for _ in range(2))
            b += Gst.SECOND
            kind = rnd.randrange(3)
            flags = Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE
            if kind == 0:
                ok = p.seek(1.0, Gst.Format.TIME, flags, Gst.SeekType.SET, a, Gst.SeekType.SET, b)
            elif kind == 1:  # reverse playback of [a, b]
                ok = p.seek(-1.0, Gst.Format.TIME, flags, Gst.SeekType.SET, a, Gst.SeekType.SET, b)
            else:  # DEFAULT format: samples
                ok = p.seek(
                    1.0,
                    Gst.Format.DEFAULT,
                    flags,
                    Gst.SeekType.SET,
                    a * rate // Gst.SECOND,
                    Gst.SeekType.NONE,
                    -1,
                )
            assert ok
            sample = sink.emit("try-pull-sample", 2 * Gst.SECOND)
            assert sample is not None
            buf = sample.get_buffer()
            seen.append((kind, buf.offset, buf.offset_end, buf.pts, buf.duration))
        assert p.get_bus().pop_filtered(Gst.MessageType.ERROR) is None
    finally:
        p.set_state(Gst.State.NULL)
    return seen


def test_seek_storm_with_reverse_and_default_formats_like_c():
    py = _seek_storm("audiotestsrc_py")
    assert py == _seek_storm("audiotestsrc")
    assert {k for k, *_ in py} == {0, 1, 2}


# -- leaks --------------------------------------------------------------------------

LEAK_SCRIPT = """
import numgst
from numgst.base.gst import Gst
numgst.register()
for i in range(30):
    p = Gst.parse_launch("audiotestsrc_py num-buffers=5 ! audio/x-raw,channels=2 ! "
                         "fakesink sync=false")
    p.set_state(Gst.State.PLAYING)
    p.get_bus().timed_pop_filtered(5 * Gst.SECOND, Gst.MessageType.EOS)
    p.set_state(Gst.State.NULL)
    del p
import gc; gc.collect()
Gst.deinit()
"""


def test_leaks_tracer_finds_no_live_objects_after_pipelines():
    import os
    import subprocess
    import sys

    env = dict(os.environ, GST_TRACERS="leaks", GST_DEBUG="GST_TRACER:7", GST_DEBUG_NO_COLOR="1")
    r = subprocess.run(
        [sys.executable, "-c", LEAK_SCRIPT], capture_output=True, text=True, timeout=120, env=env
    )
    assert r.returncode == 0, r.stderr[-2000:]
    # One "object-alive" record per object still alive at deinit (not the tracer's
    # own format-string line).
    alive = [
        ln
        for ln in r.stderr.splitlines()
        if "object-alive, type-name=(string)" in ln and "%s" not in ln
    ]
    # The Python element class and its pad template live as long as the process's
    # registry; pipelines, elements, pads, buffers and caps of the runs must not.
    leaked = [ln for ln in alive if "GstPadTemplate" not in ln and "Factory" not in ln]
    assert leaked == [], "\n".join(leaked[:20])
