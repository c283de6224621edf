"""audioplot in real pipelines: sizes, time, pixels where the math says, every format."""

from __future__ import annotations

import functools
import os
import struct
import subprocess
import sys

import numpy as np
import pytest

from numgst.base.gst import Gst
from numgst.testing import capture

figures = pytest.importorskip("numgst.plot.figures")

W, H = 640, 480
MS = Gst.MSECOND


def _frames(c, w: int = W, h: int = H) -> list[np.ndarray]:
    assert c.error is None, (c.error, c.error_debug)
    return [np.frombuffer(b.data, np.uint8).reshape(h, w, 4) for b in c.buffers]


def _mask(img: np.ndarray, rgb: tuple[int, int, int]) -> np.ndarray:
    """Pixels close to a pure trace colour (antialiased edges included)."""
    d = np.abs(img[..., :3].astype(np.int16) - np.array(rgb, np.int16)).max(axis=-1)
    return d < 90


RED, BLUE = (255, 0, 0), (0, 0, 255)


# -- loader and registry --------------------------------------------------------------


def test_gst_inspect_through_plugin_loader():
    r = subprocess.run(
        ["gst-inspect-1.0", "audioplot"],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "Traceback" not in out
    assert [ln for ln in out.splitlines() if "CRITICAL" in ln] == []
    for prop in (
        "mode",
        "window-duration",
        "layout",
        "freq-scale",
        "amplitude",
        "colors",
        "grid",
        "min-db",
    ):
        assert f"  {prop}" in out
    assert "waveform" in out and "spectrum" in out and "overlaid" in out


def test_gst_launch_through_plugin_loader():
    r = subprocess.run(
        [
            "gst-launch-1.0",
            "audiotestsrc",
            "num-buffers=20",
            "!",
            "audioplot",
            "!",
            "fakesink",
            "silent=false",
            "-v",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "Traceback" not in out
    # 20 * 1024 samples at 44100 Hz = 464 ms: 11 full frames and the partial 12th.
    assert out.count(f"chain   ******* (fakesink0:sink) ({W * H * 4} bytes") == 12


def test_module_import_does_not_need_matplotlib():
    code = (
        "import sys; import numgst.elements.audioplot, numgst.plot.audio; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported eagerly'"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_missing_matplotlib_is_a_clear_bus_error():
    code = """
import sys
sys.modules['matplotlib'] = None  # import matplotlib now raises ImportError
import numgst
numgst.register()
from numgst.testing import capture
ok = capture('audiotestsrc_py num-buffers=2 ! appsink name=sink')
assert ok.error is None and len(ok.buffers) == 2, ok.error  # other elements unharmed
c = capture('audiotestsrc_py num-buffers=2 ! audioplot ! appsink name=sink')
print('ERROR:', c.error)
"""
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "ERROR: audioplot needs matplotlib" in r.stdout, r.stdout + r.stderr


# -- sizes and time -------------------------------------------------------------------

ONE_SECOND = "audiotestsrc samplesperbuffer=441 num-buffers=100 ! audio/x-raw,rate=44100"


@pytest.mark.parametrize("downstream", ["appsink name=sink", "videoconvert ! appsink name=sink"])
def test_one_second_gives_25_frames_of_exact_size(downstream):
    c = capture(f"{ONE_SECOND} ! audioplot ! {downstream}")
    assert c.error is None, c.error_debug
    s = c.caps[0]
    assert (s.get_int("width")[1], s.get_int("height")[1]) == (W, H)
    assert s.get_fraction("framerate")[1:] == (25, 1)
    assert [len(b.data) for b in c.buffers] == [W * H * 4] * 25
    assert [b.pts for b in c.buffers] == [k * 40 * MS for k in range(25)]
    assert all(b.duration == 40 * MS for b in c.buffers)
    assert [b.offset for b in c.buffers] == list(range(25))
    assert c.buffers[0].flags & Gst.BufferFlags.DISCONT


def test_fakesink_gets_whole_frames():
    # fakesink has no allocation preferences: a BaseTransform without transform_size
    # would hand it input-sized buffers. Record what reaches it.
    pipeline = Gst.parse_launch(
        f"{ONE_SECOND} ! audioplot ! video/x-raw,width=320,"
        "height=200 ! fakesink name=fs signal-handoffs=true "
        "sync=false"
    )
    got = []
    pipeline.get_by_name("fs").connect(
        "handoff", lambda _s, buf, _p: got.append((buf.get_size(), buf.pts))
    )
    pipeline.set_state(Gst.State.PLAYING)
    msg = pipeline.get_bus().timed_pop_filtered(
        30 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR
    )
    pipeline.set_state(Gst.State.NULL)
    assert msg is not None and msg.type == Gst.MessageType.EOS
    assert got == [(320 * 200 * 4, k * 40 * MS) for k in range(25)]


def test_downstream_size_framerate_and_partial_last_frame():
    # 1.01 s at 30 fps: 30 whole frames plus a partial one drawn at EOS.
    c = capture(
        "audiotestsrc samplesperbuffer=101 num-buffers=480 ! audio/x-raw,rate=48000 "
        "! audioplot ! video/x-raw,width=1280,height=720,framerate=30/1 "
        "! appsink name=sink"
    )
    frames = _frames(c, 1280, 720)
    assert len(frames) == 31
    assert [b.pts for b in c.buffers] == [k * Gst.SECOND // 30 for k in range(31)]


def test_bgra_is_rgba_with_red_and_blue_swapped():
    desc = f"{ONE_SECOND} ! audioplot colors=red ! video/x-raw,format={{}} ! appsink name=sink"
    rgba = _frames(capture(desc.format("RGBA")))
    bgra = _frames(capture(desc.format("BGRA")))
    assert len(rgba) == len(bgra) == 25
    np.testing.assert_array_equal(bgra[3][..., [2, 1, 0, 3]], rgba[3])
    assert _mask(rgba[3], RED).any()


def test_flushing_seek_restarts_the_frame_grid():
    def seek(pipeline):
        pipeline.seek(
            1.0,
            Gst.Format.TIME,
            Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE,
            Gst.SeekType.SET,
            500 * MS,
            Gst.SeekType.SET,
            Gst.SECOND,
        )

    c = capture(
        "audiotestsrc samplesperbuffer=441 ! audio/x-raw,rate=44100 ! audioplot "
        "! appsink name=sink",
        setup=seek,
    )
    assert c.error is None, c.error_debug
    pts = [b.pts for b in c.buffers]
    # Frames of the new segment only: 500 ms .. 1 s is 12.5 frame periods.
    assert pts == [500 * MS + k * 40 * MS for k in range(13)]


def test_timestamp_hole_is_drawn_as_silence():
    # appsrc with a 400 ms hole (200..600 ms) in otherwise loud audio: the frame grid
    # runs on through the hole, and those frames are flat.
    from gi.repository import GstApp  # noqa: F401

    pipeline = Gst.parse_launch(
        "appsrc name=src format=time caps=audio/x-raw,format=F32LE,rate=8000,channels=1,"
        "layout=interleaved ! audioplot colors=red ! appsink name=sink sync=false"
    )
    src, sink = pipeline.get_by_name("src"), pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    t = np.arange(800) / 8000
    tone = (0.9 * np.sin(2 * np.pi * 200 * t)).astype(np.float32).tobytes()
    for start in (0, 100 * MS, 600 * MS, 700 * MS, 800 * MS, 900 * MS):
        buf = Gst.Buffer.new_wrapped(tone)
        buf.pts, buf.duration = start, 100 * MS
        src.emit("push-buffer", buf)
    src.emit("end-of-stream")
    frames = []
    while True:
        sample = sink.try_pull_sample(5 * Gst.SECOND)
        if sample is None:
            break
        buf = sample.get_buffer()
        frames.append(
            (buf.pts, np.frombuffer(buf.extract_dup(0, buf.get_size()), np.uint8).reshape(H, W, 4))
        )
    pipeline.set_state(Gst.State.NULL)
    assert [p for p, _ in frames] == [k * 40 * MS for k in range(25)]
    heights = [np.ptp(np.nonzero(_mask(img, RED).any(axis=1))[0]) for _, img in frames]
    loud = [k for k, hgt in enumerate(heights) if hgt > 100]
    assert loud == [0, 1, 2, 3, 4] + list(range(15, 25))
    assert max(heights[5:15]) < 5


def test_gap_buffers_draw_silence():
    # audiotestsrc_py mute=true marks its buffers GAP.
    c = capture(
        "audiotestsrc_py mute=true samplesperbuffer=1920 num-buffers=5 "
        "! audio/x-raw,rate=48000 ! audioplot colors=red ! appsink name=sink"
    )
    frames = _frames(c)
    assert len(frames) == 5
    r = figures.make_figure("waveform", figures.PlotConfig(rate=48000, window=1920))
    _, zero_row = r.data_to_pixel(0, 10.0, 0.0)
    for img in frames:
        rows = np.nonzero(_mask(img, RED).any(axis=1))[0]
        assert rows.size and abs(rows.mean() - zero_row) < 2


def test_live_latency_includes_one_frame():
    pipeline = Gst.parse_launch(
        "audiotestsrc is-live=true samplesperbuffer=480 "
        "! audio/x-raw,rate=48000 ! audioplot name=plot ! fakesink"
    )
    pipeline.set_state(Gst.State.PLAYING)
    pipeline.get_state(5 * Gst.SECOND)
    q = Gst.Query.new_latency()
    ok = pipeline.get_by_name("plot").get_static_pad("src").query(q)
    pipeline.set_state(Gst.State.NULL)
    assert ok
    live, lo, _hi = q.parse_latency()
    assert live and lo == 10 * MS + 40 * MS


# -- pixels ---------------------------------------------------------------------------


def _waveform_figure(rate: int, channels: int = 1, window: int | None = None, **kw):
    cfg = figures.PlotConfig(rate=rate, channels=channels, window=window or rate // 25, **kw)
    return figures.make_figure("waveform", cfg)


def test_trace_extent_follows_volume():
    r = _waveform_figure(44100)
    extents = []
    for vol in (0.1, 0.4, 0.8):
        c = capture(
            f"audiotestsrc volume={vol} samplesperbuffer=441 num-buffers=20 "
            "! audio/x-raw,rate=44100 ! audioplot colors=red ! appsink name=sink"
        )
        img = _frames(c)[2]
        rows = np.nonzero(_mask(img, RED).any(axis=1))[0]
        top = r.pixel_to_data(0, 300, rows.min())[1]
        bottom = r.pixel_to_data(0, 300, rows.max())[1]
        assert top == pytest.approx(vol, abs=0.02)
        assert bottom == pytest.approx(-vol, abs=0.02)
        extents.append(rows.max() - rows.min())
    assert extents[0] < extents[1] < extents[2]


TWO_TONES = (
    "audiotestsrc freq=300 volume=0.9 samplesperbuffer=480 num-buffers=20 "
    "! audio/x-raw,rate=48000,channels=1 ! i.sink_0 "
    "audiotestsrc freq=2000 volume=0.5 samplesperbuffer=480 num-buffers=20 "
    "! audio/x-raw,rate=48000,channels=1 ! i.sink_1 interleave name=i "
)


def test_two_channels_stacked_give_two_bands():
    c = capture(TWO_TONES + "! audioplot colors=red,blue ! appsink name=sink")
    img = _frames(c)[3]
    red, blue = (np.nonzero(_mask(img, col).any(axis=1))[0] for col in (RED, BLUE))
    assert red.size and blue.size
    assert red.max() < blue.min()  # two separate bands, channel 1 on top
    r = _waveform_figure(48000, channels=2)
    assert r.pixel_to_data(0, 300, red.min())[1] == pytest.approx(0.9, abs=0.03)
    assert r.pixel_to_data(1, 300, blue.min())[1] == pytest.approx(0.5, abs=0.03)
    # And they are different tones: 2000 Hz crosses zero ~6.7x as often as 300 Hz.
    rows_mid = [r.data_to_pixel(i, 0, 0.0)[1] for i in (0, 1)]
    crossings = [
        np.count_nonzero(_mask(img, col)[int(round(m))])
        for col, m in zip((RED, BLUE), rows_mid, strict=True)
    ]
    assert crossings[1] > 4 * crossings[0]


@pytest.mark.parametrize("scale", ["log", "linear"])
@pytest.mark.parametrize("freq", [440.0, 1000.0, 5000.0])
def test_spectrum_peak_sits_at_the_tone(scale, freq):
    rate = 48000
    c = capture(
        f"audiotestsrc freq={freq} samplesperbuffer=960 num-buffers=10 "
        f"! audio/x-raw,rate={rate} ! audioplot mode=spectrum freq-scale={scale} "
        "colors=red ! appsink name=sink"
    )
    img = _frames(c)[4]
    cfg = figures.PlotConfig(rate=rate, window=rate // 25, log_freq=scale == "log")
    r = figures.make_figure("spectrum", cfg)
    mask = _mask(img, RED)
    top_row = np.nonzero(mask.any(axis=1))[0].min()
    cols = np.nonzero(mask[top_row])[0]
    peak_hz = r.pixel_to_data(0, cols.mean(), top_row)[0]
    bin_hz = rate / r.spectrum.nfft
    assert abs(peak_hz - freq) <= bin_hz
    # The peak's height is the tone's level: volume 0.8 = -1.9 dBFS (minus Hann's
    # scalloping loss off-bin, up to 1.42 dB).
    peak_db = r.pixel_to_data(0, cols.mean(), top_row)[1]
    assert -1.94 - 1.6 < peak_db < -1.94 + 0.3


def test_two_channels_overlaid_spectrum_peaks():
    c = capture(
        TWO_TONES + "! audioplot mode=spectrum layout=overlaid colors=red,blue ! appsink name=sink"
    )
    img = _frames(c)[3]
    r = figures.make_figure(
        "spectrum", figures.PlotConfig(rate=48000, channels=2, window=1920, stacked=False)
    )
    for col, freq in ((RED, 300.0), (BLUE, 2000.0)):
        mask = _mask(img, col)
        # Only trace pixels in the plot area (the legend has short samples of each).
        x0, _ = r.data_to_pixel(0, 30.0, 0.0)
        x1, _ = r.data_to_pixel(0, 20000.0, 0.0)
        mask[:, : int(x0)] = False
        mask[:, int(x1) :] = False
        legend = r.axes[0].get_legend().get_window_extent()
        mask[
            int(H - legend.y1) - 2 : int(H - legend.y0) + 2, int(legend.x0) - 2 : int(legend.x1) + 2
        ] = False
        top = np.nonzero(mask.any(axis=1))[0].min()
        hz = r.pixel_to_data(0, np.nonzero(mask[top])[0].mean(), top)[0]
        assert abs(hz - freq) <= 48000 / 2048


# -- formats and the C oracle ---------------------------------------------------------


def _plot(src: str, caps: str, n: int = 10, extra: str = "") -> list[np.ndarray]:
    return _frames(
        capture(
            f"{src} samplesperbuffer=441 num-buffers={n} ! {caps} "
            f"! audioplot colors=red,blue {extra} ! appsink name=sink"
        )
    )


def _trace(img: np.ndarray) -> np.ndarray:
    return _mask(img, RED) | _mask(img, BLUE)


def _near(ta: np.ndarray, tb: np.ndarray, tol_px: int) -> float:
    """Fraction of trace mask ta's pixels with no pixel of mask tb within tol_px."""
    grown = np.zeros_like(tb)
    padded = np.pad(tb, tol_px)
    for dy in range(2 * tol_px + 1):
        for dx in range(2 * tol_px + 1):
            grown |= padded[dy : dy + tb.shape[0], dx : dx + tb.shape[1]]
    return np.count_nonzero(ta & ~grown) / max(1, np.count_nonzero(ta))


FORMATS = [
    "S16LE",
    "S16BE",
    "S32LE",
    "F32LE",
    "F64LE",
    "F64BE",
    "U8",
    "S8",
    "S24LE",
    "S24BE",
    "S24_32LE",
    "U16LE",
    "S20LE",
    "S18LE",
]


FORMAT_CAPS = "audio/x-raw,rate=44100,channels=2,format={},layout={}"


@functools.cache
def _f32_reference() -> tuple[np.ndarray, ...]:
    return tuple(_plot("audiotestsrc", FORMAT_CAPS.format("F32LE", "interleaved")))


@pytest.mark.parametrize("layout", ["interleaved", "non-interleaved"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_and_layout_draws_the_same_plot(fmt, layout):
    base = FORMAT_CAPS
    ref = _f32_reference()
    got = _plot("audiotestsrc", base.format(fmt, layout))
    assert len(got) == len(ref) == 3
    for a, b in zip(ref, got, strict=True):
        if fmt.startswith("F"):
            np.testing.assert_array_equal(a, b)
        else:
            # Quantisation moves antialiased edges; the trace stays where it was.
            # U8/S8 steps are 1/128 FS, under one pixel at this scale.
            ta, tb = _trace(a), _trace(b)
            assert _near(tb, ta, 1) < 0.002
            assert _near(ta, tb, 1) < 0.002


def test_frames_equal_with_c_and_python_audiotestsrc():
    caps = "audio/x-raw,format=F32LE,rate=48000,channels=1"
    for mode in ("waveform", "spectrum"):
        c = _plot("audiotestsrc", caps, n=20, extra=f"mode={mode}")
        py = _plot("audiotestsrc_py", caps, n=20, extra=f"mode={mode}")
        assert len(c) == len(py) == 5  # 183.75 ms of audio
        for a, b in zip(c, py, strict=True):
            np.testing.assert_array_equal(a, b)


# -- PNG ------------------------------------------------------------------------------


def test_render_png(tmp_path):
    from numgst.tools.demo import render_png

    path = tmp_path / "plot.png"
    render_png(str(path), mode="waveform", width=800, height=500, freqs=(440.0, 660.0))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (800, 500)


# -- exact window contents ------------------------------------------------------------


def _run_appsrc(
    audio: np.ndarray, rate: int, props: str, chunk: int, on_frame=None
) -> list[tuple[int, np.ndarray]]:
    """Push mono F32 ``audio`` in ``chunk``-sample buffers; return (pts, frame)s."""
    from gi.repository import GstApp  # noqa: F401

    pipeline = Gst.parse_launch(
        f"appsrc name=src format=time caps=audio/x-raw,format=F32LE,rate={rate},"
        f"channels=1,layout=interleaved ! audioplot name=plot {props} "
        "! appsink name=sink sync=false"
    )
    src, sink = pipeline.get_by_name("src"), pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    for start in range(0, audio.size, chunk):
        buf = Gst.Buffer.new_wrapped(audio[start : start + chunk].tobytes())
        buf.pts = Gst.util_uint64_scale(start, Gst.SECOND, rate)
        src.emit("push-buffer", buf)
    src.emit("end-of-stream")
    frames = []
    while (sample := sink.try_pull_sample(5 * Gst.SECOND)) is not None:
        buf = sample.get_buffer()
        frames.append(
            (buf.pts, np.frombuffer(buf.extract_dup(0, buf.get_size()), np.uint8).reshape(H, W, 4))
        )
        if on_frame is not None:
            on_frame(pipeline.get_by_name("plot"), len(frames))
    pipeline.set_state(Gst.State.NULL)
    return frames


@pytest.mark.parametrize("mode", ["waveform", "spectrum"])
def test_each_frame_shows_exactly_its_window(mode):
    rate, per_frame, window = 8000, 320, 800  # 25 fps, window-duration 100 ms
    rng = np.random.default_rng(7)
    audio = (0.5 * rng.standard_normal(10 * per_frame + 100)).astype(np.float32)
    frames = _run_appsrc(audio, rate, f"mode={mode} window-duration={100 * MS}", chunk=123)
    assert [p for p, _ in frames] == [k * 40 * MS for k in range(11)]
    r = figures.make_figure(mode, figures.PlotConfig(rate=rate, window=window))
    padded = np.concatenate(
        [np.zeros(window, np.float32), audio, np.zeros(per_frame, np.float32)]
    )  # silence before/after
    want = np.empty((H, W, 4), np.uint8)
    for k, (_, img) in enumerate(frames):
        end = window + (k + 1) * per_frame
        r.draw(padded[None, end - window : end], want)
        np.testing.assert_array_equal(img, want, err_msg=f"frame {k}")


def test_mode_switch_mid_stream():
    rate = 8000
    audio = (0.5 * np.sin(2 * np.pi * 1000 * np.arange(8000) / rate)).astype(np.float32)

    def switch(plot, n):
        if n == 10:
            plot.set_property("mode", "spectrum")

    frames = _run_appsrc(audio, rate, "colors=red", chunk=320, on_frame=switch)
    assert len(frames) == 25
    cfg = figures.PlotConfig(rate=rate, window=320, colors=("red",))
    drawn = {m: figures.make_figure(m, cfg) for m in ("waveform", "spectrum")}
    want = np.empty((H, W, 4), np.uint8)
    kinds = []
    for k, (_, img) in enumerate(frames):
        for m, r in drawn.items():
            r.draw(audio[None, k * 320 : (k + 1) * 320], want)
            if np.array_equal(img, want):
                kinds.append(m)
                break
        else:
            kinds.append("?")
    # Frames already queued when the property changed may still be waveforms; after
    # the switch every frame is a spectrum, and nothing else was drawn.
    switch_at = kinds.index("spectrum")
    assert 10 <= switch_at < 25
    assert kinds == ["waveform"] * switch_at + ["spectrum"] * (25 - switch_at)
