"""Deterministic waves and ticks of render() against the C audiotestsrc, sample for sample."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from _wavehelp import FORMATS, c_buffers, py_buffers

from numgst.base.gst import Gst
from numgst.signal import catalog, waves
from numgst.signal.catalog import WAVE_NICKS
from numgst.signal.catalog import values as render
from numgst.signal.formats import CTYPE_SCALE
from numgst.signal.waves import Voice as WaveState
from numgst.signal.waves import WaveParams

DETERMINISTIC = [
    catalog.SINE,
    catalog.SQUARE,
    catalog.SAW,
    catalog.TRIANGLE,
    catalog.SILENCE,
    catalog.SINE_TABLE,
]

# rate, channels, freq, volume, samplesperbuffer, buffers
CONFIGS = [
    (44100, 1, 440.0, 0.8, 1024, 3),
    (48000, 2, 1000.0, 1.0, 1000, 3),
    (8000, 3, 3999.0, 0.5, 7, 20),  # near Nyquist, odd buffers
    (22050, 2, 0.0, 1.0, 1, 5),  # freq 0, one frame per buffer
    (96000, 1, 20.5, 0.0, 4096, 2),  # volume 0
    (192000, 6, 12345.678, 0.3, 333, 4),
    (44100, 1, 22049.9, 1.0, 511, 3),  # a hair below Nyquist
]


def test_wave_nicks_are_the_c_enum():
    src = Gst.ElementFactory.make("audiotestsrc", None)
    nicks = []
    for w in catalog.C_WAVES:
        src.set_property("wave", w.value)  # by number: works on every PyGObject
        nicks.append(src.get_property("wave").value_nick)
    assert [w.nick for w in catalog.C_WAVES] == nicks
    assert [w.value for w in catalog.C_WAVES] == list(range(13))


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: "-".join(map(str, c)))
@pytest.mark.parametrize("ctype", list(FORMATS))
@pytest.mark.parametrize("wave", DETERMINISTIC, ids=lambda w: WAVE_NICKS[w])
def test_deterministic_wave_bit_exact(wave, ctype, config):
    rate, ch, freq, vol, spb, nbuf = config
    p = WaveParams(freq, vol, rate, ctype)
    c = np.concatenate(c_buffers(wave, p, ch, spb, nbuf))
    py = np.concatenate(py_buffers(wave, p, ch, [spb] * nbuf))
    old_numpy = np.lib.NumpyVersion(np.__version__) < "2.0.0"
    if wave == catalog.SINE and ctype == "double" and old_numpy:
        # numpy 1.x's float64 sin is not libm's: last-bit differences.
        np.testing.assert_array_max_ulp(c, py, maxulp=2)
    else:
        assert c.tobytes() == py.tobytes()


TICK_CASES = [
    # rate, channels, freq, volume, spb, buffers, tick properties
    (8000, 2, 1000.0, 0.5, 30, 30, dict(sine_periods_per_tick=2, tick_interval=10_000_000)),
    (8000, 1, 1000.0, 0.5, 100, 10, dict(sine_periods_per_tick=9, tick_interval=10_000_000)),
    (
        8000,
        1,
        700.0,
        0.7,
        64,
        40,
        dict(
            sine_periods_per_tick=5,
            tick_interval=10_000_000,
            marker_tick_period=3,
            marker_tick_volume=0.3,
        ),
    ),
    (
        44100,
        2,
        440.0,
        0.9,
        1024,
        30,
        dict(
            tick_interval=100_000_000,
            apply_tick_ramp=True,
            marker_tick_period=2,
            marker_tick_volume=0.25,
        ),
    ),
    (
        48000,
        1,
        2000.0,
        1.0,
        333,
        20,
        dict(sine_periods_per_tick=3, tick_interval=3_000_000, apply_tick_ramp=True),
    ),
    (8000, 1, 0.0, 1.0, 100, 5, dict(tick_interval=10_000_000)),
    (22050, 1, 1234.5, 0.6, 1, 300, dict(tick_interval=5_000_000, sine_periods_per_tick=1)),
]


@pytest.mark.parametrize("case", TICK_CASES, ids=lambda c: f"{c[2]}Hz-spb{c[4]}")
@pytest.mark.parametrize("ctype", list(FORMATS))
def test_ticks_equal_c_but_first_sample(ctype, case):
    """With C's placement (buffer end as first_sample), every sample equals C's
    except each tick's first one, which C 1.22 leaves unwritten (stale memory)."""
    rate, ch, freq, vol, spb, nbuf, kw = case
    p = WaveParams(freq, vol, rate, ctype, **kw)
    c = np.concatenate(c_buffers(catalog.TICKS, p, ch, spb, nbuf, kw))
    py = np.concatenate(py_buffers(catalog.TICKS, p, ch, [spb] * nbuf, tick_at_end=True))
    sbt = waves.samples_between_ticks(p)
    a = np.arange(c.shape[0])
    tick_first = (a + spb) % sbt == 0  # C: (buffer end + i) % sbt
    assert (py[tick_first] == 0).all()
    assert c[~tick_first].tobytes() == py[~tick_first].tobytes()
    if freq > 0:
        assert np.count_nonzero(py) > 0


def test_ticks_placed_from_stream_start():
    """Ticks sit at multiples of the tick interval from sample 0, each burst equal to
    C's burst (compared by position in the tick period)."""
    rate, spb, nbuf = 8000, 64, 25
    kw = dict(sine_periods_per_tick=5, tick_interval=10_000_000, apply_tick_ramp=True)
    p = WaveParams(700.0, 0.7, rate, "float", **kw)
    sbt = waves.samples_between_ticks(p)
    c = np.concatenate(c_buffers(catalog.TICKS, p, 1, spb, nbuf, kw))[:, 0]
    py = np.concatenate(py_buffers(catalog.TICKS, p, 1, [spb] * nbuf))[:, 0]
    a = np.arange(c.shape[0])
    c_mod = (a + spb) % sbt
    first_c_tick = int(np.flatnonzero(c_mod == 0)[0])
    burst = np.zeros(sbt, dtype=c.dtype)
    burst[c_mod[first_c_tick:]] = c[first_c_tick:]
    burst[0] = 0  # C's stale sample
    expected = burst[a % sbt]
    assert py.tobytes() == expected.tobytes()
    assert np.count_nonzero(py[:sbt]) > 0  # the stream opens with a tick


@pytest.mark.parametrize("wave", DETERMINISTIC + [catalog.TICKS], ids=lambda w: WAVE_NICKS[w])
def test_buffer_split_does_not_matter(wave):
    p = WaveParams(
        1234.5,
        0.9,
        8000,
        "double",
        tick_interval=7_000_000,
        sine_periods_per_tick=3,
        marker_tick_period=2,
        marker_tick_volume=0.5,
    )
    whole = np.concatenate(py_buffers(wave, p, 2, [1000]))
    parts = np.concatenate(py_buffers(wave, p, 2, [1, 7, 300, 92, 600]))
    assert whole.tobytes() == parts.tobytes()


def test_render_writes_every_channel_alike_and_in_range():
    st = WaveState(0)
    for wave in (w.value for w in catalog.C_WAVES):
        if wave in (catalog.WHITE_NOISE, catalog.GAUSSIAN_NOISE):
            continue  # independent per channel
        for ctype, scale in CTYPE_SCALE.items():
            out = np.full((257, 3), np.nan)
            p = dataclasses.replace(WaveParams(440.0, 1.0, 44100, ctype), tick_interval=1_000_000)
            catalog.changed(wave, st)
            render(wave, p, st, 0, out)
            assert np.isfinite(out).all()
            assert (out == out[:, :1]).all() or not catalog.BY_VALUE[wave].mono
            assert np.abs(out).max() <= scale * (1 + 1e-6)
