"""What an adversarial probe found (issue 13), each pinned: no crash, no hang, no leak,
no garbage. Anything that could hang runs in a subprocess with a hard timeout."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _isolated import LEAKS_ENV, leaked_objects, run_command, run_python, run_script

from numgst.base.gst import Gst, GstController
from numgst.testing import capture

# -- faults in vfuncs: every kind of exception, every vfunc ---------------------------

VFUNCS = [
    "start",
    "negotiate",
    "set_caps",
    "gst_base_src_query",
    "is_seekable",
    "get_times",
    "fill",
    "stop",
]


@pytest.mark.parametrize("where", VFUNCS)
def test_any_exception_in_any_vfunc_is_a_bus_error_then_a_clean_null(where):
    # RuntimeError, SystemExit, KeyboardInterrupt, GeneratorExit and BaseException, 3
    # runs each: a bus ERROR with the traceback, no buffer that is not C's, NULL.
    r = run_script("_faults.py", where, "3", timeout=120)
    assert r.stdout.strip().endswith("ok"), r.stdout + r.stderr[-3000:]


def test_a_failing_seek_never_hangs():
    # The seek fails at start (GstBaseSrc's initial seek), which used to start the
    # streaming task on a stopped source: NULL then deadlocked in 2 runs of 10.
    r = run_script("_faults.py", "do_seek", "30", timeout=180)
    assert r.stdout.strip().endswith("ok"), r.stdout + r.stderr[-3000:]


GENERATOR_FAULT = """
import sys
import numgst
from numgst.base.gst import Gst
numgst.register()
kind = {"SystemExit": SystemExit, "KeyboardInterrupt": KeyboardInterrupt,
        "GeneratorExit": GeneratorExit, "BaseException": BaseException,
        "ValueError": ValueError}[sys.argv[1]]
calls = []
def gen(t):
    calls.append(len(t))
    if len(calls) == 3:
        raise kind("generator gave up")
    return 0.5 + 0 * t
p = Gst.parse_launch("audiotestsrc_py name=src wave=custom num-buffers=10 ! "
                     "audio/x-raw,format=F32LE,channels=1 ! appsink name=sink sync=false")
p.get_by_name("src").set_property("generator", gen)
p.set_state(Gst.State.PLAYING)
msg = p.get_bus().timed_pop_filtered(5 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.EOS)
sink, got = p.get_by_name("sink"), []
while (s := sink.emit("try-pull-sample", 0)) is not None:
    b = s.get_buffer()
    ok, info = b.map(Gst.MapFlags.READ)
    got.append(bytes(info.data))
    b.unmap(info)
assert p.set_state(Gst.State.NULL) == Gst.StateChangeReturn.SUCCESS
import numpy as np
# A call may render several buffers (a list): those of the first two calls came out.
print(msg.type == Gst.MessageType.ERROR and "generator gave up" in msg.parse_error()[0].message,
      len(got) == sum(calls[:2]) // 1024 and len(got) >= 2,
      all(set(np.frombuffer(d, np.float32)) == {np.float32(0.4)} for d in got))
"""


@pytest.mark.parametrize(
    "kind", ["SystemExit", "KeyboardInterrupt", "GeneratorExit", "BaseException", "ValueError"]
)
def test_generator_raising_anything_stops_with_an_error_and_no_garbage(kind):
    r = run_python(GENERATOR_FAULT, kind, timeout=30)
    assert r.returncode == 0, r.stderr[-3000:]
    # The third call failed: the buffers of the two before it (0.5 * volume 0.8) and
    # nothing else.
    assert r.stdout.split() == ["True", "True", "True"], r.stdout + r.stderr[-2000:]


PROPERTY_WHILE_PLAYING = """
import numgst
from numgst.base.gst import Gst
numgst.register()
p = Gst.parse_launch("audiotestsrc_py name=src samplesperbuffer=100 ! "
                     "audio/x-raw,format=F32LE,channels=2 ! appsink name=sink sync=false "
                     "max-buffers=1")
src, sink, bus = p.get_by_name("src"), p.get_by_name("sink"), p.get_bus()
p.set_state(Gst.State.PLAYING)
sink.emit("pull-sample")
src.set_property("samplesperbuffer", 2**31 - 1)  # 8 bytes a frame: over 4 GiB a buffer
warning = bus.timed_pop_filtered(Gst.SECOND, Gst.MessageType.WARNING)
sizes = {sink.emit("pull-sample").get_buffer().get_size() for _ in range(20)}
error = bus.pop_filtered(Gst.MessageType.ERROR)
p.set_state(Gst.State.NULL)
print(src.get_property("samplesperbuffer"), sorted(sizes), error is None,
      warning is not None and "samplesperbuffer" in warning.parse_warning()[0].message)
"""


def test_a_property_value_the_element_cannot_honour_is_refused_cleanly():
    r = run_python(PROPERTY_WHILE_PLAYING, timeout=30)
    assert r.returncode == 0, r.stderr[-3000:]
    # Refused with a WARNING on the bus: the property and the buffers still agree,
    # streaming goes on, nothing on stderr.
    assert r.stdout.split() == ["100", "[800]", "True", "True"], r.stdout
    assert "Traceback" not in r.stderr


def test_an_exception_in_a_property_hook_is_a_bus_error_and_the_value_stays():
    from numgst.base import ElementMixin, Prop
    from numgst.base.gst import GstBase

    class Touchy(ElementMixin, GstBase.BaseSrc):
        __gtype_name__ = "NumgstTestTouchy"
        PROPS = (
            Prop(
                "level",
                float,
                nick="Level",
                blurb="Level",
                default=0.5,
                minimum=0.0,
                maximum=1.0,
                apply="_check",
            ),
        )

        def _check(self, value):
            if value > 0.9:
                raise SystemExit("too loud")

    pipeline = Gst.Pipeline()
    e = Touchy()
    pipeline.add(e)
    e.set_property("level", 0.95)
    assert e.get_property("level") == 0.5
    msg = pipeline.get_bus().pop_filtered(Gst.MessageType.ERROR)
    assert msg is not None and "too loud" in msg.parse_error()[0].message
    e.set_property("level", 0.7)
    assert e.get_property("level") == 0.7


# -- import order --------------------------------------------------------------------


@pytest.mark.parametrize("order", ["numpy gi", "gi numpy", "numgst numpy", "matplotlib gi"])
def test_audioplot_works_whatever_was_imported_first(order):
    code = f"""
for m in {order.split()!r}:
    if m == "gi":
        import gi
        gi.require_version("Gst", "1.0")
        from gi.repository import Gst
        Gst.init(None)
    else:
        __import__(m)
import numgst
from numgst.base.gst import Gst
numgst.register()
from numgst.testing import run_to_eos
run_to_eos(Gst.parse_launch("audiotestsrc num-buffers=3 ! audioplot ! fakesink"))
print("ok")
"""
    r = run_python(code, timeout=60)
    assert r.returncode == 0 and r.stdout.strip() == "ok", (r.returncode, r.stderr[-2000:])


# -- references: the CRITICAL and leaks ----------------------------------------------

CREATE_EVERY_WAY = """
import numgst
from numgst.base.gst import Gst
from numgst.elements.audioplot import AudioPlot
from numgst.elements.audiotestsrc import AudioTestSrc
numgst.register()
for i in range(ROUNDS):
    for name in ("audiotestsrc_py", "audioplot"):
        e = Gst.ElementFactory.make(name)          # made, never added to a bin
        assert e.__grefcount__ == 1 and not e.is_floating(), e.__grefcount__
        del e
    for cls in (AudioTestSrc, AudioPlot):
        e = cls()                                   # constructed from Python
        del e
    b = Gst.Bin()
    b.add(Gst.ElementFactory.make("audiotestsrc_py"))
    del b
    p = Gst.parse_launch("audiotestsrc_py num-buffers=3 ! audioplot ! "
                         "video/x-raw,width=64,height=48 ! fakesink")
    p.set_state(Gst.State.PLAYING)
    p.get_bus().timed_pop_filtered(10 * Gst.SECOND, Gst.MessageType.EOS)
    p.set_state(Gst.State.NULL)
    del p
import gc
gc.collect()
Gst.deinit()
print("done")
"""


def test_no_critical_whoever_creates_the_elements():
    code = CREATE_EVERY_WAY.replace("ROUNDS", "2")
    r = run_python(code, timeout=60, env={"G_DEBUG": "fatal-criticals"})
    assert r.returncode == 0 and r.stdout.strip() == "done", r.stderr[-3000:]
    assert "CRITICAL" not in r.stderr
    for args in (
        [
            "gst-launch-1.0",
            "-q",
            "audiotestsrc_py",
            "num-buffers=3",
            "!",
            "audioplot",
            "!",
            "fakesink",
        ],
        ["gst-inspect-1.0", "audioplot"],
    ):
        r = run_command(args, timeout=60, env={"G_DEBUG": "fatal-criticals"})
        assert r.returncode == 0 and "CRITICAL" not in r.stderr, r.stderr[-2000:]


def test_every_element_is_freed_whoever_made_it():
    code = CREATE_EVERY_WAY.replace("ROUNDS", "20")
    r = run_python(code, timeout=120, env=LEAKS_ENV)
    assert r.returncode == 0 and "done" in r.stdout, r.stderr[-3000:]
    leaked = leaked_objects(r.stderr)
    assert leaked == [], "\n".join(leaked[:20])


# -- audioplot: frame rate, bounds, layout, errors -----------------------------------


def test_audioplot_follows_a_frame_rate_change_mid_stream():
    p = Gst.parse_launch(
        "audiotestsrc_py samplesperbuffer=1000 ! audio/x-raw,rate=48000 ! audioplot ! "
        "capsfilter name=f caps=video/x-raw,framerate=25/1,width=160,height=120 ! "
        "appsink name=sink sync=false max-buffers=2"
    )
    sink, f = p.get_by_name("sink"), p.get_by_name("f")
    got = []
    try:
        p.set_state(Gst.State.PLAYING)
        for i in range(30):
            if i in (10, 20):  # 1000-sample buffers: boundaries fall inside them
                rate = {10: "10/1", 20: "30/1"}[i]
                f.set_property(
                    "caps",
                    Gst.Caps.from_string(f"video/x-raw,framerate={rate},width=160,height=120"),
                )
            sample = sink.emit("try-pull-sample", 5 * Gst.SECOND)
            assert sample is not None, f"no frame {i}"
            b = sample.get_buffer()
            got.append((b.pts, b.duration))
        assert p.get_bus().pop_filtered(Gst.MessageType.ERROR) is None
    finally:
        p.set_state(Gst.State.NULL)
    for (pts, dur), (nxt, _) in zip(got, got[1:], strict=False):
        assert pts + dur == nxt  # contiguous through both changes
    durations = {d for _, d in got}
    assert {40 * Gst.MSECOND, 100 * Gst.MSECOND} <= durations
    assert got[-1][1] in (33333333, 33333334)


@pytest.mark.parametrize("fps", ["2000000000/1", "1/2147483647"])
def test_audioplot_refuses_frame_rates_it_cannot_keep(fps):
    code = f"""
import numgst
from numgst.base.gst import Gst
numgst.register()
try:  # refused when linking, or when negotiating if the caps come later
    p = Gst.parse_launch("audiotestsrc_py num-buffers=20 ! audioplot ! "
                         "video/x-raw,framerate={fps} ! fakesink")
except Exception as exc:
    print("link" in str(exc))
else:
    p.set_state(Gst.State.PLAYING)
    m = p.get_bus().timed_pop_filtered(10 * Gst.SECOND,
                                       Gst.MessageType.ERROR | Gst.MessageType.EOS)
    p.set_state(Gst.State.NULL)
    print(m.type == Gst.MessageType.ERROR)
p = Gst.parse_launch("audiotestsrc_py num-buffers=20 ! audioplot ! capsfilter name=f ! "
                     "fakesink")
p.get_by_name("f").set_property("caps", Gst.Caps.from_string("video/x-raw,framerate={fps}"))
p.set_state(Gst.State.PLAYING)
m = p.get_bus().timed_pop_filtered(10 * Gst.SECOND, Gst.MessageType.ERROR | Gst.MessageType.EOS)
p.set_state(Gst.State.NULL)
print(m.type == Gst.MessageType.ERROR)
"""
    r = run_python(code, timeout=30)
    assert r.returncode == 0 and r.stdout.split() == ["True", "True"], r.stderr[-2000:]


def test_audioplot_window_is_bounded_at_the_slowest_frame_rate_and_highest_rate():
    code = """
import resource
import numgst
from numgst.base.gst import Gst
numgst.register()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for rate, mode in ((48000, "waveform"), (2147483647, "spectrum")):
    p = Gst.parse_launch(f"audiotestsrc_py samplesperbuffer=48000 num-buffers=2 ! "
                         f"audio/x-raw,rate={rate} ! audioplot name=plot mode={mode} ! "
                         "video/x-raw,framerate=1/3600,width=64,height=48 ! fakesink")
    p.set_state(Gst.State.PLAYING)
    m = p.get_bus().timed_pop_filtered(60 * Gst.SECOND,
                                       Gst.MessageType.ERROR | Gst.MessageType.EOS)
    assert m.type == Gst.MessageType.EOS, m.parse_error()
    print(p.get_by_name("plot").stream.history.size)
    p.set_state(Gst.State.NULL)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""
    r = run_python(code, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    window_48k, window_max, grown_mib = map(int, r.stdout.split())
    assert window_48k == 60 * 48000  # an hour's frame shows the last 60 s
    assert window_max == 1 << 22  # a samples cap at absurd rates
    assert grown_mib < 600


def _planar_meta_frames() -> list[np.ndarray]:
    """Planar F32 stereo buffers of 1000-frame planes, trimmed to 600 frames by their
    GstAudioMeta: +0.5 and -0.5 in the frames that count, 0.9 beyond."""
    from numgst.base.buffers import add_audio_meta
    from numgst.base.caps import audio_info

    caps = Gst.Caps.from_string(
        "audio/x-raw,format=F32LE,rate=48000,channels=2,layout=non-interleaved"
    )
    info = audio_info(caps)
    p = Gst.parse_launch(
        "appsrc name=src format=time ! audioplot name=plot "
        "window-duration=50000000 ! video/x-raw,width=64,height=48,"
        "framerate=100/1 ! appsink name=sink sync=false"
    )
    src, sink, plot = p.get_by_name("src"), p.get_by_name("sink"), p.get_by_name("plot")
    src.set_property("caps", caps)
    frames = []
    try:
        p.set_state(Gst.State.PLAYING)
        planes = np.full((2, 1000), 0.9, np.float32)
        planes[0, :600], planes[1, :600] = 0.5, -0.5
        for k in range(10):
            buf = Gst.Buffer.new_wrapped(planes.tobytes())
            add_audio_meta(buf, info, 600, (0, 4000))
            buf.pts, buf.duration = k * 12500000, 12500000  # 600 frames at 48 kHz
            src.emit("push-buffer", buf)
        src.emit("end-of-stream")
        # appsink holds EOS back until every frame is pulled; None then means EOS.
        while (s := sink.emit("try-pull-sample", 5 * Gst.SECOND)) is not None:
            frames.append(s.get_buffer().pts)
        assert sink.get_property("eos")
        assert p.get_bus().pop_filtered(Gst.MessageType.ERROR) is None
        window = plot.stream.history.window().copy()
    finally:
        p.set_state(Gst.State.NULL)
    return frames, window


def test_audioplot_reads_planar_buffers_where_their_audio_meta_says():
    frames, window = _planar_meta_frames()
    # 10 buffers of 12.5 ms: 125 ms of audio, 13 frames of 10 ms (the last partial).
    assert frames == [k * 10 * Gst.MSECOND for k in range(13)]
    assert set(np.unique(window[0])) <= {0.0, 0.5}
    assert set(np.unique(window[1])) <= {0.0, -0.5}
    assert (window[0] == 0.5).sum() > 1000


def _one_frame(extra: str) -> bytes:
    c = capture(
        f"audiotestsrc_py num-buffers=2 samplesperbuffer=1920 ! audio/x-raw,"
        f"rate=48000 ! audioplot {extra} ! video/x-raw,width=320,height=240 ! "
        "appsink name=sink"
    )
    assert c.error is None, c.error_debug
    return c.buffers[0].data


@pytest.mark.parametrize("mode", ["waveform", "spectrum"])
def test_grid_false_draws_no_grid(mode):
    with_grid, without = _one_frame(f"mode={mode}"), _one_frame(f"mode={mode} grid=false")
    a = np.frombuffer(with_grid, np.uint8).reshape(240, 320, 4)
    b = np.frombuffer(without, np.uint8).reshape(240, 320, 4)
    assert (a != b).any(axis=2).sum() > 200  # the grid's pixels


def test_audioplot_caps_gstaudio_refuses_are_a_negotiation_error():
    code = """
import numgst
from numgst.base.gst import Gst
numgst.register()
p = Gst.parse_launch("appsrc name=src ! audioplot ! fakesink")
src = p.get_by_name("src")
src.set_property("caps", Gst.Caps.from_string(
    "audio/x-raw,format=F32LE,rate=48000,channels=4,layout=interleaved"))
p.set_state(Gst.State.PLAYING)
src.emit("push-buffer", Gst.Buffer.new_wrapped(bytes(4 * 4 * 100)))
m = p.get_bus().timed_pop_filtered(5 * Gst.SECOND, Gst.MessageType.ERROR)
p.set_state(Gst.State.NULL)
err, debug = m.parse_error()
print(err.domain, err.code == int(Gst.CoreError.NEGOTIATION), "channel-mask" in err.message)
"""
    r = run_python(code, timeout=30)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["gst-core-error-quark", "True", "True"], r.stdout
    assert "TypeError" not in r.stderr


def test_audioplot_draws_nan_and_inf_without_warnings():
    code = """
import numpy as np
import numgst
from numgst.base.gst import Gst
numgst.register()
for mode in ("waveform", "spectrum"):
    p = Gst.parse_launch(f"appsrc name=src format=time ! audioplot mode={mode} ! "
                         "video/x-raw,width=64,height=48 ! fakesink")
    src = p.get_by_name("src")
    src.set_property("caps", Gst.Caps.from_string(
        "audio/x-raw,format=F64LE,rate=48000,channels=1,layout=interleaved"))
    p.set_state(Gst.State.PLAYING)
    x = np.zeros(4800)
    x[::3], x[1::7], x[2::11], x[5::13] = np.nan, np.inf, -np.inf, 1e300
    for k in range(5):
        buf = Gst.Buffer.new_wrapped(x.tobytes())
        buf.pts, buf.duration = k * 100 * Gst.MSECOND, 100 * Gst.MSECOND
        src.emit("push-buffer", buf)
    src.emit("end-of-stream")
    m = p.get_bus().timed_pop_filtered(10 * Gst.SECOND,
                                       Gst.MessageType.EOS | Gst.MessageType.ERROR)
    p.set_state(Gst.State.NULL)
    print(m.type == Gst.MessageType.EOS)
"""
    r = run_python(code, timeout=60)
    assert r.returncode == 0 and r.stdout.split() == ["True", "True"], r.stderr[-2000:]
    assert "Warning" not in r.stderr, r.stderr[-2000:]


# -- audiotestsrc_py: time-based waves, NaN, per-sample ranges -----------------------


def _f32(desc: str, **kw) -> np.ndarray:
    c = capture(desc, **kw)
    assert c.error is None, c.error_debug
    return np.frombuffer(c.data, np.float32)


SWEEP = (
    "audiotestsrc_py name=src wave=sweep freq=100 end-freq=5000 "
    "sweep-duration=250000000 samplesperbuffer=480"
)


def test_sweep_after_a_flushing_seek_is_the_sweep_at_that_time():
    caps = "audio/x-raw,format=F32LE,rate=48000,channels=1"
    whole = _f32(f"{SWEEP} num-buffers=200 ! {caps} ! appsink name=sink")

    def seek(p):
        p.seek_simple(
            Gst.Format.TIME, Gst.SeekFlags.FLUSH | Gst.SeekFlags.ACCURATE, 1370 * Gst.MSECOND
        )

    c = capture(f"{SWEEP} ! {caps} ! appsink name=sink", setup=seek, max_buffers=8)
    assert c.error is None
    first = [b.offset for b in c.buffers].index(1370 * 48)  # after the flush
    got = np.frombuffer(b"".join(b.data for b in c.buffers[first:]), np.float32)
    assert got.size >= 480
    np.testing.assert_array_equal(got, whole[1370 * 48 : 1370 * 48 + got.size])


def test_sweep_duration_and_rate_can_change_mid_stream():
    p = Gst.parse_launch(
        f"{SWEEP} ! capsfilter name=f caps=audio/x-raw,format=F32LE,"
        "rate=48000 ! appsink name=sink sync=false max-buffers=2"
    )
    src, sink, f = p.get_by_name("src"), p.get_by_name("sink"), p.get_by_name("f")
    try:
        p.set_state(Gst.State.PLAYING)
        for i in range(60):
            if i == 10:
                src.set_property("sweep-duration", Gst.MSECOND)  # shorter than we are in
            if i == 20:
                src.set_property("sweep-duration", 3 * Gst.SECOND)
            if i == 30:
                f.set_property("caps", Gst.Caps.from_string("audio/x-raw,format=F32LE,rate=8000"))
            if i == 40:
                src.set_property("sweep-duration", Gst.MSECOND)
            sample = sink.emit("try-pull-sample", 5 * Gst.SECOND)
            assert sample is not None
            ok, info = sample.get_buffer().map(Gst.MapFlags.READ)
            x = np.frombuffer(info.data, np.float32).copy()
            sample.get_buffer().unmap(info)
            assert np.isfinite(x).all() and np.abs(x).max() <= 0.8
        assert p.get_bus().pop_filtered(Gst.MessageType.ERROR) is None
    finally:
        p.set_state(Gst.State.NULL)


@pytest.mark.parametrize(
    "fmt,silence",
    [
        ("F32LE", 0),
        ("F64LE", 0),
        ("S16LE", 0),
        ("S32LE", 0),
        ("S24LE", 0),
        ("U8", 128),
        ("U16LE", 32768),
    ],
)
def test_generator_nan_is_silence_in_every_format(fmt, silence):
    from numgst.base.gst import GstAudio

    def gen(t):
        y = np.sin(2 * np.pi * 100 * t)
        y[::2] = np.nan
        y[1::4] = np.inf
        y[3::4] = -np.inf
        return y

    def configure(p):
        p.get_by_name("src").set_property("generator", gen)

    c = capture(
        f"audiotestsrc_py name=src wave=custom volume=1 num-buffers=2 ! "
        f"audio/x-raw,format={fmt},channels=1 ! appsink name=sink",
        configure=configure,
    )
    assert c.error is None, c.error_debug
    info = GstAudio.AudioFormat.get_info(GstAudio.AudioFormat.from_string(fmt))
    width = info.width // 8
    raw = np.frombuffer(c.data, np.uint8).reshape(-1, width)
    # Decode to integers or floats through numpy where it can.
    dtype = {
        "F32LE": "<f4",
        "F64LE": "<f8",
        "S16LE": "<i2",
        "S32LE": "<i4",
        "U8": "u1",
        "U16LE": "<u2",
    }.get(fmt)
    if dtype is None:  # S24LE: three bytes, little-endian, sign-extended
        b = raw.astype(np.int32)
        vals = (b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8 >> 8
    else:
        vals = raw.reshape(-1).view(dtype).astype(np.float64)
    assert (vals[::2] == silence).all()  # NaN: silence
    full = {"F32LE": 1.0, "F64LE": 1.0}.get(fmt)
    if full is not None:
        assert (vals[1::4] == 1.0).all() and (vals[3::4] == -1.0).all()  # inf: clipped


def test_generator_returning_complex_is_an_error_not_a_truncation():
    def configure(p):
        p.get_by_name("src").set_property("generator", lambda t: np.exp(1j * t))

    c = capture(
        "audiotestsrc_py name=src wave=custom num-buffers=2 ! appsink name=sink",
        configure=configure,
    )
    assert c.error is not None and "complex" in c.error
    assert c.buffers == []


def _absolute(src, prop: str, values: list[tuple[int, float]]) -> None:
    cs = GstController.InterpolationControlSource()
    cs.set_property("mode", GstController.InterpolationMode.LINEAR)
    src.add_control_binding(GstController.DirectControlBinding.new_absolute(src, prop, cs))
    for t, v in values:
        cs.set(t, v)


def test_per_sample_control_holds_the_property_ranges():
    def configure(p):
        src = p.get_by_name("src")
        _absolute(src, "volume", [(0, 0.5), (Gst.SECOND // 10, 4.0)])
        _absolute(
            src, "freq", [(0, 1000.0), (Gst.SECOND // 20, -500.0), (Gst.SECOND // 10, math.nan)]
        )

    for fmt in ("F32LE", "S16LE"):
        c = capture(
            f"audiotestsrc_py name=src control-per-sample=true "
            f"samplesperbuffer=480 num-buffers=20 ! audio/x-raw,format={fmt},"
            "rate=48000,channels=1 ! appsink name=sink",
            configure=configure,
        )
        assert c.error is None, c.error_debug
        x = np.frombuffer(c.data, "<f4" if fmt == "F32LE" else "<i2").astype(np.float64)
        full = 1.0 if fmt == "F32LE" else 32767.0
        assert np.isfinite(x).all()
        assert np.abs(x).max() <= full
        # Volume ramps 0.5 -> 4.0 (clamped to 1.0) over the first 0.1 s: samples only
        # grow in envelope; wrapped S16 would show huge jumps.
        assert np.abs(np.diff(x)).max() < 0.25 * full


# -- memory ---------------------------------------------------------------------------

HUGE_BUFFERS = """
import resource, sys
import numgst
from numgst.base.gst import Gst
numgst.register()
def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4
p = Gst.parse_launch(f"{sys.argv[1]} wave={sys.argv[2]} samplesperbuffer=10000000 "
                     "num-buffers=3 ! audio/x-raw,format=S16LE,channels=1 ! fakesink")
before, now = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, rss_kib()
p.set_state(Gst.State.PLAYING)
m = p.get_bus().timed_pop_filtered(60 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
assert m.type == Gst.MessageType.EOS
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
p.set_state(Gst.State.NULL)
print((peak - before) // 1024, (rss_kib() - now) // 1024)
"""


@pytest.mark.parametrize("wave", ["sine", "pink-noise", "ticks"])
def test_memory_follows_the_buffer_like_c(wave):
    # 10,000,000-sample buffers (20 MB): work memory proportional to the buffer, as
    # C's, and given back at NULL (fakesink keeps its last buffer in both).
    def run(element):
        r = run_python(HUGE_BUFFERS, element, wave, timeout=120)
        assert r.returncode == 0, r.stderr[-2000:]
        return list(map(int, r.stdout.split()))

    (c_peak, c_held), (py_peak, py_held) = run("audiotestsrc"), run("audiotestsrc_py")
    assert py_peak <= c_peak + 16, (py_peak, c_peak)  # MiB
    assert py_held <= c_held + 8, (py_held, c_held)


# -- every property at its limits while PLAYING ----------------------------------------


@pytest.mark.parametrize(
    "element,wave",
    [
        ("audiotestsrc_py", w)
        for w in ("sine", "square", "saw", "ticks", "pink-noise", "red-noise", "sweep", "pulse")
    ]
    + [("audioplot", "-")],
)
def test_every_property_at_its_limits_while_playing(element, wave):
    r = run_script("_probe_props.py", element, wave, timeout=120)
    assert r.stdout.strip().endswith("ok"), r.stdout[-3000:] + r.stderr[-2000:]
