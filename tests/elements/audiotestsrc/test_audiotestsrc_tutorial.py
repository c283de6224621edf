"""The tutorial's element, working: loader, launch lines, samples and time equal to C."""

from __future__ import annotations

import os
import subprocess

import numpy as np
import pytest

from numgst.base.gst import Gst
from numgst.testing import capture


def _env() -> dict[str, str]:
    return dict(os.environ)


def _critical_lines(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if "CRITICAL" in ln]


def test_gst_inspect_through_plugin_loader():
    r = subprocess.run(
        ["gst-inspect-1.0", "audiotestsrc_py"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "Traceback" not in out
    assert _critical_lines(out) == []
    for prop in ("freq", "volume", "mute", "is-live", "samplesperbuffer", "wave"):
        assert f"  {prop}" in out
    assert "Source/Audio" in out


@pytest.mark.parametrize("live", [False, True])
def test_tutorial_launch_lines(live):
    args = ["gst-launch-1.0", "-v", "audiotestsrc_py", "num-buffers=5"]
    if live:
        args.append("is-live=true")
    r = subprocess.run(
        args + ["!", "fakesink", "silent=false"],
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "Traceback" not in out
    # Default caps fixate like C: mono native S16, 1024 frames = 2048 bytes.
    assert out.count("chain   ******* (fakesink0:sink) (2048 bytes") == 5


def _pair(props: str, caps: str, n: int = 4):
    desc = "{src} {props} num-buffers={n} ! {caps} ! appsink name=sink"
    c = capture(desc.format(src="audiotestsrc", props=props, n=n, caps=caps))
    py = capture(desc.format(src="audiotestsrc_py", props=props, n=n, caps=caps))
    assert c.error is None and py.error is None, (c.error, py.error, py.error_debug)
    return c, py


@pytest.mark.parametrize(
    "rate,channels,freq,spb",
    [
        (44100, 1, 440.0, 1024),
        (48000, 2, 1000.0, 1000),
        (8000, 3, 3999.0, 7),
        (96000, 6, 20.5, 4096),
        (22050, 2, 0.0, 1),
        (192000, 8, 12345.678, 333),
    ],
)
def test_f32_samples_and_time_equal_c(rate, channels, freq, spb):
    caps = f"audio/x-raw,format=F32LE,rate={rate},channels={channels}"
    c, py = _pair(f"freq={freq} samplesperbuffer={spb}", caps, n=6)
    assert py.caps.is_equal(c.caps), (py.caps.to_string(), c.caps.to_string())
    assert len(py.buffers) == len(c.buffers) == 6
    for a, b in zip(c.buffers, py.buffers, strict=True):
        assert (b.pts, b.duration, b.offset, b.offset_end, b.flags) == (
            a.pts,
            a.duration,
            a.offset,
            a.offset_end,
            a.flags,
        )
    assert py.data == c.data


def test_fixation_like_c():
    c, py = _pair("freq=30000", "audio/x-raw,format=F32LE")
    s_c, s_py = c.caps[0], py.caps[0]
    assert s_py.get_value("rate") == s_c.get_value("rate") == 60000
    assert s_py.get_value("channels") == s_c.get_value("channels") == 1


def test_volume_and_mute():
    _, py = _pair("volume=0.5", "audio/x-raw,format=F32LE", n=2)
    x = np.frombuffer(py.data, np.float32)
    assert 0.49 < np.abs(x).max() <= 0.5
    muted = capture(
        "audiotestsrc_py mute=true num-buffers=2 ! audio/x-raw,format=F32LE ! appsink name=sink"
    )
    assert not np.frombuffer(muted.data, np.float32).any()
    assert all(b.flags & Gst.BufferFlags.GAP for b in muted.buffers)


def test_phase_continuous_when_freq_changes():
    # Changing freq mid-stream changes the accumulator's step, never its phase.
    seen = []

    def setup(pipeline):
        src = pipeline.get_by_name("src")
        pad = src.get_static_pad("src")

        def probe(_pad, info):
            seen.append(1)
            if len(seen) == 2:
                src.set_property("freq", 880.0)
            return Gst.PadProbeReturn.OK

        pad.add_probe(Gst.PadProbeType.BUFFER, probe)

    py = capture(
        "audiotestsrc_py name=src num-buffers=4 ! audio/x-raw,format=F32LE ! appsink name=sink",
        setup=setup,
    )
    x = np.frombuffer(py.data, np.float32).astype(np.float64)
    # A phase jump would show as a sample-to-sample step far above the slope limit.
    max_step = 2 * np.pi * 880.0 / 44100 * 0.8
    assert np.abs(np.diff(x)).max() <= max_step * 1.01


def _latency(element: str, live: bool):
    p = Gst.parse_launch(
        f"{element} is-live={str(live).lower()} samplesperbuffer=441 "
        "! audio/x-raw,rate=44100,format=F32LE ! fakesink"
    )
    try:
        p.set_state(Gst.State.PLAYING)
        p.get_state(5 * Gst.SECOND)
        src = p.get_by_name(p.children[-1].get_name())
        q = Gst.Query.new_latency()
        assert src.get_static_pad("src").query(q)
        return q.parse_latency()
    finally:
        p.set_state(Gst.State.NULL)


@pytest.mark.parametrize("live", [False, True])
def test_latency_query_like_c(live):
    assert _latency("audiotestsrc_py", live) == _latency("audiotestsrc", live)


def test_fault_in_element_fill_stops_pipeline_with_traceback():
    from numgst.base import vfunc
    from numgst.elements.audiotestsrc import AudioTestSrc

    class FaultyAudioTestSrc(AudioTestSrc):
        __gtype_name__ = "NumgstTestFaultyAudioTestSrc"
        calls = 0

        @vfunc(Gst.FlowReturn.ERROR)
        def do_fill(self, offset, length, buf):
            FaultyAudioTestSrc.calls += 1
            if FaultyAudioTestSrc.calls == 3:
                raise RuntimeError("injected fault on the third buffer")
            return super().do_fill(offset, length, buf)

    Gst.Element.register(None, "numgst_faulty_audiotestsrc", Gst.Rank.NONE, FaultyAudioTestSrc)
    r = capture("numgst_faulty_audiotestsrc num-buffers=10 ! appsink name=sink", timeout=5)
    assert r.error is not None and "injected fault on the third buffer" in r.error
    assert "Traceback (most recent call last)" in r.error_debug
    assert len(r.buffers) == 2
