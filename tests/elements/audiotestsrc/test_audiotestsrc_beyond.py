"""audiotestsrc_py beyond the C element, through real pipelines: sweeps, band-limited
waves, per-channel tones, reproducible noise, per-sample control, Python generators."""

from __future__ import annotations

import math

import numpy as np
import pytest

from numgst.base.gst import Gst, GstController
from numgst.testing import capture

RATE = 48000


def _f64(desc: str, channels: int = 1, n: int = 48, spb: int = 1000, setup=None):
    # setup runs before the first buffer (capture's configure hook).
    r = capture(
        f"audiotestsrc_py name=src {desc} samplesperbuffer={spb} num-buffers={n} "
        f"! audio/x-raw,format=F64LE,rate={RATE},channels={channels} "
        "! appsink name=sink",
        configure=setup,
    )
    assert r.error is None, r.error_debug
    return np.frombuffer(r.data, np.float64).reshape(-1, channels), r


def _freq_at_upward_crossings(x: np.ndarray, amp: float) -> tuple[np.ndarray, np.ndarray]:
    """Instantaneous frequency at each upward zero crossing, from two samples' phases."""
    y = np.clip(x / amp, -1.0, 1.0)
    i = np.flatnonzero((y[:-1] < 0) & (y[1:] >= 0))
    dphi = np.arcsin(y[i + 1]) - np.arcsin(y[i])
    return (i + 0.5) / RATE, dphi * RATE / (2 * math.pi)


@pytest.mark.parametrize("mode", ["linear", "logarithmic"])
def test_sweep_follows_its_law_within_0_1_percent(mode):
    f0, f1, dur = 100.0, 4000.0, 0.5
    x, _ = _f64(
        f"wave=sweep freq={f0} end-freq={f1} sweep-duration={int(dur * 1e9)} "
        f"sweep-mode={mode} volume=1",
        n=72,
    )  # 1.5 s: three sweeps
    t, f = _freq_at_upward_crossings(x[:, 0], 1.0)
    tau = np.mod(t, dur)
    law = f0 + (f1 - f0) * tau / dur if mode == "linear" else f0 * (f1 / f0) ** (tau / dur)
    keep = (tau > 2 / RATE) & (tau < dur - 2 / RATE)  # not straddling a restart
    assert keep.sum() > 1000
    assert np.abs(f[keep] / law[keep] - 1).max() < 1e-3


def _alias_db(x: np.ndarray, f: float) -> float:
    n = x.size
    spec = np.abs(np.fft.rfft(x * np.blackman(n)))
    true_bins = [round(k * f * n / RATE) for k in range(1, int(RATE / 2 / f) + 1)]
    worst = -400.0
    for k in range(2, 300):
        fa = abs(((k * f + RATE / 2) % RATE) - RATE / 2)
        if k * f < RATE / 2:
            continue
        i = round(fa * n / RATE)
        if min(abs(i - b) for b in true_bins) > 4:
            worst = max(worst, 20 * np.log10(spec[max(i - 2, 0) : i + 3].max() / spec.max()))
    return worst


ALIAS_LIMIT_DB = -90.0  # stated in the README: band-limited tones above rate/256


@pytest.mark.parametrize("wave", ["square", "saw", "triangle"])
def test_band_limited_waves_do_not_alias(wave):
    freq = 5000.0
    naive, _ = _f64(f"wave={wave} freq={freq} volume=0.7")
    clean, _ = _f64(f"wave={wave} freq={freq} volume=0.7 band-limited=true")
    assert _alias_db(naive[:, 0], freq) > -60.0
    assert _alias_db(clean[:, 0], freq) < ALIAS_LIMIT_DB
    assert np.abs(clean).max() <= 1.0


def test_band_limited_off_is_c_output():
    a = capture(
        "audiotestsrc wave=square freq=5000 num-buffers=4 ! "
        "audio/x-raw,format=S16LE ! appsink name=sink"
    )
    b = capture(
        "audiotestsrc_py wave=square freq=5000 band-limited=false num-buffers=4 ! "
        "audio/x-raw,format=S16LE ! appsink name=sink"
    )
    assert a.data == b.data


def _dominant(x: np.ndarray) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    return float(np.argmax(spec) * RATE / x.size)


def test_channel_freqs_from_launch_syntax():
    x, _ = _f64('channel-freqs="<440.0, 880.0, 1320.0>"', channels=4)
    assert [round(_dominant(x[:, c])) for c in range(4)] == [440, 880, 1320, 440]


def test_channel_freqs_and_phases_from_python():
    def setup(pipeline):
        src = pipeline.get_by_name("src")
        src.set_property("channel-freqs", Gst.ValueArray([1000.0, 1000.0]))
        src.set_property("channel-phases", Gst.ValueArray([0.0, 90.0]))

    x, _ = _f64("volume=1", channels=2, setup=setup)
    assert round(_dominant(x[:, 0])) == round(_dominant(x[:, 1])) == 1000
    # Right is left shifted by a quarter period: cos against sin.
    n = np.arange(1, x.shape[0] + 1)
    w = 2 * math.pi * 1000 / RATE
    np.testing.assert_allclose(x[:, 0], np.sin(w * n), atol=1e-9)
    np.testing.assert_allclose(x[:, 1], np.sin(w * n + math.pi / 2), atol=1e-9)


NOISES = ["white-noise", "pink-noise", "red-noise", "blue-noise", "violet-noise", "gaussian-noise"]


@pytest.mark.parametrize("wave", NOISES)
def test_seed_makes_noise_reproducible(wave):
    def run(seed):
        return capture(
            f"audiotestsrc_py wave={wave} seed={seed} num-buffers=5 ! "
            "audio/x-raw,format=S16LE,channels=2 ! appsink name=sink"
        ).data

    assert run(42) == run(42)
    assert run(42) != run(43)
    assert run(0) != run(0)  # 0: random, as in C


def _ramp(src, prop: str, points) -> None:
    cs = GstController.InterpolationControlSource()
    cs.set_property("mode", GstController.InterpolationMode.LINEAR)
    src.add_control_binding(GstController.DirectControlBinding.new_absolute(src, prop, cs))
    for t, v in points:
        cs.set(t, v)


def test_per_sample_volume_ramp_is_smooth_inside_a_buffer():
    def setup(pipeline):
        _ramp(pipeline.get_by_name("src"), "volume", [(0, 0.0), (Gst.SECOND, 1.0)])

    smooth, _ = _f64("freq=1000 control-per-sample=true", n=4, spb=12000, setup=setup)
    stepped, _ = _f64("freq=1000", n=4, spb=12000, setup=setup)
    period = RATE // 1000

    def envelope(x):
        return np.abs(x[:, 0]).reshape(-1, period).max(axis=1)

    # Per sample: the envelope rises within every buffer; per buffer (C): it is flat.
    per_buffer = 12000 // period
    for env, rising in ((envelope(smooth), True), (envelope(stepped), False)):
        for b in range(4):
            e = env[b * per_buffer : (b + 1) * per_buffer]
            assert np.all(np.diff(e) > 0) if rising else np.ptp(e) < 1e-9
    # Each period peaks near its end, at the ramp value there.
    np.testing.assert_allclose(envelope(smooth), (np.arange(1000) + 1) / 1000, atol=2e-3)


def test_per_sample_freq_ramp_is_a_true_chirp():
    def setup(pipeline):
        _ramp(pipeline.get_by_name("src"), "freq", [(0, 200.0), (Gst.SECOND, 2200.0)])

    x, _ = _f64("volume=1 control-per-sample=true", n=4, spb=12000, setup=setup)
    t, f = _freq_at_upward_crossings(x[:, 0], 1.0)
    np.testing.assert_allclose(f, 200.0 + 2000.0 * t, rtol=2e-3)


def test_generator_output_is_the_callables():
    def tone(t):
        return np.sin(2 * math.pi * 300.0 * t)

    def setup(pipeline):
        pipeline.get_by_name("src").set_property("generator", tone)

    x, _ = _f64("wave=custom volume=0.5", n=3, setup=setup)
    t = np.arange(x.shape[0]) / RATE
    np.testing.assert_allclose(x[:, 0], 0.5 * tone(t), atol=1e-15)


def test_generator_per_channel_output():
    def setup(pipeline):
        pipeline.get_by_name("src").set_property(
            "generator", lambda t: np.stack([t * 0 + 0.25, -t * 0 - 0.5], axis=1)
        )

    x, _ = _f64("wave=custom volume=1", channels=2, n=2, setup=setup)
    assert set(x[:, 0]) == {0.25} and set(x[:, 1]) == {-0.5}


def test_raising_generator_is_a_bus_error_with_traceback():
    def broken(t):
        raise ZeroDivisionError("the generator failed")

    def setup(pipeline):
        pipeline.get_by_name("src").set_property("generator", broken)

    r = capture(
        "audiotestsrc_py name=src wave=custom num-buffers=3 ! appsink name=sink", configure=setup
    )
    assert r.error is not None and "the generator failed" in r.error
    assert "Traceback (most recent call last)" in r.error_debug


@pytest.mark.parametrize("fmt", ["S16LE", "F32LE", "S24BE", "U8"])
def test_pulse_at_half_duty_is_the_square(fmt):
    def run(wave):
        c = capture(
            f"audiotestsrc_py wave={wave} freq=1234.5 samplesperbuffer=700 "
            f"num-buffers=12 ! audio/x-raw,format={fmt},channels=2,rate=44100 ! "
            "appsink name=sink"
        )
        assert c.error is None, c.error_debug
        return c.data

    assert run("pulse") == run("square")


@pytest.mark.parametrize("duty", [0.1, 0.25, 0.9])
def test_pulse_is_high_for_its_duty_cycle(duty):
    c = capture(
        f"audiotestsrc_py wave=pulse duty-cycle={duty} freq=480 volume=1 "
        "num-buffers=10 ! audio/x-raw,format=F32LE,channels=1,rate=48000 ! "
        "appsink name=sink"
    )
    assert c.error is None, c.error_debug
    x = np.frombuffer(c.data, np.float32)
    assert set(np.unique(x)) == {-1.0, 1.0}
    # 100 frames a period: the high part is duty * 100 frames, give or take one.
    high = (x[: 100 * (x.size // 100)].reshape(-1, 100) > 0).sum(axis=1)
    assert np.abs(high - duty * 100).max() <= 1
