"""Noise of render() against the C audiotestsrc: same statistics (the random numbers
differ by design), reproducible with a seed, within full scale."""

from __future__ import annotations

import numpy as np
import pytest
from _wavehelp import FORMATS, c_buffers, py_buffers

from numgst.signal import catalog, waves
from numgst.signal.catalog import WAVE_NICKS
from numgst.signal.formats import CTYPE_SCALE
from numgst.signal.waves import WaveParams

NOISES = [
    catalog.WHITE_NOISE,
    catalog.PINK_NOISE,
    catalog.GAUSSIAN_NOISE,
    catalog.RED_NOISE,
    catalog.BLUE_NOISE,
    catalog.VIOLET_NOISE,
]
SPB, NBUF = 4096, 40

# Bounds on the difference of (mean, rms, lag-1 autocorrelation) per channel between
# C and us, as fractions of full scale: 6 standard deviations of a difference of two
# independent runs of SPB * NBUF samples (6 * sqrt(2) * sigma, sigma measured over 150
# seeds of our generators, the worst of 1-3 channels, plus 10 %). A right answer
# essentially never crosses them; a wrong distribution (another colour, another
# amplitude law) is off by far more. Pink and red are dominated by slow components
# (the slowest pink row changes every 4096 samples, red wanders for hundreds), so
# their means scatter most.
TOL = {
    catalog.WHITE_NOISE: (0.014, 0.0065, 0.023),
    catalog.GAUSSIAN_NOISE: (0.024, 0.018, 0.024),
    catalog.PINK_NOISE: (0.092, 0.026, 0.057),
    catalog.BLUE_NOISE: (0.002, 0.026, 0.057),
    catalog.RED_NOISE: (0.112, 0.023, 0.0028),
    catalog.VIOLET_NOISE: (0.001, 0.023, 0.0028),
}
# Lag-1 autocorrelation C gives with one channel; the sign is what tells the colours
# apart, the test checks it against C measured in the same run.
EXPECTED_SIGN = {
    catalog.WHITE_NOISE: 0,
    catalog.GAUSSIAN_NOISE: 0,
    catalog.PINK_NOISE: 1,
    catalog.RED_NOISE: 1,
    catalog.BLUE_NOISE: -1,
    catalog.VIOLET_NOISE: -1,
}


def _stats(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    xc = x - x.mean()
    return np.array([x.mean(), np.sqrt(np.mean(x * x)), (xc[1:] @ xc[:-1]) / (xc @ xc)])


@pytest.mark.parametrize("channels", [1, 2, 3])
@pytest.mark.parametrize("wave", NOISES, ids=lambda w: WAVE_NICKS[w])
def test_noise_statistics_like_c(wave, channels):
    p = WaveParams(440.0, 1.0, 44100, "double")
    c = np.concatenate(c_buffers(wave, p, channels, SPB, NBUF))
    py = np.concatenate(py_buffers(wave, p, channels, [SPB] * NBUF, seed=1234 + channels))
    tol = np.array(TOL[wave])
    for ch in range(channels):
        sc, sp = _stats(c[:, ch]), _stats(py[:, ch])
        assert (np.abs(sc - sp) <= tol).all(), (ch, sc, sp)
        if EXPECTED_SIGN[wave]:
            assert np.sign(sp[2]) == np.sign(sc[2]) == EXPECTED_SIGN[wave]
            assert abs(sp[2]) > 0.5
        else:
            assert abs(sp[2]) < 0.02
    if channels > 1:
        # Channels of one frame: independent for white/gaussian, consecutive draws of
        # one shared generator for the coloured noises.
        cc = np.corrcoef(c[:, 0], c[:, 1])[0, 1]
        cp = np.corrcoef(py[:, 0], py[:, 1])[0, 1]
        assert abs(cc - cp) < 0.05, (cc, cp)


@pytest.mark.parametrize("wave", NOISES, ids=lambda w: WAVE_NICKS[w])
def test_same_seed_same_samples_whatever_the_buffers(wave):
    p = WaveParams(440.0, 0.7, 48000, "double")
    a = np.concatenate(py_buffers(wave, p, 2, [3000], seed=7))
    b = np.concatenate(py_buffers(wave, p, 2, [1, 999, 17, 1983], seed=7))
    c = np.concatenate(py_buffers(wave, p, 2, [3000], seed=8))
    assert a.tobytes() == b.tobytes()
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("ctype", list(FORMATS))
@pytest.mark.parametrize("wave", NOISES, ids=lambda w: WAVE_NICKS[w])
def test_noise_within_full_scale(wave, ctype):
    # Gaussian noise is unbounded (C overflows its cast too): keep 6 sigma in range.
    volume = 1 / 6 if wave == catalog.GAUSSIAN_NOISE else 1.0
    p = WaveParams(440.0, volume, 44100, ctype)
    out = np.concatenate(py_buffers(wave, p, 2, [8192] * 3, seed=3))
    scale = CTYPE_SCALE[ctype]
    if wave == catalog.GAUSSIAN_NOISE:
        assert np.abs(out.astype(np.float64)).max() < scale
    else:
        assert np.abs(out.astype(np.float64)).max() <= scale
    assert np.count_nonzero(out) > out.size * 0.9


def test_red_walk_stays_in_bounds_and_state_carries():
    p = WaveParams(0.0, 1.0, 8000, "double")
    st = waves.Voice(5)
    catalog.changed(catalog.RED_NOISE, st)
    out = np.empty((20000, 1))
    catalog.values(catalog.RED_NOISE, p, st, 0, out)
    assert np.abs(out).max() <= 0.5  # state in [-8, 8], / 16
    assert out[-1, 0] == st.noise.red_state * 0.0625
    steps = np.diff(out[:, 0]) * 16
    assert np.abs(steps).max() <= 1.0 + 1e-12


def _red_walk(n: int, size: int, seed: int) -> np.ndarray:
    """The red walk's states over ``n`` samples rendered ``size`` at a time (amp 1:
    the samples are the states / 16, exactly)."""
    p = WaveParams(0.0, 1.0, 8000, "double")
    return (
        np.concatenate(py_buffers(catalog.RED_NOISE, p, 1, [size] * (n // size), seed))[:, 0] * 16
    )


@pytest.mark.parametrize("where", ["everywhere", "beyond 7", "beyond 7.5"])
def test_red_step_is_uniform_on_what_stays_inside(where):
    # C's kernel: from x, a step uniform on [-1, 1), drawn again until x + step is in
    # [-8, 8]. So the next state's place t in [max(-8, x - 1), min(8, x + 1)] is
    # uniform, whatever x. Beyond 7 is where steps that would leave are mapped onto
    # those that stay (2 % of all steps): a clamp would pile t up at an end, a
    # reflection double its density near it. Each of 20 bins holds its count within
    # 6 sigma.
    x = _red_walk(400_000, 4000, seed=21)
    assert np.array_equal(x * 2.0**40, np.round(x * 2.0**40))  # on the 2**-40 grid
    prev = np.concatenate(([0.0], x[:-1]))
    lo, hi = np.maximum(prev - 1.0, -8.0), np.minimum(prev + 1.0, 8.0)
    t = (x - lo) / (hi - lo)
    edge = {"everywhere": -1.0, "beyond 7": 7.0, "beyond 7.5": 7.5}[where]
    t = t[np.abs(prev) > edge]
    assert t.size > {"everywhere": 399_000, "beyond 7": 25_000, "beyond 7.5": 9_000}[where]
    assert t.min() >= 0.0 and t.max() <= 1.0
    counts = np.bincount(np.minimum((t * 20).astype(int), 19), minlength=20)
    sigma = np.sqrt(t.size * (1 / 20) * (19 / 20))
    assert np.abs(counts - t.size / 20).max() < 6 * sigma, counts


def test_red_walk_spends_c_time_near_the_bounds():
    # The chain's stationary density is proportional to the length of the interval a
    # step can take (2 within 7 of the middle, 9 - |x| beyond): 3/31 of the time
    # beyond 7 (a reflecting walk: 1/8). Its samples are correlated over about a
    # thousand steps: the fraction over 400000 samples spread by 0.0021 (standard
    # deviation over 120 seeds, for this walk and for the last version's, which drew
    # each step from the interval that stays inside), so the bound is 6 of those.
    x = _red_walk(400_000, 8000, seed=5)
    assert abs(np.mean(np.abs(x) > 7.0) - 3 / 31) < 0.013


@pytest.mark.parametrize(
    "wave", [catalog.WHITE_NOISE, catalog.GAUSSIAN_NOISE], ids=lambda w: WAVE_NICKS[w]
)
def test_float32_draws_same_whatever_the_buffers(wave):
    # The element draws these straight into F32 buffers, in float32.
    p = WaveParams(440.0, 0.7, 48000, "float")

    def run(sizes, seed):
        state = waves.Voice(seed)
        state.reset()
        catalog.changed(wave, state)
        parts = []
        for n in sizes:
            out = np.empty((n, 2), dtype=np.float32)
            catalog.values(wave, p, state, 0, out)
            parts.append(out)
        return np.concatenate(parts)

    a, b = run([3000], 7), run([1, 999, 17, 1983], 7)
    assert a.tobytes() == b.tobytes()
    assert not np.array_equal(a, run([3000], 8))
    if wave == catalog.WHITE_NOISE:
        assert np.abs(a).max() <= 0.7
        assert len(np.unique(a)) > a.size * 0.99  # fine-grained, not a few levels


@pytest.mark.parametrize("layout", ["interleaved", "non-interleaved"])
@pytest.mark.parametrize("fmt", ["F32LE", "F64LE"])
@pytest.mark.parametrize("wave", ["white-noise", "gaussian-noise"])
def test_element_float_noise_like_c(wave, fmt, layout):
    from numgst.testing import capture

    def run(src):
        desc = (
            f"{src} wave={wave} volume=0.5 samplesperbuffer=1000 num-buffers=60 ! "
            f"audio/x-raw,format={fmt},channels=2,rate=44100,layout={layout} ! "
            "appsink name=sink"
        )
        got = capture(desc)
        assert got.error is None
        x = np.frombuffer(got.data, dtype="<f4" if fmt == "F32LE" else "<f8")
        return (
            x.reshape(-1, 2, 1000).transpose(0, 2, 1).reshape(-1, 2)
            if layout == "non-interleaved"
            else x.reshape(-1, 2)
        )

    c, py = run("audiotestsrc"), run("audiotestsrc_py")
    assert c.shape == py.shape
    # 6 sigma bounds for n independent samples of amplitude a: the mean has sigma
    # a * s / sqrt(n) (s: 1/sqrt(3) uniform, 1 gaussian), the rms a * r / sqrt(n)
    # (r: 0.258 uniform, 0.707 gaussian), the lag-1 autocorrelation and the
    # correlation of two channels 1 / sqrt(n); a difference of two runs has sqrt(2)
    # times those.
    n, a = c.shape[0], 0.5
    s, r = (1 / np.sqrt(3), 0.258) if wave == "white-noise" else (1.0, 0.707)
    sigma = np.array([a * s, a * r, 1.0]) / np.sqrt(n)
    for ch in range(2):
        sc, sp = _stats(c[:, ch]), _stats(py[:, ch])
        assert (np.abs(sc - sp) <= 6 * np.sqrt(2) * sigma).all(), (ch, sc, sp)
        assert abs(sp[2]) < 6 * sigma[2]
    assert abs(np.corrcoef(py[:, 0], py[:, 1])[0, 1]) < 6 / np.sqrt(n)
    if wave == "white-noise":
        assert np.abs(py).max() <= 0.5
