"""Long runs, behind ``./run test --slow``: a day of audio, a live minute under load.

Each prints its figures (run with ``-s`` to see them).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import resource
import statistics
import time

import numpy as np
import pytest

from numgst.base.gst import Gst

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


def _run_probed(desc: str, on_buffer, timeout: float) -> None:
    p = Gst.parse_launch(desc)
    p.get_by_name("sink").get_static_pad("sink").add_probe(
        Gst.PadProbeType.BUFFER,
        lambda _pad, info: on_buffer(info.get_buffer()) or Gst.PadProbeReturn.OK,
    )
    try:
        p.set_state(Gst.State.PLAYING)
        msg = p.get_bus().timed_pop_filtered(
            int(timeout * Gst.SECOND), Gst.MessageType.EOS | Gst.MessageType.ERROR
        )
        assert msg is not None, "timed out"
        assert msg.type == Gst.MessageType.EOS, msg.parse_error()
    finally:
        p.set_state(Gst.State.NULL)


def test_a_day_of_audio_keeps_exact_time_and_phase():
    rate, spb, freq = 48000, 48000, 440
    seconds = int(os.environ.get("NUMGST_SOAK_SECONDS", 24 * 3600))
    state = {"next": 0, "last": None, "bad": 0}
    rss = []

    def on_buffer(buf):
        n0 = buf.offset
        if n0 != state["next"] or buf.pts != n0 * Gst.SECOND // rate:
            state["bad"] += 1
        state["next"] = buf.offset_end
        if n0 // spb in (100, seconds - 1):
            rss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        if buf.offset_end == seconds * rate:
            ok, info = buf.map(Gst.MapFlags.READ)
            state["last"] = (n0, np.frombuffer(info.data, np.float32).copy())
            buf.unmap(info)

    t0 = time.monotonic()
    _run_probed(
        f"audiotestsrc_py freq={freq} volume=1 samplesperbuffer={spb} "
        f"num-buffers={seconds} ! audio/x-raw,format=F32LE,rate={rate},channels=1 "
        "! fakesink name=sink sync=false",
        on_buffer,
        timeout=1800,
    )
    wall = time.monotonic() - t0
    assert state["bad"] == 0
    assert state["next"] == seconds * rate
    n0, x = state["last"]
    # Exact phase of sample n (1-based, the C accumulator's first sample is f(step)).
    n = np.arange(n0 + 1, n0 + 1 + spb, dtype=np.int64)
    exact = np.sin(2 * math.pi * ((freq * n) % rate) / rate)
    drift = np.abs(x - exact).max()
    print(
        f"\n{seconds / 3600:.2f} h of 48 kHz audio in {wall:.0f} s wall "
        f"({seconds / wall:.0f}x real time); "
        f"max deviation from exact phase at the end: {drift:.2e}; "
        f"max RSS growth {(rss[-1] - rss[0]) / 1024:.1f} MiB"
    )
    assert drift < 1e-5
    assert rss[-1] - rss[0] < 1024


def _burn(stop_at: float) -> None:
    while time.monotonic() < stop_at:
        math.sqrt(12345.678)


def _live_jitter(element: str, seconds: float) -> tuple[float, float, int]:
    """Median and worst lateness (ms) of buffers reaching a synced sink, and gaps seen."""
    rate, spb = 48000, 480
    lateness, state = [], {"next": 0, "gaps": 0, "clock": None, "base": None}
    p = Gst.parse_launch(
        f"{element} is-live=true samplesperbuffer={spb} "
        f"num-buffers={int(seconds * rate / spb)} ! "
        f"audio/x-raw,format=S16LE,rate={rate},channels=2 ! "
        "fakesink name=sink sync=true"
    )

    def on_buffer(_pad, info):
        buf = info.get_buffer()
        if buf.offset != state["next"]:
            state["gaps"] += 1
        state["next"] = buf.offset_end
        clock, base = p.get_clock(), p.get_base_time()
        if clock is not None:
            running = clock.get_time() - base
            lateness.append((running - (buf.pts + buf.duration)) / 1e6)
        return Gst.PadProbeReturn.OK

    p.get_by_name("sink").get_static_pad("sink").add_probe(Gst.PadProbeType.BUFFER, on_buffer)
    try:
        p.set_state(Gst.State.PLAYING)
        msg = p.get_bus().timed_pop_filtered(
            int((seconds + 10) * Gst.SECOND), Gst.MessageType.EOS | Gst.MessageType.ERROR
        )
        assert msg is not None and msg.type == Gst.MessageType.EOS
    finally:
        p.set_state(Gst.State.NULL)
    return statistics.median(lateness), max(lateness), state["gaps"]


def test_live_minute_under_cpu_load_no_gaps_jitter_like_c():
    seconds = float(os.environ.get("NUMGST_LIVE_SECONDS", "60"))
    stop_at = time.monotonic() + 2 * seconds + 30
    burners = [multiprocessing.Process(target=_burn, args=(stop_at,)) for _ in range(2)]
    for b in burners:
        b.start()
    try:
        py = _live_jitter("audiotestsrc_py", seconds)
        c = _live_jitter("audiotestsrc", seconds)
    finally:
        for b in burners:
            b.terminate()
            b.join()
    print(
        f"\nlive {seconds:.0f} s under 2 CPU burners: lateness median/max "
        f"py {py[0]:.2f}/{py[1]:.2f} ms, C {c[0]:.2f}/{c[1]:.2f} ms; gaps py {py[2]} "
        f"C {c[2]}"
    )
    assert py[2] == 0 and c[2] == 0
    # Lateness includes the sink's own scheduling under load, which the C element
    # sees too (measured ~10 ms median for both here): compare with C, not with a
    # fixed number.
    assert py[1] <= c[1] + 5.0
